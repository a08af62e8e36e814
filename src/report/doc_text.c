/* doc_text.c - a finding's help page (Markdown, docs/findings/CODE.md) as
 * plain text for a console: headings underlined, no "#", "**" or
 * backticks, code blocks indented, table rows without their frame, links
 * as "text (address)".  Only the Markdown the pages use is understood;
 * anything else passes through as written. */
#include <string.h>

#include "srvdoctor/report.h"

/* Inline markup of one line: `code`, **bold**, [text](url). */
static void put_inline(sd_buf *b, const char *s, size_t n)
{
  size_t i = 0;
  while(i < n) {
    const char *close;
    if(s[i] == '`') {
      i++;
      continue;
    }
    if(s[i] == '*' && i + 1 < n && s[i + 1] == '*') {
      i += 2;
      continue;
    }
    if(s[i] == '[' && (close = memchr(s + i, ']', n - i)) != NULL &&
       (size_t)(close - s) + 1 < n && close[1] == '(') {
      const char *text = s + i + 1;
      const char *url = close + 2;
      const char *end = memchr(url, ')', n - (size_t)(url - s));
      if(end) {
        put_inline(b, text, (size_t)(close - text));
        sd_buf_puts(b, " (");
        sd_buf_put(b, url, (size_t)(end - url));
        sd_buf_putc(b, ')');
        i = (size_t)(end - s) + 1;
        continue;
      }
    }
    sd_buf_putc(b, s[i++]);
  }
}

static void underline(sd_buf *b, size_t n, char c)
{
  size_t i;
  for(i = 0; i < n; i++)
    sd_buf_putc(b, c);
  sd_buf_putc(b, '\n');
}

/* A heading: its text, then a line of '=' (page title) or '-'. */
static void put_heading(sd_buf *b, const char *s, size_t n, int level)
{
  size_t start = b->len, chars = 0, i;
  while(n && (*s == '#' || *s == ' ')) {
    s++;
    n--;
  }
  put_inline(b, s, n);
  for(i = start; i < b->len; i++)
    if(((unsigned char)b->data[i] & 0xC0) != 0x80)
      chars++;
  sd_buf_putc(b, '\n');
  underline(b, chars, level == 1 ? '=' : '-');
}

/* "| a | b |" as "a | b"; the "|---|---|" row as a rule. */
static void put_table_row(sd_buf *b, const char *s, size_t n)
{
  size_t i;
  int rule = 1;
  for(i = 0; i < n; i++)
    if(s[i] != '|' && s[i] != '-' && s[i] != ':' && s[i] != ' ')
      rule = 0;
  if(rule) { /* as long as the header row above it */
    size_t end = b->len, start = end ? end - 1 : 0, chars = 0;
    while(start > 0 && b->data[start - 1] != '\n')
      start--;
    for(i = start; i + 1 < end; i++)
      if(((unsigned char)b->data[i] & 0xC0) != 0x80)
        chars++;
    underline(b, chars ? chars : 3, '-');
    return;
  }
  if(n && s[0] == '|') {
    s++;
    n--;
  }
  while(n && (s[n - 1] == '|' || s[n - 1] == ' '))
    n--;
  while(n && *s == ' ') {
    s++;
    n--;
  }
  put_inline(b, s, n);
  sd_buf_putc(b, '\n');
}

void sd_doc_render_text(const char *md, sd_buf *out)
{
  const char *p = md ? md : "";
  int in_code = 0;
  while(*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    if(n >= 3 && !strncmp(p, "```", 3))
      in_code = !in_code;
    else if(in_code) {
      sd_buf_puts(out, "    ");
      sd_buf_put(out, p, n);
      sd_buf_putc(out, '\n');
    }
    else if(n >= 2 && p[0] == '#')
      put_heading(out, p, n, p[1] == '#' ? 2 : 1);
    else if(n && p[0] == '|')
      put_table_row(out, p, n);
    else {
      put_inline(out, p, n);
      sd_buf_putc(out, '\n');
    }
    p += n;
    if(*p == '\n')
      p++;
  }
}
