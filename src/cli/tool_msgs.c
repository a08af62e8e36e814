/* tool_msgs.c - the command line's output: data to standard output, one
 * sentence per error to standard error ("srvdoctor: ..."). */
#include <stdarg.h>
#include <string.h>

#include "srvdoctor/platform.h"
#include "tool.h"

void sd_out(const char *s, size_t n)
{
  sd_write_stream(SD_STDOUT, s, n);
}

void sd_outs(const char *s)
{
  sd_out(s, strlen(s));
}

static void to_stderr(const char *fmt, va_list ap) SD_VPRINTF(1);
static void to_stderr(const char *fmt, va_list ap)
{
  sd_buf b;
  sd_buf_init(&b);
  sd_buf_puts(&b, "srvdoctor: ");
  sd_buf_vprintf(&b, fmt, ap);
  sd_buf_putc(&b, '\n');
  sd_write_stream(SD_STDERR, b.data, b.len);
  sd_buf_free(&b);
}

void sd_fail(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  to_stderr(fmt, ap);
  va_end(ap);
}

void sd_note(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  to_stderr(fmt, ap);
  va_end(ap);
}
