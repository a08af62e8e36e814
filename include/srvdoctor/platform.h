/* platform.h - the little the portable code needs from the operating system:
 * files, console output, clocks, environment.  Implemented once for Windows
 * (src/platform/win32) and once for POSIX (src/platform/posix). */
#ifndef SRVDOCTOR_PLATFORM_H
#define SRVDOCTOR_PLATFORM_H

#include <stdio.h>

#include "srvdoctor/base.h"
#include "srvdoctor/error.h"

/* fopen with a UTF-8 path. */
FILE *sd_fopen(const char *path, const char *mode);
/* Replace path with data atomically: write a temporary file in the same
 * folder, flush it to disk, then rename it over path (with a short bounded
 * retry while another process holds the target).  On failure the old file
 * is untouched, no temporary file is left, and err says why. */
int sd_write_file_atomic(const char *path, const char *data, size_t len,
                         sd_err *err);

enum { SD_STDOUT = 1, SD_STDERR = 2 };
/* Is the stream an interactive console/terminal? */
int sd_is_console(int stream);
/* Write UTF-8 text (WriteConsoleW on a Windows console, bytes otherwise). */
int sd_write_stream(int stream, const char *utf8, size_t len);
/* Try to enable ANSI colour sequences on the console; 1 when usable. */
int sd_console_enable_color(int stream);

sd_time sd_now(void);            /* wall clock, UTC seconds */
long sd_monotonic_ms(void);      /* for timings */
/* Environment variable as UTF-8 (copied into a static-lifetime string). */
const char *sd_getenv(const char *name);
/* Is live collection possible on this build? */
int sd_live_supported(void);
/* Read a small text file (a password file); strips one trailing newline. */
int sd_read_small_file(const char *path, sd_buf *out, sd_err *err);

/* End the process with exit code 3 and one sentence on stderr when the run
 * takes longer than seconds (0: no limit).  Network calls have their own
 * timeouts; this is the last line of defence against a hang. */
void sd_watchdog_start(int seconds);

#endif
