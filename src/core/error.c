/* error.c - the error type. */
#include "srvdoctor/error.h"

#include <stdio.h>
#include <string.h>

void sd_err_clear(sd_err *e)
{
  if(!e)
    return;
  e->code = SD_OK;
  e->os_error = 0;
  e->msg[0] = '\0';
}

void sd_err_set(sd_err *e, sd_errcode code, const char *fmt, ...)
{
  va_list ap;
  if(!e)
    return;
  e->code = code;
  e->os_error = 0;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  va_end(ap);
}
