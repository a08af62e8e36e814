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
/* Open a file for reading ("rb") only if it is a regular file, without ever
 * blocking: a FIFO or named pipe, a device, a socket or a folder is refused
 * before anything is read from it.  On failure err says why in a few words
 * that do not repeat the path ("there is no such file", "access is denied",
 * "it is a folder, not a file", "it is a FIFO (named pipe), not a file"),
 * with SD_ENOENT for a missing file. */
FILE *sd_fopen_regular(const char *path, sd_err *err);
/* Replace path with data atomically: write a temporary file in the same
 * folder, flush it to disk, then rename it over path (with a short bounded
 * retry while another process holds the target).  On failure the old file
 * is untouched, no temporary file is left, and err says why. */
int sd_write_file_atomic(const char *path, const char *data, size_t len,
                         sd_err *err);
/* The same write with a point between its two halves: when pace is not
 * NULL, the temporary file gets the first half of data, then
 * pace->between(pace->ctx) runs, then the rest is written.  The program
 * always passes NULL (sd_write_file_atomic); the test program
 * tests/tools/sd_seams.c routes every write here to pause in the middle
 * of one ("sd_seams stall-write MS ARGS..."). */
typedef struct sd_write_pace {
  void (*between)(void *ctx);
  void *ctx;
} sd_write_pace;
int sd_write_file_atomic_paced(const char *path, const char *data, size_t len,
                               const sd_write_pace *pace, sd_err *err);

enum { SD_STDOUT = 1, SD_STDERR = 2 };
/* Is the stream an interactive console/terminal? */
int sd_is_console(int stream);
/* Write UTF-8 text (WriteConsoleW on a Windows console, bytes otherwise). */
int sd_write_stream(int stream, const char *utf8, size_t len);
/* Try to enable ANSI colour sequences on the console; 1 when usable. */
int sd_console_enable_color(int stream);
/* Columns of the console window the stream shows in, 0 when it is not a
 * console (a file or pipe: the text report then wraps at 80). */
int sd_console_width(int stream);
/* 1 where text files end their lines with CR LF (Windows). */
int sd_text_files_crlf(void);

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

/* ---- files and folders for unattended runs (report folders) ----
 * Implemented in src/platform/<os>/fleet_<os>.c. */

/* dir + separator + name, malloc'd ("C:\dir\name" or "/dir/name"). */
char *sd_path_join(const char *dir, const char *name);
/* Create a folder and any missing parents; an existing folder is fine. */
int sd_mkdir_p(const char *path, sd_err *err);
/* The names (not paths) of a folder's files, malloc'd; free with
 * sd_names_free.  "." and ".." and sub-folders are left out. */
int sd_list_files(const char *dir, char ***names, size_t *count, sd_err *err);
/* The names of the entries of a folder that a reader of its files should
 * try: not folders nor links to folders, but regular files, links to
 * files, and what sd_fopen_regular refuses with a reason (a FIFO, a
 * device, a link to nothing or a link loop), so that the caller can say
 * why instead of dropping them silently.  Same memory rules as
 * sd_list_files.  On Windows the same as sd_list_files. */
int sd_list_entries(const char *dir, char ***names, size_t *count,
                    sd_err *err);
void sd_names_free(char **names, size_t count);
int sd_file_exists(const char *path);
int sd_remove_file(const char *path, sd_err *err);
void sd_sleep_ms(unsigned ms);
/* Does the process have this standard stream at all (a scheduled task or
 * a service may start it without one)? */
int sd_stream_present(int stream);

/* An exclusive lock held through an open file: other processes that ask
 * for the same path wait (polling) up to wait_ms, then fail with
 * SD_ETIMEOUT.  The operating system drops the lock when the holder dies,
 * so a killed run never leaves a stale lock behind. */
typedef struct sd_lock sd_lock;
sd_lock *sd_lock_acquire(const char *path, unsigned wait_ms, sd_err *err);
void sd_lock_release(sd_lock *l);

/* The machine-wide application data folder (%ProgramData%, that is
 * CSIDL_COMMON_APPDATA; "C:\Documents and Settings\All Users\Application
 * Data" on Windows Server 2003), malloc'd.  POSIX: /var/lib. */
char *sd_common_appdata_dir(sd_err *err);

/* ---- the acknowledgements file's folder (src/platform/<os>/private_*.c)
 * The file decides what monitoring sees, so only administrators may be
 * able to put a file there. */

/* The account this process runs as ("CONTOSO\admin"; POSIX: the user
 * name), malloc'd; "unknown" when it cannot be told. */
char *sd_current_user(void);
/* 0 when no account other than administrators (Windows: Administrators,
 * SYSTEM, TrustedInstaller) and the running one may create or replace a
 * file in dir; -1 otherwise, with err (SD_EACCES) naming who may and how
 * to limit it, or saying why the permissions could not be read.  POSIX:
 * owned by root or the running user, not writable by others nor by a
 * group other than root's. */
int sd_dir_private(const char *dir, sd_err *err);
/* Create dir when it does not exist (its parents as sd_mkdir_p does);
 * Windows gives the new folder a protected access list: SYSTEM and
 * Administrators only, nothing inherited. */
int sd_mkdir_private(const char *dir, sd_err *err);

/* ---- Windows Application event log (SD_ENOTSUP elsewhere) ---- */
enum { SD_EVT_ERROR = 1, SD_EVT_WARNING = 2, SD_EVT_INFORMATION = 4 };
/* Report one event with a single insertion string (%1). */
int sd_eventlog_report(const char *source, int type, uint32_t id,
                       const char *text, sd_err *err);
/* Create HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\
 * <source> with EventMessageFile (REG_EXPAND_SZ, this executable's path) and
 * TypesSupported; the path used is returned malloc'd in *msgfile.  An
 * access-denied failure sets SD_EACCES. */
int sd_eventlog_register(const char *source, char **msgfile, sd_err *err);
/* Delete that key; *existed says whether there was one. */
int sd_eventlog_unregister(const char *source, int *existed, sd_err *err);

#endif
