/* fuzz_json.c - libFuzzer target for the JSON reader and writer.
 *
 * For every input:
 *  - the reader runs to completion from memory and, in pieces of 1 to 8
 *    bytes, through the stream callback; both must give the same tokens and
 *    the same error;
 *  - an error message must start with "line L, column C: ";
 *  - a well-formed document is rewritten with the writer (pretty and
 *    compact); the output must be valid UTF-8, must parse, must give the same
 *    values, and rewriting it again must give the same bytes;
 *  - the input bytes, escaped with sd_json_escape between quotes, must read
 *    back as one string.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -Iinclude
 *        src/core/base.c src/core/json_read.c src/core/json_write.c
 *        tests/fuzz/fuzz_json.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                      \
  do {                                                                   \
    if(!(cond)) {                                                        \
      fprintf(stderr, "fuzz_json.c:%d: check failed: %s\n", __LINE__,   \
              #cond);                                                    \
      abort();                                                           \
    }                                                                    \
  } while(0)

typedef struct src {
  const char *data;
  size_t len;
  size_t pos;
  size_t chunk;
} src;

static size_t src_read(void *ctx, char *buf, size_t cap)
{
  src *s = ctx;
  size_t n = s->len - s->pos;
  if(n > s->chunk)
    n = s->chunk;
  if(n > cap)
    n = cap;
  memcpy(buf, s->data + s->pos, n);
  s->pos += n;
  return n;
}

/* Serialise the tokens (values and, if with_pos, positions) to a trace. */
static void trace_token(sd_buf *t, const sd_jtoken *tok, int with_pos)
{
  sd_buf_printf(t, "%d", (int)tok->type);
  if(with_pos)
    sd_buf_printf(t, "@%u:%u", tok->line, tok->col);
  if(tok->type == SD_JT_KEY || tok->type == SD_JT_STRING) {
    CHECK(tok->str && tok->str[tok->len] == '\0');
    CHECK(strlen(tok->str) == tok->len); /* no NUL inside */
    CHECK(sd_utf8_valid(tok->str, tok->len));
    sd_buf_putc(t, ' ');
    sd_json_escape(t, tok->str, tok->len);
  }
  if(tok->type == SD_JT_NUMBER) {
    if(tok->is_int)
      sd_buf_printf(t, " i%lld", (long long)tok->i64);
    else
      sd_buf_printf(t, " r%a", tok->dbl);
  }
  sd_buf_putc(t, '\n');
}

/* Read everything; chunk 0 reads from memory.  0 when it parsed to EOF. */
static int run(const char *d, size_t n, size_t chunk, int with_pos,
               sd_buf *trace, sd_buf *err)
{
  src s;
  sd_jreader *r;
  sd_jtoken tok;
  int rc = -1;
  s.data = d;
  s.len = n;
  s.pos = 0;
  s.chunk = chunk;
  r = chunk ? sd_jr_new_stream(src_read, &s) : sd_jr_new_mem(d, n);
  for(;;) {
    if(sd_jr_next(r, &tok)) {
      const char *e = sd_jr_error(r);
      unsigned line, col;
      CHECK(e != NULL);
      CHECK(sscanf(e, "line %u, column %u: ", &line, &col) == 2);
      CHECK(line >= 1 && col >= 1);
      sd_buf_puts(err, e);
      CHECK(sd_jr_next(r, &tok) == -1);
      break;
    }
    trace_token(trace, &tok, with_pos);
    if(tok.type == SD_JT_EOF) {
      rc = 0;
      break;
    }
  }
  sd_jr_free(r);
  return rc;
}

static void rewrite(const char *d, size_t n, int compact, sd_buf *out)
{
  sd_jreader *r = sd_jr_new_mem(d, n);
  sd_jwriter w;
  sd_jtoken tok;
  sd_jw_init(&w, out);
  w.compact = compact;
  for(;;) {
    CHECK(sd_jr_next(r, &tok) == 0);
    switch(tok.type) {
    case SD_JT_OBJ_BEGIN: sd_jw_obj_begin(&w); break;
    case SD_JT_OBJ_END: sd_jw_obj_end(&w); break;
    case SD_JT_ARR_BEGIN: sd_jw_arr_begin(&w); break;
    case SD_JT_ARR_END: sd_jw_arr_end(&w); break;
    case SD_JT_KEY: sd_jw_key(&w, tok.str); break;
    case SD_JT_STRING: sd_jw_strn(&w, tok.str, tok.len); break;
    case SD_JT_NUMBER:
      if(tok.is_int)
        sd_jw_int(&w, tok.i64);
      else
        sd_jw_double(&w, tok.dbl);
      break;
    case SD_JT_TRUE: sd_jw_bool(&w, 1); break;
    case SD_JT_FALSE: sd_jw_bool(&w, 0); break;
    case SD_JT_NULL: sd_jw_null(&w); break;
    default: break;
    }
    if(tok.type == SD_JT_EOF)
      break;
  }
  CHECK(w.depth == 0);
  sd_jr_free(r);
}

/* 1 when there is whitespace outside string literals. */
static int ws_outside_strings(const char *s, size_t n)
{
  size_t i;
  int in_str = 0;
  for(i = 0; i < n; i++) {
    if(in_str) {
      if(s[i] == '\\')
        i++;
      else if(s[i] == '"')
        in_str = 0;
    }
    else if(s[i] == '"')
      in_str = 1;
    else if(s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
      return 1;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *d = (const char *)data;
  sd_buf t0, e0, t1, e1;
  int rc, compact;
  size_t chunk = size ? (size_t)(data[size - 1] % 8) + 1 : 1;

  sd_buf_init(&t0);
  sd_buf_init(&e0);
  sd_buf_init(&t1);
  sd_buf_init(&e1);
  rc = run(d, size, 0, 1, &t0, &e0);
  CHECK(run(d, size, chunk, 1, &t1, &e1) == rc);
  CHECK(sd_streq(t0.data, t1.data));
  CHECK(sd_streq(e0.data, e1.data));

  if(rc == 0) {
    sd_buf v0;
    sd_buf_init(&v0);
    sd_buf_reset(&e1);
    CHECK(run(d, size, 0, 0, &v0, &e1) == 0);
    for(compact = 0; compact < 2; compact++) {
      sd_buf w1, w2, v1;
      sd_buf_init(&w1);
      sd_buf_init(&w2);
      sd_buf_init(&v1);
      rewrite(d, size, compact, &w1);
      CHECK(w1.data && sd_utf8_valid(w1.data, w1.len));
      CHECK(w1.len && w1.data[w1.len - 1] != '\n');
      if(compact)
        CHECK(!ws_outside_strings(w1.data, w1.len));
      CHECK(run(w1.data, w1.len, 0, 0, &v1, &e1) == 0);
      CHECK(sd_streq(v0.data, v1.data)); /* same values */
      rewrite(w1.data, w1.len, compact, &w2);
      CHECK(w1.len == w2.len && !memcmp(w1.data, w2.data, w1.len));
      sd_buf_free(&w1);
      sd_buf_free(&w2);
      sd_buf_free(&v1);
    }
    sd_buf_free(&v0);
  }

  /* arbitrary bytes through the escaper */
  {
    sd_buf q;
    sd_jreader *r;
    sd_jtoken tok;
    sd_buf_init(&q);
    sd_buf_putc(&q, '"');
    sd_json_escape(&q, d, size);
    sd_buf_putc(&q, '"');
    CHECK(sd_utf8_valid(q.data, q.len));
    r = sd_jr_new_mem(q.data, q.len);
    CHECK(sd_jr_next(r, &tok) == 0 && tok.type == SD_JT_STRING);
    if(sd_utf8_valid(d, size) && !memchr(d, 0, size))
      CHECK(tok.len == size && !memcmp(tok.str, d, size));
    CHECK(sd_jr_next(r, &tok) == 0 && tok.type == SD_JT_EOF);
    sd_jr_free(r);
    sd_buf_free(&q);
  }

  sd_buf_free(&t0);
  sd_buf_free(&e0);
  sd_buf_free(&t1);
  sd_buf_free(&e1);
  return 0;
}
