/* fuzz_setuplog.c - libFuzzer target for the ExchangeSetup.log reader.
 *
 * Each input is read as a whole log three ways: as it is, as UTF-16LE
 * with a BOM (each input byte widened to one code unit, the last two
 * input bytes also forming a raw unit so lone surrogates occur), and as
 * the tail of a virtual log a chunk longer whose earlier bytes are a
 * filler line, for one input in four (the reads cross chunk edges).
 * For every result:
 *  - the state and encoding are in range and have names;
 *  - why is a non-empty sentence; every string field is NUL terminated
 *    inside its array and valid UTF-8;
 *  - a known failure is NULL or a row of the table; a successful run
 *    carries no error;
 *  - no single read asks for more than a chunk and its margins, and the
 *    bytes asked for stay within two scan windows plus a few chunks;
 *  - reading the same input twice gives the same result.
 *
 * Build: CC=clang cmake -S . -B build/fuzz -DSD_FUZZ=ON -DSD_TESTS=OFF
 *        cmake --build build/fuzz --target fuzz_setuplog */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange-sp2/parse_setuplog.h"
#include "srvdoctor/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                        \
  do {                                                                     \
    if(!(cond)) {                                                          \
      fprintf(stderr, "fuzz_setuplog.c:%d: check failed: %s\n", __LINE__, \
              #cond);                                                      \
      abort();                                                             \
    }                                                                      \
  } while(0)

static const char k_filler[] =
  "[12/05/2009 09:00:00.0000] [2] Processing component (filler).\r\n";

typedef struct src {
  const uint8_t *tail;
  size_t tail_len;
  uint64_t size;
  size_t max_req;
  uint64_t asked;
} src;

/* The filler line repeated over a chunk and a bit, built once. */
static const uint8_t *filler(void)
{
  static uint8_t *f;
  size_t i, n = sizeof(k_filler) - 1;
  if(!f) {
    f = malloc(SD_SLOG_CHUNK + 4096);
    for(i = 0; i < SD_SLOG_CHUNK + 4096; i++)
      f[i] = (uint8_t)k_filler[i % n];
  }
  return f;
}

static uint32_t src_read(void *ctx, uint64_t off, void *buf, size_t len,
                         size_t *got)
{
  src *s = ctx;
  uint8_t *o = buf;
  size_t done = 0;
  uint64_t tail_at = s->size - s->tail_len;
  if(len > s->max_req)
    s->max_req = len;
  s->asked += len;
  while(done < len && off + done < s->size) {
    uint64_t p = off + done;
    size_t n;
    if(p >= tail_at) {
      n = (size_t)(s->size - p);
      if(n > len - done)
        n = len - done;
      memcpy(o + done, s->tail + (p - tail_at), n);
    }
    else {
      n = (size_t)(tail_at - p);
      if(n > len - done)
        n = len - done;
      CHECK(p + n <= SD_SLOG_CHUNK + 4096);
      memcpy(o + done, filler() + p, n);
    }
    done += n;
  }
  *got = done;
  return 0;
}

static void check_str(const char *s, size_t cap)
{
  size_t n = strnlen(s, cap);
  CHECK(n < cap);
  CHECK(sd_utf8_valid(s, n));
}

static void check_result(const sd_slog_result *r, const src *s)
{
  CHECK(r->state >= SD_SLOG_UNREADABLE && r->state <= SD_SLOG_UNKNOWN);
  CHECK(r->encoding >= SD_SLOG_ENC_NONE && r->encoding <= SD_SLOG_ENC_ANSI);
  CHECK(sd_setuplog_state_name(r->state)[0]);
  CHECK(sd_setuplog_encoding_name(r->encoding)[0]);
  check_str(r->why, sizeof(r->why));
  CHECK(r->why[0] != '\0');
  check_str(r->started, sizeof(r->started));
  check_str(r->build, sizeof(r->build));
  check_str(r->step, sizeof(r->step));
  check_str(r->task, sizeof(r->task));
  check_str(r->error_text, sizeof(r->error_text));
  if(r->known)
    CHECK(r->known >= sd_setuplog_known &&
          r->known < sd_setuplog_known + sd_setuplog_nknown);
  if(r->state == SD_SLOG_SUCCEEDED)
    CHECK(!r->known && !r->error_text[0]);
  CHECK(r->state != SD_SLOG_UNREADABLE); /* the source never fails */
  CHECK(s->max_req <= SD_SLOG_CHUNK + 1024);
  CHECK(s->asked <= 2 * SD_SLOG_SCAN_MAX + 4 * SD_SLOG_CHUNK + 8192);
  CHECK(r->bytes_read <= s->asked);
  CHECK(r->run_offset <= s->size);
}

static void run(const uint8_t *d, size_t n, uint64_t size)
{
  src s;
  sd_slog_result a, b;
  memset(&s, 0, sizeof(s));
  s.tail = d;
  s.tail_len = n;
  s.size = size;
  sd_setuplog_read(src_read, &s, size, &a);
  check_result(&a, &s);
  s.max_req = 0;
  s.asked = 0;
  sd_setuplog_read(src_read, &s, size, &b);
  CHECK(a.state == b.state && a.known == b.known);
  CHECK(!strcmp(a.why, b.why) && !strcmp(a.error_text, b.error_text));
  CHECK(!strcmp(a.step, b.step) && !strcmp(a.task, b.task));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *w = malloc(2 * size + 4);
  size_t i, n = 0;
  run(data, size, size);
  w[n++] = 0xFF;
  w[n++] = 0xFE;
  for(i = 0; i < size; i++) {
    w[n++] = data[i];
    w[n++] = 0;
  }
  if(size >= 2) {
    w[n++] = data[size - 2];
    w[n++] = data[size - 1];
  }
  run(w, n, n);
  free(w);
  /* After a chunk and a bit of filler, so runs cross chunk edges (for
   * one input in four: it is the slow one). */
  if(size % 4 == 0)
    run(data, size, size + SD_SLOG_CHUNK + (size ? data[0] * 3u : 0));
  return 0;
}
