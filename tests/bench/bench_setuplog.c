/* bench_setuplog.c - the ExchangeSetup.log reader on a large file.
 *
 *   bench_setuplog gen FILE MB [RUN_MB]
 *                                write a log of about MB MiB: earlier runs
 *                                of setup (successes, each with a few
 *                                hundred lines of task output) and, last,
 *                                a run that fails in the documented form
 *                                (about RUN_MB MiB long; default 300
 *                                lines); gen16 writes it in UTF-16LE
 *   bench_setuplog read FILE     read the last run of FILE through pread
 *                                and print what the reader found, the
 *                                bytes of the last run (for `tail -c`),
 *                                the bytes read and the time taken
 *
 * Run by tests/bench/bench_setuplog.sh, which measures time and peak
 * memory with /usr/bin/time -v against `tail -c` of the same bytes. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exchange-sp2/parse_setuplog.h"

static unsigned long g_line;
static int g_utf16; /* write UTF-16LE (the text is ASCII) */

static void ln(FILE *f, int thread, const char *text)
{
  unsigned long s = g_line++;
  char line[512];
  int n = snprintf(line, sizeof(line),
                   "[12/%02lu/2009 %02lu:%02lu:%02lu.%04lu] [%d] %s\r\n",
                   1 + s / 86400 % 28, s / 3600 % 24, s / 60 % 60, s % 60,
                   s * 7 % 10000, thread, text);
  int i;
  if(n < 0 || n >= (int)sizeof(line))
    n = (int)sizeof(line) - 1;
  if(!g_utf16) {
    fwrite(line, 1, (size_t)n, f);
    return;
  }
  for(i = 0; i < n; i++) {
    putc(line[i], f);
    putc(0, f);
  }
}

static void run_head(FILE *f)
{
  ln(f, 0, "**********************************************");
  ln(f, 0, "Starting Microsoft Exchange Server 2007 Setup");
  ln(f, 0, "**********************************************");
  ln(f, 0, "Setup version: 08.02.0176.002.");
  ln(f, 0, "Logged on user: CONTOSO\\admin.");
  ln(f, 1, "Beginning processing Install-BridgeheadRole");
}

static void run_body(FILE *f, int lines)
{
  int i;
  for(i = 0; i < lines; i++)
    ln(f, 2, "Processing component 'Bridgehead Configuration' "
       "(Configuring Microsoft Exchange Server): task 'Set-TransportServer'"
       " with parameters -Identity 'EXCH01'.");
}

static void run_ok(FILE *f)
{
  run_head(f);
  run_body(f, 300);
  ln(f, 1, "Ending processing Install-BridgeheadRole");
  ln(f, 0, "The Microsoft Exchange Server setup operation completed "
     "successfully.");
  ln(f, 0, "End of Setup");
  ln(f, 0, "**********************************************");
}

static void run_failed(FILE *f, int lines)
{
  run_head(f);
  run_body(f, lines);
  ln(f, 1, "[ERROR] The following error was generated when \"$error.Clear();"
     " start-SetupService -ServiceName MSExchangeTransport\" was run: "
     "\"Service 'MSExchangeTransport' failed to reach status 'Running' on "
     "this server.\".");
  ln(f, 1, "Setup is halting task execution because of one or more errors "
     "in a critical task.");
  ln(f, 1, "Ending processing Install-BridgeheadRole");
  ln(f, 0, "The Microsoft Exchange Server setup operation did not complete.");
  ln(f, 0, "End of Setup");
  ln(f, 0, "**********************************************");
}

static int gen(const char *path, long mb, long run_mb)
{
  int lines = run_mb > 0 ? (int)((run_mb << 20) / (g_utf16 ? 320 : 160))
                         : 300;
  FILE *f = fopen(path, "wb");
  long long want = (long long)mb << 20;
  if(!f) {
    fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
    return 1;
  }
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  if(g_utf16)
    fwrite("\xFF\xFE", 1, 2, f);
  while(ftell(f) < want - ((long long)lines * (g_utf16 ? 320 : 160) +
                            64 * 1024))
    run_ok(f);
  run_failed(f, lines);
  if(fclose(f)) {
    fprintf(stderr, "cannot write %s\n", path);
    return 1;
  }
  return 0;
}

static uint32_t pread_cb(void *ctx, uint64_t off, void *buf, size_t len,
                         size_t *got)
{
  int fd = *(int *)ctx;
  size_t done = 0;
  while(done < len) {
    ssize_t n = pread(fd, (char *)buf + done, len - done,
                      (off_t)(off + done));
    if(n < 0) {
      if(errno == EINTR)
        continue;
      return (uint32_t)errno;
    }
    if(n == 0)
      break;
    done += (size_t)n;
  }
  *got = done;
  return 0;
}

static int read_log(const char *path)
{
  struct stat st;
  struct timespec a, b;
  sd_slog_result r;
  int fd = open(path, O_RDONLY);
  if(fd < 0 || fstat(fd, &st)) {
    fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
    return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &a);
  sd_setuplog_read(pread_cb, &fd, (uint64_t)st.st_size, &r);
  clock_gettime(CLOCK_MONOTONIC, &b);
  close(fd);
  printf("state=%s known=%s encoding=%s\n", sd_setuplog_state_name(r.state),
         r.known ? r.known->id : "-", sd_setuplog_encoding_name(r.encoding));
  printf("step=%s\ntask=%s\nerror=%s\nwhy=%s\n", r.step, r.task,
         r.error_text, r.why);
  printf("file_bytes=%lld run_bytes=%llu bytes_read=%llu ms=%.3f\n",
         (long long)st.st_size,
         (unsigned long long)((uint64_t)st.st_size - r.run_offset),
         (unsigned long long)r.bytes_read,
         (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
  return r.state == SD_SLOG_FAILED ? 0 : 2;
}

int main(int argc, char **argv)
{
  g_utf16 = argc >= 2 && !strcmp(argv[1], "gen16");
  if((argc == 4 || argc == 5) && (!strcmp(argv[1], "gen") || g_utf16))
    return gen(argv[2], strtol(argv[3], NULL, 10),
               argc == 5 ? strtol(argv[4], NULL, 10) : 0);
  if(argc == 3 && !strcmp(argv[1], "read"))
    return read_log(argv[2]);
  fprintf(stderr, "usage: bench_setuplog gen|gen16 FILE MB [RUN_MB] | "
          "read FILE\n");
  return 1;
}
