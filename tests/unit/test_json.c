/* test_json.c - unit tests of the JSON reader and writer (json.h).
 *
 * The fixture corpus is read from $SD_FIXTURES_DIR/json/{valid,invalid}
 * (default ../tests/fixtures): every invalid document must fail with a
 * "line L, column C: ..." message, every valid one must parse to EOF, and
 * both must behave the same whether read from memory or through the stream
 * callback in pieces of any size. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srvdoctor/json.h"

/* ---- helpers ---- */

static char *read_whole(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  sd_buf b;
  char tmp[4096];
  size_t n;
  assert_non_null(f);
  sd_buf_init(&b);
  while((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
    sd_buf_put(&b, tmp, n);
  fclose(f);
  *len = b.len;
  return sd_buf_take(&b);
}

/* A stream source over memory handing out at most `chunk` bytes a call and
 * failing with (size_t)-1 once `fail_at` bytes were given (if nonzero). */
typedef struct memsrc {
  const char *data;
  size_t len;
  size_t pos;
  size_t chunk;
  size_t fail_at;
} memsrc;

static size_t memsrc_read(void *ctx, char *buf, size_t cap)
{
  memsrc *m = ctx;
  size_t n = m->len - m->pos;
  if(m->fail_at && m->pos >= m->fail_at)
    return (size_t)-1;
  if(n > m->chunk)
    n = m->chunk;
  if(n > cap)
    n = cap;
  if(m->fail_at && n > m->fail_at - m->pos)
    n = m->fail_at - m->pos;
  memcpy(buf, m->data + m->pos, n);
  m->pos += n;
  return n;
}

/* Append a description of a token to a trace. */
static void trace_token(sd_buf *t, const sd_jtoken *tok)
{
  sd_buf_printf(t, "%d@%u:%u", (int)tok->type, tok->line, tok->col);
  if(tok->type == SD_JT_KEY || tok->type == SD_JT_STRING) {
    sd_buf_puts(t, " \"");
    sd_json_escape(t, tok->str, tok->len);
    sd_buf_putc(t, '"');
  }
  if(tok->type == SD_JT_NUMBER)
    sd_buf_printf(t, " %d %lld %.17g", tok->is_int, (long long)tok->i64,
                  tok->dbl);
  sd_buf_putc(t, '\n');
}

/* Read a whole document; chunk 0 reads from memory.  Returns 0 when it
 * parsed to EOF.  The token trace and the error (or "") are returned. */
static int parse_doc(const char *data, size_t len, size_t chunk, sd_buf *trace,
                     sd_buf *err)
{
  memsrc m;
  sd_jreader *r;
  sd_jtoken tok;
  int rc = -1;
  m.data = data;
  m.len = len;
  m.pos = 0;
  m.chunk = chunk;
  m.fail_at = 0;
  r = chunk ? sd_jr_new_stream(memsrc_read, &m) : sd_jr_new_mem(data, len);
  for(;;) {
    if(sd_jr_next(r, &tok)) {
      const char *e = sd_jr_error(r);
      assert_non_null(e);
      if(err)
        sd_buf_puts(err, e);
      /* sticky */
      assert_int_equal(sd_jr_next(r, &tok), -1);
      assert_string_equal(sd_jr_error(r), e);
      break;
    }
    assert_null(sd_jr_error(r));
    if(trace)
      trace_token(trace, &tok);
    if(tok.type == SD_JT_EOF) {
      rc = 0;
      break;
    }
  }
  sd_jr_free(r);
  return rc;
}

static int parse_str(const char *s, sd_buf *err)
{
  return parse_doc(s, strlen(s), 0, NULL, err);
}

/* Expect the document to fail with exactly this message. */
static void expect_error(const char *doc, const char *msg)
{
  sd_buf err;
  sd_buf_init(&err);
  if(parse_str(doc, &err) == 0)
    fail_msg("accepted: %s", doc);
  if(strcmp(err.data, msg) != 0)
    fail_msg("doc %s\n  got:      %s\n  expected: %s", doc, err.data, msg);
  sd_buf_free(&err);
}

/* Rewrite a document token by token with the writer. */
static int rewrite(const char *data, size_t len, int compact, sd_buf *out)
{
  sd_jreader *r = sd_jr_new_mem(data, len);
  sd_jwriter w;
  sd_jtoken tok;
  int rc = -1;
  sd_jw_init(&w, out);
  w.compact = compact;
  while(sd_jr_next(r, &tok) == 0) {
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
    case SD_JT_EOF: rc = 0; break;
    default: break;
    }
    if(tok.type == SD_JT_EOF)
      break;
  }
  sd_jr_free(r);
  return rc;
}

/* Trace with the positions left out (for comparing different layouts). */
static void value_trace(const char *data, size_t len, sd_buf *out)
{
  sd_jreader *r = sd_jr_new_mem(data, len);
  sd_jtoken tok;
  while(sd_jr_next(r, &tok) == 0) {
    tok.line = tok.col = 0;
    if(tok.type == SD_JT_NUMBER) {
      tok.str = NULL; /* literal text differs after rewriting reals */
      if(tok.is_int)
        tok.dbl = 0; /* "-0" is rewritten as 0 */
    }
    trace_token(out, &tok);
    if(tok.type == SD_JT_EOF)
      break;
  }
  assert_null(sd_jr_error(r));
  sd_jr_free(r);
}

/* write -> read -> write is byte-identical, and the values survive. */
static void check_roundtrip(const char *data, size_t len)
{
  int compact;
  for(compact = 0; compact < 2; compact++) {
    sd_buf w1, w2, t0, t1;
    sd_buf_init(&w1);
    sd_buf_init(&w2);
    sd_buf_init(&t0);
    sd_buf_init(&t1);
    assert_int_equal(rewrite(data, len, compact, &w1), 0);
    assert_int_equal(rewrite(w1.data, w1.len, compact, &w2), 0);
    assert_int_equal(w1.len, w2.len);
    assert_memory_equal(w1.data, w2.data, w1.len);
    assert_true(sd_utf8_valid(w1.data, w1.len));
    value_trace(data, len, &t0);
    value_trace(w1.data, w1.len, &t1);
    assert_string_equal(t0.data, t1.data);
    sd_buf_free(&w1);
    sd_buf_free(&w2);
    sd_buf_free(&t0);
    sd_buf_free(&t1);
  }
}

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.json files of a fixture folder. */
static char **list_fixtures(const char *kind, size_t *count, char **dirpath)
{
  const char *root = getenv("SD_FIXTURES_DIR");
  sd_buf path;
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0;
  if(!root || !*root)
    root = "../tests/fixtures";
  sd_buf_init(&path);
  sd_buf_printf(&path, "%s/json/%s", root, kind);
  d = opendir(path.data);
  if(!d)
    fail_msg("cannot open fixture folder %s (set SD_FIXTURES_DIR)",
             path.data);
  while((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    if(l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
      continue;
    names = sd_grow(names, &cap, n, sizeof(*names));
    names[n++] = sd_xstrdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof(*names), cmp_names);
  *count = n;
  *dirpath = sd_buf_take(&path);
  return names;
}

static void free_list(char **names, size_t n, char *dirpath)
{
  size_t i;
  for(i = 0; i < n; i++)
    free(names[i]);
  free(names);
  free(dirpath);
}

static const size_t chunk_sizes[] = {1, 2, 3, 7, 64, 65536};

/* ---- fixtures ---- */

static void test_fixtures_invalid(void **state)
{
  size_t n, i, k;
  char *dir;
  char **names = list_fixtures("invalid", &n, &dir);
  (void)state;
  assert_true(n >= 40);
  for(i = 0; i < n; i++) {
    sd_buf path, err, err2;
    char *data;
    size_t len;
    sd_buf_init(&path);
    sd_buf_init(&err);
    sd_buf_printf(&path, "%s/%s", dir, names[i]);
    data = read_whole(path.data, &len);
    if(parse_doc(data, len, 0, NULL, &err) == 0)
      fail_msg("invalid fixture %s was accepted", names[i]);
    if(strncmp(err.data, "line ", 5) != 0 || !strstr(err.data, ", column ") ||
       !strstr(err.data, ": "))
      fail_msg("fixture %s: bad message: %s", names[i], err.data);
    for(k = 0; k < SD_COUNTOF(chunk_sizes); k++) {
      sd_buf_init(&err2);
      assert_int_equal(parse_doc(data, len, chunk_sizes[k], NULL, &err2), -1);
      if(strcmp(err.data, err2.data) != 0)
        fail_msg("fixture %s: stream (chunk %u) said \"%s\", memory \"%s\"",
                 names[i], (unsigned)chunk_sizes[k], err2.data, err.data);
      sd_buf_free(&err2);
    }
    free(data);
    sd_buf_free(&path);
    sd_buf_free(&err);
  }
  free_list(names, n, dir);
}

static void test_fixtures_valid(void **state)
{
  size_t n, i, k;
  char *dir;
  char **names = list_fixtures("valid", &n, &dir);
  (void)state;
  assert_true(n >= 12);
  for(i = 0; i < n; i++) {
    sd_buf path, err, trace, trace2;
    char *data;
    size_t len;
    sd_buf_init(&path);
    sd_buf_init(&err);
    sd_buf_init(&trace);
    sd_buf_printf(&path, "%s/%s", dir, names[i]);
    data = read_whole(path.data, &len);
    if(parse_doc(data, len, 0, &trace, &err) != 0)
      fail_msg("valid fixture %s refused: %s", names[i], err.data);
    for(k = 0; k < SD_COUNTOF(chunk_sizes); k++) {
      sd_buf_init(&trace2);
      assert_int_equal(parse_doc(data, len, chunk_sizes[k], &trace2, NULL), 0);
      assert_string_equal(trace.data, trace2.data);
      sd_buf_free(&trace2);
    }
    check_roundtrip(data, len);
    free(data);
    sd_buf_free(&path);
    sd_buf_free(&err);
    sd_buf_free(&trace);
  }
  free_list(names, n, dir);
}

/* ---- reader ---- */

static void test_tokens(void **state)
{
  const char *doc = "{\n  \"name\": \"srv\",\n  \"n\": [1, -2.5e1, true,"
                    " false, null, {}]\n}";
  sd_jreader *r = sd_jr_new_mem(doc, strlen(doc));
  sd_jtoken t;
  (void)state;
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_OBJ_BEGIN);
  assert_int_equal(t.line, 1);
  assert_int_equal(t.col, 1);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_KEY);
  assert_string_equal(t.str, "name");
  assert_int_equal(t.len, 4);
  assert_int_equal(t.line, 2);
  assert_int_equal(t.col, 3);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_STRING);
  assert_string_equal(t.str, "srv");
  assert_int_equal(t.col, 11);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_KEY);
  assert_string_equal(t.str, "n");
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_ARR_BEGIN);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_NUMBER);
  assert_true(t.is_int);
  assert_int_equal(t.i64, 1);
  assert_true(t.dbl == 1.0);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_NUMBER);
  assert_false(t.is_int);
  assert_true(t.dbl == -25.0);
  assert_int_equal(t.line, 3);
  assert_int_equal(t.col, 12);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_TRUE);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_FALSE);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_NULL);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_OBJ_BEGIN);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_OBJ_END);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_ARR_END);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_OBJ_END);
  assert_int_equal(t.line, 4);
  assert_int_equal(t.col, 1);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_EOF);
  /* EOF again, no error */
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_EOF);
  assert_null(sd_jr_error(r));
  sd_jr_free(r);
}

static void test_error_messages(void **state)
{
  (void)state;
  expect_error("\"abcd", "line 1, column 6: unexpected end of input inside"
               " a string");
  expect_error("\"abc", "line 1, column 5: unexpected end of input inside"
               " a string");
  expect_error("{\n  \"id\": 1,\n  \"name\": \"a\",\n  \"x\": {\"name\": 2},"
               "\n  \"name\": \"b\"\n}",
               "line 5, column 3: duplicate key \"name\"");
  expect_error("{\"a\":{\"b\":1,\"b\":2}}",
               "line 1, column 13: duplicate key \"b\"");
  expect_error("{\"a\\n\\\"\":1,\"a\\n\\\"\":2}",
               "line 1, column 12: duplicate key \"a\\n\\\"\"");
  expect_error("", "line 1, column 1: empty document (expected a JSON"
               " value)");
  expect_error("[1,]", "line 1, column 4: trailing comma before ']'");
  expect_error("{\"a\":1,}", "line 1, column 8: trailing comma before '}'");
  expect_error("[1] [2]", "line 1, column 5: unexpected '[' after the end"
               " of the document");
  expect_error("[1\n,\n2\n", "line 4, column 1: unexpected end of input"
               " (expected ',' or ']')");
  expect_error("01", "line 1, column 1: invalid number: leading zeros are"
               " not allowed");
  expect_error("[1.]", "line 1, column 4: invalid number: expected a digit"
               " after the decimal point but found ']'");
  expect_error("9223372036854775808", "line 1, column 1: number out of"
               " range (integers must fit in 64 bits)");
  expect_error("[0, 1e400]", "line 1, column 5: number out of range (too"
               " large for a double)");
  expect_error("\"\\u0000\"", "line 1, column 2: \\u0000 is not allowed in"
               " a string");
  expect_error("\"ab\\ud800\\u0041\"", "line 1, column 4: unpaired"
               " surrogate \\uD800 in a string");
  expect_error("\"\\udfff\"", "line 1, column 2: unpaired surrogate \\uDFFF"
               " in a string");
  expect_error("\"\\q\"", "line 1, column 2: invalid escape sequence \\q");
  expect_error("\"\\u00zz\"", "line 1, column 2: invalid \\u escape"
               " (expected four hex digits)");
  expect_error("\"a\tb\"", "line 1, column 3: control character 0x09 in a"
               " string (it must be escaped)");
  expect_error("\"\xC3\xA9\xC3\"", "line 1, column 4: invalid UTF-8"
               " sequence (byte 0xC3 followed by 0x22) in a string");
  expect_error("\"\xFF\"", "line 1, column 2: invalid UTF-8 byte 0xFF in a"
               " string");
  expect_error("\xEF\xBB\xBF[x]", "line 1, column 2: expected a value but"
               " found 'x'");
  expect_error("\xFF\xFE[", "line 1, column 1: UTF-16 byte order mark (the"
               " document must be UTF-8)");
  expect_error("{'a':1}", "line 1, column 2: expected a string key or '}'"
               " but found ''' (strings need double quotes)");
  expect_error("[1, // x\n2]", "line 1, column 5: expected a value but"
               " found '/' (comments are not allowed in JSON)");
  expect_error("[NaN]", "line 1, column 2: expected a value but found 'N'"
               " (NaN and Infinity are not valid JSON)");
  expect_error("[truE]", "line 1, column 2: invalid literal (expected"
               " 'true')");
  expect_error("{\"a\" 1}", "line 1, column 6: expected ':' after the key"
               " but found '1'");
  expect_error("{\"a\":1 \"b\":2}", "line 1, column 8: expected ',' or '}'"
               " but found '\"'");
}

static void test_embedded_nul(void **state)
{
  static const char in_string[] = "[\"a\0b\"]";
  static const char outside[] = "[1,\0]";
  sd_buf err;
  (void)state;
  sd_buf_init(&err);
  assert_int_equal(parse_doc(in_string, sizeof(in_string) - 1, 0, NULL, &err),
                   -1);
  assert_string_equal(err.data, "line 1, column 4: control character 0x00"
                      " in a string (it must be escaped)");
  sd_buf_reset(&err);
  assert_int_equal(parse_doc(outside, sizeof(outside) - 1, 0, NULL, &err), -1);
  assert_string_equal(err.data, "line 1, column 4: expected a value but"
                      " found byte 0x00 (NUL bytes are not allowed; is the"
                      " document UTF-16?)");
  sd_buf_free(&err);
}

static void test_bom_column(void **state)
{
  static const char doc[] = "\xEF\xBB\xBF{\"a\": 1}";
  sd_jreader *r = sd_jr_new_mem(doc, sizeof(doc) - 1);
  sd_jtoken t;
  (void)state;
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_OBJ_BEGIN);
  assert_int_equal(t.col, 1); /* the mark is not counted */
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.col, 2);
  sd_jr_free(r);
}

static char *repeat(const char *a, size_t na, const char *mid, const char *b,
                    size_t nb)
{
  sd_buf s;
  size_t i;
  sd_buf_init(&s);
  for(i = 0; i < na; i++)
    sd_buf_puts(&s, a);
  sd_buf_puts(&s, mid);
  for(i = 0; i < nb; i++)
    sd_buf_puts(&s, b);
  return sd_buf_take(&s);
}

static void test_depth(void **state)
{
  char *doc;
  sd_buf err;
  size_t k;
  (void)state;
  sd_buf_init(&err);
  /* 64 levels: allowed */
  doc = repeat("[", 64, "", "]", 64);
  assert_int_equal(parse_str(doc, &err), 0);
  free(doc);
  doc = repeat("{\"k\":", 63, "[1]", "}", 63);
  assert_int_equal(parse_str(doc, &err), 0);
  free(doc);
  /* 65 levels: refused at the 65th bracket */
  doc = repeat("[", 65, "", "]", 65);
  assert_int_equal(parse_str(doc, &err), -1);
  assert_string_equal(err.data, "line 1, column 65: nesting too deep (more"
                      " than 64 levels of arrays and objects)");
  free(doc);
  /* 100000 levels, memory and stream, arrays and objects */
  doc = repeat("[", 100000, "", "]", 100000);
  for(k = 0; k < 3; k++) {
    sd_buf_reset(&err);
    assert_int_equal(parse_doc(doc, strlen(doc), k == 0 ? 0 : k == 1 ? 1 :
                               65536, NULL, &err), -1);
    assert_non_null(strstr(err.data, "line 1, column 65: nesting too deep"));
  }
  free(doc);
  doc = repeat("{\"a\":", 100000, "1", "}", 100000);
  sd_buf_reset(&err);
  assert_int_equal(parse_str(doc, &err), -1);
  assert_non_null(strstr(err.data, "line 1, column 321: nesting too deep"));
  free(doc);
  /* 100000 levels unclosed */
  doc = repeat("[", 100000, "", "", 0);
  sd_buf_reset(&err);
  assert_int_equal(parse_str(doc, &err), -1);
  free(doc);
  sd_buf_free(&err);
}

static void test_many_keys(void **state)
{
  sd_buf doc, err, big;
  size_t i;
  (void)state;
  sd_buf_init(&doc);
  sd_buf_init(&err);
  sd_buf_init(&big);
  sd_buf_putc(&doc, '{');
  for(i = 0; i < 200000; i++)
    sd_buf_printf(&doc, "%s\"key%u\":%u", i ? "," : "", (unsigned)i,
                  (unsigned)i);
  sd_buf_puts(&big, doc.data);
  sd_buf_putc(&big, '}');
  assert_int_equal(parse_doc(big.data, big.len, 0, NULL, &err), 0);
  /* a duplicate of the first and of the last key */
  sd_buf_reset(&big);
  sd_buf_puts(&big, doc.data);
  sd_buf_puts(&big, ",\"key0\":1}");
  assert_int_equal(parse_doc(big.data, big.len, 0, NULL, &err), -1);
  assert_non_null(strstr(err.data, ": duplicate key \"key0\""));
  sd_buf_reset(&err);
  sd_buf_reset(&big);
  sd_buf_puts(&big, doc.data);
  sd_buf_puts(&big, ",\"key199999\":1}");
  assert_int_equal(parse_doc(big.data, big.len, 7, NULL, &err), -1);
  assert_non_null(strstr(err.data, ": duplicate key \"key199999\""));

  /* nested objects with many keys each: the sets of closed objects are
   * dropped, the outer set survives */
  sd_buf_reset(&doc);
  sd_buf_reset(&err);
  sd_buf_putc(&doc, '{');
  for(i = 0; i < 100; i++) {
    size_t j;
    sd_buf_printf(&doc, "%s\"o%u\":{", i ? "," : "", (unsigned)i);
    for(j = 0; j < 300; j++)
      sd_buf_printf(&doc, "%s\"o%u\":[{\"o%u\":1}]", j ? "," : "",
                    (unsigned)j, (unsigned)i);
    sd_buf_putc(&doc, '}');
  }
  sd_buf_reset(&big);
  sd_buf_puts(&big, doc.data);
  sd_buf_putc(&big, '}');
  assert_int_equal(parse_doc(big.data, big.len, 0, NULL, &err), 0);
  sd_buf_reset(&big);
  sd_buf_puts(&big, doc.data);
  sd_buf_puts(&big, ",\"o57\":0}");
  assert_int_equal(parse_doc(big.data, big.len, 0, NULL, &err), -1);
  assert_non_null(strstr(err.data, ": duplicate key \"o57\""));
  sd_buf_free(&doc);
  sd_buf_free(&err);
  sd_buf_free(&big);
}

static void test_dup_key_message_truncated(void **state)
{
  sd_buf doc, err;
  size_t i;
  (void)state;
  sd_buf_init(&doc);
  sd_buf_init(&err);
  sd_buf_puts(&doc, "{\"");
  for(i = 0; i < 59; i++)
    sd_buf_putc(&doc, 'x');
  sd_buf_puts(&doc, "\xE2\x82\xAC\xE2\x82\xAC\":1,\"");
  for(i = 0; i < 59; i++)
    sd_buf_putc(&doc, 'x');
  sd_buf_puts(&doc, "\xE2\x82\xAC\xE2\x82\xAC\":2}");
  assert_int_equal(parse_str(doc.data, &err), -1);
  /* cut before the euro sign that would straddle the limit */
  assert_non_null(strstr(err.data, "xxxxxxxx...\""));
  assert_true(sd_utf8_valid(err.data, err.len));
  sd_buf_free(&doc);
  sd_buf_free(&err);
}

typedef struct numcase {
  const char *text;
  int is_int;
  int64_t i64;
  double dbl;
} numcase;

static void test_numbers(void **state)
{
  static const numcase cases[] = {
    {"0", 1, 0, 0.0},
    {"-0", 1, 0, -0.0},
    {"7", 1, 7, 7.0},
    {"-7", 1, -7, -7.0},
    {"9223372036854775807", 1, INT64_MAX, 9223372036854775807.0},
    {"-9223372036854775808", 1, INT64_MIN, -9223372036854775808.0},
    {"1.5", 0, 0, 1.5},
    {"-0.0", 0, 0, -0.0},
    {"1e2", 0, 0, 100.0},
    {"1E+2", 0, 0, 100.0},
    {"1e-2", 0, 0, 0.01},
    {"0.1", 0, 0, 0.1},
    {"123.456", 0, 0, 123.456},
    {"9007199254740993.0", 0, 0, 9007199254740992.0},
    {"9223372036854775808.0", 0, 0, 9223372036854775808.0},
    {"1.7976931348623157e308", 0, 0, 1.7976931348623157e308},
    {"4.9406564584124654e-324", 0, 0, 4.9406564584124654e-324},
    {"1e-400", 0, 0, 0.0},
    {"0e999999999999999999", 0, 0, 0.0},
    {"123456789012345678901234567890e-10", 0, 0,
     12345678901234567890.123456789},
    {"0.000000000000000000000000000001", 0, 0, 1e-30},
    {"2.2250738585072011e-308", 0, 0, 2.2250738585072011e-308},
  };
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(cases); i++) {
    sd_jreader *r = sd_jr_new_mem(cases[i].text, strlen(cases[i].text));
    sd_jtoken t;
    if(sd_jr_next(r, &t))
      fail_msg("%s: %s", cases[i].text, sd_jr_error(r));
    assert_int_equal(t.type, SD_JT_NUMBER);
    assert_int_equal(t.is_int, cases[i].is_int);
    if(t.is_int)
      assert_true(t.i64 == cases[i].i64);
    if(memcmp(&t.dbl, &cases[i].dbl, sizeof(double)) != 0)
      fail_msg("%s: got %.17g, expected %.17g", cases[i].text, t.dbl,
               cases[i].dbl);
    assert_string_equal(t.str, cases[i].text);
    assert_int_equal(sd_jr_next(r, &t), 0);
    assert_int_equal(t.type, SD_JT_EOF);
    sd_jr_free(r);
  }
}

static void test_numbers_match_strtod(void **state)
{
  /* the exact fast path against the C library */
  uint64_t x = 88172645463325252u;
  int i;
  (void)state;
  for(i = 0; i < 200000; i++) {
    char text[64];
    sd_jreader *r;
    sd_jtoken t;
    double want;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    snprintf(text, sizeof(text), "%llu.%llue%d",
             (unsigned long long)(x % 100000000u),
             (unsigned long long)((x >> 27) % 10000000u),
             (int)((x >> 50) % 61) - 30);
    want = strtod(text, NULL);
    r = sd_jr_new_mem(text, strlen(text));
    assert_int_equal(sd_jr_next(r, &t), 0);
    if(memcmp(&t.dbl, &want, sizeof(want)) != 0)
      fail_msg("%s: got %.17g, strtod %.17g", text, t.dbl, want);
    sd_jr_free(r);
  }
}

static void test_strings(void **state)
{
  static const struct {
    const char *json;
    const char *want;
  } cases[] = {
    {"\"\"", ""},
    {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t"},
    {"\"\\u0041\\u00e9\\u20AC\"", "A\xC3\xA9\xE2\x82\xAC"},
    {"\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80"},
    {"\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF"},
    {"\"\\u0001\\u001f\\u007f\"", "\x01\x1F\x7F"},
    {"\"\xF0\x9F\x98\x80 \xE6\x97\xA5\"", "\xF0\x9F\x98\x80 \xE6\x97\xA5"},
    {"\"a\x7F" "b\"", "a\x7F" "b"},
    {"\"\\u2028\"", "\xE2\x80\xA8"},
  };
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(cases); i++) {
    sd_jreader *r = sd_jr_new_mem(cases[i].json, strlen(cases[i].json));
    sd_jtoken t;
    if(sd_jr_next(r, &t))
      fail_msg("%s: %s", cases[i].json, sd_jr_error(r));
    assert_int_equal(t.type, SD_JT_STRING);
    assert_string_equal(t.str, cases[i].want);
    assert_int_equal(t.len, strlen(cases[i].want));
    sd_jr_free(r);
  }
}

static void test_utf8_exhaustive(void **state)
{
  /* every 1- and 2-byte sequence inside a string, and 3-byte ones with
   * the third byte at the edges of the continuation range: accepted exactly
   * when base.c's validator says it is valid UTF-8 */
  static const unsigned thirds[] = {0x21, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                    0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF};
  unsigned a, b, k;
  (void)state;
  for(a = 0x20; a < 0x100; a++) {
    for(b = 0; b < 0x100; b++) {
      size_t kmax = (a >= 0xE0) ? SD_COUNTOF(thirds) : 1;
      for(k = 0; k < kmax; k++) {
        unsigned c = thirds[k];
        char doc[8];
        size_t n = 0;
        int ok, want;
        sd_jreader *r;
        sd_jtoken t;
        if(a == '"' || a == '\\' || b < 0x20 || b == '"' || b == '\\')
          continue;
        if(kmax > 1 && (c < 0x20 || c == '"' || c == '\\'))
          continue;
        doc[n++] = '"';
        doc[n++] = (char)a;
        doc[n++] = (char)b;
        if(kmax > 1)
          doc[n++] = (char)c;
        doc[n++] = '"';
        want = sd_utf8_valid(doc + 1, n - 2);
        r = sd_jr_new_mem(doc, n);
        ok = sd_jr_next(r, &t) == 0 && sd_jr_next(r, &t) == 0 &&
             t.type == SD_JT_EOF;
        sd_jr_free(r);
        if(ok != want)
          fail_msg("bytes %02X %02X %02X: reader %d, validator %d", a, b, c,
                   ok, want);
      }
    }
  }
}

static void test_stream_large(void **state)
{
  /* tokens that straddle window boundaries, read in several piece sizes */
  sd_buf doc, t0, t1;
  size_t i, k;
  static const size_t chunks[] = {1, 4093, 65536, 100000};
  (void)state;
  sd_buf_init(&doc);
  sd_buf_init(&t0);
  sd_buf_puts(&doc, "{\"long\":\"");
  for(i = 0; i < 300000; i++)
    sd_buf_putc(&doc, (char)('a' + (char)(i % 26)));
  sd_buf_puts(&doc, "\",\"items\":[");
  for(i = 0; i < 30000; i++)
    sd_buf_printf(&doc, "%s{\"i\":%u,\"x\":%u.%u,\"s\":\"\\u00e9\\ud83d\\ude00"
                  "\xE6\x97\xA5\\n\",\"t\":true,\"f\":false,\"z\":null}\n",
                  i ? "," : "", (unsigned)i, (unsigned)i, (unsigned)(i * 7));
  sd_buf_puts(&doc, "]}");
  assert_int_equal(parse_doc(doc.data, doc.len, 0, &t0, NULL), 0);
  for(k = 0; k < SD_COUNTOF(chunks); k++) {
    sd_buf_init(&t1);
    assert_int_equal(parse_doc(doc.data, doc.len, chunks[k], &t1, NULL), 0);
    assert_int_equal(t0.len, t1.len);
    assert_memory_equal(t0.data, t1.data, t0.len);
    sd_buf_free(&t1);
  }
  /* a long number too */
  sd_buf_reset(&doc);
  sd_buf_puts(&doc, "[1.");
  for(i = 0; i < 100000; i++)
    sd_buf_putc(&doc, (char)('0' + (char)(i % 10)));
  sd_buf_puts(&doc, "]");
  sd_buf_reset(&t0);
  assert_int_equal(parse_doc(doc.data, doc.len, 0, &t0, NULL), 0);
  sd_buf_init(&t1);
  assert_int_equal(parse_doc(doc.data, doc.len, 1000, &t1, NULL), 0);
  assert_string_equal(t0.data, t1.data);
  sd_buf_free(&t1);
  sd_buf_free(&doc);
  sd_buf_free(&t0);
}

static void test_stream_read_error(void **state)
{
  const char *doc = "[1,\n 2, 3]";
  memsrc m;
  sd_jreader *r;
  sd_jtoken t;
  int rc;
  (void)state;
  m.data = doc;
  m.len = strlen(doc);
  m.pos = 0;
  m.chunk = 1;
  m.fail_at = 6;
  r = sd_jr_new_stream(memsrc_read, &m);
  while((rc = sd_jr_next(r, &t)) == 0)
    assert_int_not_equal(t.type, SD_JT_EOF);
  assert_string_equal(sd_jr_error(r), "line 2, column 3: read error");
  sd_jr_free(r);
  /* a read error at the end of a complete document is still an error */
  m.pos = 0;
  m.fail_at = m.len;
  r = sd_jr_new_stream(memsrc_read, &m);
  while((rc = sd_jr_next(r, &t)) == 0)
    assert_int_not_equal(t.type, SD_JT_EOF);
  assert_non_null(strstr(sd_jr_error(r), "read error"));
  sd_jr_free(r);
}

static void test_skip(void **state)
{
  const char *doc = "{\"a\": {\"x\": [1, {\"y\": []}], \"z\": \"s\"},"
                    " \"b\": [[], [[1]]], \"c\": 5, \"d\": {\"q\": 1}}";
  sd_jreader *r = sd_jr_new_mem(doc, strlen(doc));
  sd_jtoken t;
  (void)state;
  assert_int_equal(sd_jr_next(r, &t), 0); /* { */
  assert_int_equal(sd_jr_next(r, &t), 0); /* "a" */
  assert_int_equal(sd_jr_next(r, &t), 0); /* { */
  assert_int_equal(sd_jr_skip(r, &t), 0);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_KEY);
  assert_string_equal(t.str, "b");
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_ARR_BEGIN);
  assert_int_equal(sd_jr_skip(r, &t), 0);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_string_equal(t.str, "c");
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(sd_jr_skip(r, &t), 0); /* a scalar: nothing */
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_string_equal(t.str, "d");
  assert_int_equal(sd_jr_skip(r, &t), 0); /* a key: its value */
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_OBJ_END);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_EOF);
  sd_jr_free(r);

  /* skipping still validates */
  doc = "[{\"a\": [1, 2,]}, 3]";
  r = sd_jr_new_mem(doc, strlen(doc));
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(sd_jr_skip(r, &t), -1);
  assert_string_equal(sd_jr_error(r), "line 1, column 14: trailing comma"
                      " before ']'");
  sd_jr_free(r);
}

static void test_fail(void **state)
{
  const char *doc = "{\n  \"port\": \"x\"\n}";
  sd_jreader *r = sd_jr_new_mem(doc, strlen(doc));
  sd_jtoken t;
  (void)state;
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(sd_jr_next(r, &t), 0);
  assert_int_equal(t.type, SD_JT_STRING);
  assert_int_equal(sd_jr_fail(r, &t, "\"%s\" must be a number", "port"), -1);
  assert_string_equal(sd_jr_error(r), "line 2, column 11: \"port\" must be"
                      " a number");
  assert_int_equal(sd_jr_next(r, &t), -1);
  assert_int_equal(sd_jr_skip(r, &t), -1);
  /* the first error stays */
  assert_int_equal(sd_jr_fail(r, &t, "second"), -1);
  assert_string_equal(sd_jr_error(r), "line 2, column 11: \"port\" must be"
                      " a number");
  sd_jr_free(r);
}

/* ---- writer ---- */

static void test_writer_pretty(void **state)
{
  sd_buf out;
  sd_jwriter w;
  (void)state;
  sd_buf_init(&out);
  sd_jw_init(&w, &out);
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "name");
  sd_jw_str(&w, "srv");
  sd_jw_key(&w, "empty_obj");
  sd_jw_obj_begin(&w);
  sd_jw_obj_end(&w);
  sd_jw_key(&w, "empty_arr");
  sd_jw_arr_begin(&w);
  sd_jw_arr_end(&w);
  sd_jw_key(&w, "list");
  sd_jw_arr_begin(&w);
  sd_jw_int(&w, -1);
  sd_jw_uint(&w, 18446744073709551615u);
  sd_jw_bool(&w, 1);
  sd_jw_bool(&w, 0);
  sd_jw_null(&w);
  sd_jw_str(&w, NULL);
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "k");
  sd_jw_double(&w, 0.5);
  sd_jw_obj_end(&w);
  sd_jw_arr_end(&w);
  sd_jw_obj_end(&w);
  assert_string_equal(out.data,
                      "{\n"
                      "  \"name\": \"srv\",\n"
                      "  \"empty_obj\": {},\n"
                      "  \"empty_arr\": [],\n"
                      "  \"list\": [\n"
                      "    -1,\n"
                      "    18446744073709551615,\n"
                      "    true,\n"
                      "    false,\n"
                      "    null,\n"
                      "    null,\n"
                      "    {\n"
                      "      \"k\": 0.5\n"
                      "    }\n"
                      "  ]\n"
                      "}");
  sd_buf_free(&out);
}

static void test_writer_compact(void **state)
{
  sd_buf out;
  sd_jwriter w;
  (void)state;
  sd_buf_init(&out);
  sd_jw_init(&w, &out);
  w.compact = 1;
  sd_jw_obj_begin(&w);
  sd_jw_key(&w, "a");
  sd_jw_arr_begin(&w);
  sd_jw_int(&w, INT64_MIN);
  sd_jw_int(&w, INT64_MAX);
  sd_jw_obj_begin(&w);
  sd_jw_obj_end(&w);
  sd_jw_arr_begin(&w);
  sd_jw_arr_end(&w);
  sd_jw_arr_end(&w);
  sd_jw_key(&w, "b c");
  sd_jw_str(&w, "d e");
  sd_jw_obj_end(&w);
  assert_string_equal(out.data, "{\"a\":[-9223372036854775808,"
                      "9223372036854775807,{},[]],\"b c\":\"d e\"}");
  /* a scalar at the top level */
  sd_buf_reset(&out);
  sd_jw_init(&w, &out);
  sd_jw_str(&w, "x");
  assert_string_equal(out.data, "\"x\"");
  sd_buf_free(&out);
}

static void test_writer_escape(void **state)
{
  static const struct {
    const char *in;
    size_t n;
    const char *want;
  } cases[] = {
    {"plain", 5, "plain"},
    {"q\"b\\s/", 6, "q\\\"b\\\\s/"},
    {"\b\f\n\r\t", 5, "\\b\\f\\n\\r\\t"},
    {"\x01\x1F\x7F", 3, "\\u0001\\u001f\\u007f"},
    {"a\0b", 3, "a\xEF\xBF\xBD" "b"},
    {"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 9,
     "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"},
    {"\xE2\x80\xA8\xE2\x80\xA9", 6, "\\u2028\\u2029"},
    {"\xFF", 1, "\xEF\xBF\xBD"},
    {"a\xE9z", 3, "a\xEF\xBF\xBDz"},
    {"\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"\xED\xA0\x80", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"\xE2\x82", 2, "\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"\xF4\x90\x80\x80", 4,
     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
  };
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(cases); i++) {
    sd_buf b;
    sd_buf_init(&b);
    sd_json_escape(&b, cases[i].in, cases[i].n);
    assert_non_null(b.data);
    assert_string_equal(b.data, cases[i].want);
    sd_buf_free(&b);
  }
}

static void test_writer_always_valid(void **state)
{
  /* random bytes: the output is valid UTF-8 and reads back as one string */
  uint64_t x = 0x9E3779B97F4A7C15u;
  int i;
  (void)state;
  for(i = 0; i < 20000; i++) {
    unsigned char raw[24];
    size_t n, j;
    sd_buf out;
    sd_jwriter w;
    sd_jreader *r;
    sd_jtoken t;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    n = (size_t)(x % sizeof(raw));
    for(j = 0; j < n; j++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      raw[j] = (unsigned char)(x >> 24);
      if(x & 0x100)
        raw[j] &= 0x7F; /* more ASCII */
    }
    sd_buf_init(&out);
    sd_jw_init(&w, &out);
    sd_jw_strn(&w, (const char *)raw, n);
    assert_true(sd_utf8_valid(out.data, out.len));
    r = sd_jr_new_mem(out.data, out.len);
    if(sd_jr_next(r, &t) || t.type != SD_JT_STRING)
      fail_msg("writer output refused: %s", sd_jr_error(r));
    if(sd_utf8_valid((const char *)raw, n) && !memchr(raw, 0, n)) {
      assert_int_equal(t.len, n);
      assert_memory_equal(t.str, raw, n);
    }
    assert_int_equal(sd_jr_next(r, &t), 0);
    assert_int_equal(t.type, SD_JT_EOF);
    sd_jr_free(r);
    sd_buf_free(&out);
  }
}

static void test_writer_doubles(void **state)
{
  static const struct {
    double v;
    const char *want;
  } cases[] = {
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {1.0, "1.0"},
    {0.1, "0.1"},
    {-2.5, "-2.5"},
    {1e300, "1e+300"},
    {1e19, "1e+19"},
    {123456789012.0, "123456789012.0"},
    {5e-324, "4.94065645841247e-324"},
  };
  size_t i;
  (void)state;
  for(i = 0; i < SD_COUNTOF(cases); i++) {
    sd_buf out;
    sd_jwriter w;
    sd_buf_init(&out);
    sd_jw_init(&w, &out);
    sd_jw_double(&w, cases[i].v);
    assert_string_equal(out.data, cases[i].want);
    sd_buf_free(&out);
  }
}

static void test_writer_roundtrip(void **state)
{
  static const char *const strs[] = {
    "", "plain", "quote\" backslash\\ slash/", "\b\f\n\r\t\x01\x1F\x7F",
    "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "\xE2\x80\xA8 \xE2\x80\xA9",
    "bad \xFF\xC0\xAF\xED\xA0\x80 utf8", "</script>"
  };
  sd_buf out;
  sd_jwriter w;
  size_t i;
  int compact;
  (void)state;
  for(compact = 0; compact < 2; compact++) {
    sd_buf_init(&out);
    sd_jw_init(&w, &out);
    w.compact = compact;
    sd_jw_obj_begin(&w);
    for(i = 0; i < SD_COUNTOF(strs); i++) {
      char key[16];
      snprintf(key, sizeof(key), "s%u", (unsigned)i);
      sd_jw_key(&w, key);
      sd_jw_str(&w, strs[i]);
    }
    sd_jw_key(&w, strs[3]);
    sd_jw_strn(&w, "nul\0inside", 10);
    sd_jw_key(&w, "nums");
    sd_jw_arr_begin(&w);
    sd_jw_int(&w, INT64_MIN);
    sd_jw_int(&w, INT64_MAX);
    sd_jw_uint(&w, 9223372036854775807u);
    sd_jw_double(&w, 0.1);
    sd_jw_double(&w, -0.0);
    sd_jw_double(&w, 1e19);
    sd_jw_double(&w, 1.7976931348623157e308);
    sd_jw_double(&w, 5e-324);
    sd_jw_double(&w, 1.0 / 3.0);
    sd_jw_arr_end(&w);
    sd_jw_key(&w, "nest");
    for(i = 0; i < 31; i++) {
      sd_jw_arr_begin(&w);
      sd_jw_obj_begin(&w);
      sd_jw_key(&w, "k");
    }
    sd_jw_null(&w);
    for(i = 0; i < 31; i++) {
      sd_jw_obj_end(&w);
      sd_jw_arr_end(&w);
    }
    sd_jw_obj_end(&w);
    check_roundtrip(out.data, out.len);
    sd_buf_free(&out);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fixtures_invalid),
    cmocka_unit_test(test_fixtures_valid),
    cmocka_unit_test(test_tokens),
    cmocka_unit_test(test_error_messages),
    cmocka_unit_test(test_embedded_nul),
    cmocka_unit_test(test_bom_column),
    cmocka_unit_test(test_depth),
    cmocka_unit_test(test_many_keys),
    cmocka_unit_test(test_dup_key_message_truncated),
    cmocka_unit_test(test_numbers),
    cmocka_unit_test(test_numbers_match_strtod),
    cmocka_unit_test(test_strings),
    cmocka_unit_test(test_utf8_exhaustive),
    cmocka_unit_test(test_stream_large),
    cmocka_unit_test(test_stream_read_error),
    cmocka_unit_test(test_skip),
    cmocka_unit_test(test_fail),
    cmocka_unit_test(test_writer_pretty),
    cmocka_unit_test(test_writer_compact),
    cmocka_unit_test(test_writer_escape),
    cmocka_unit_test(test_writer_always_valid),
    cmocka_unit_test(test_writer_doubles),
    cmocka_unit_test(test_writer_roundtrip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
