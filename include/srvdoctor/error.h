/* error.h - the one error type of srvdoctor and the one place that turns
 * operating-system error numbers into text. */
#ifndef SRVDOCTOR_ERROR_H
#define SRVDOCTOR_ERROR_H

#include <stdint.h>

#include "srvdoctor/base.h"

typedef enum sd_errcode {
  SD_OK = 0,
  SD_EINVAL,   /* bad argument or bad input */
  SD_EPARSE,   /* malformed document */
  SD_EIO,      /* read or write failed */
  SD_ENOTSUP,  /* not available on this platform */
  SD_EACCES,   /* access denied */
  SD_ENOENT,   /* not present */
  SD_ETIMEOUT, /* gave up waiting */
  SD_EOS       /* any other operating-system failure (see os_error) */
} sd_errcode;

typedef struct sd_err {
  sd_errcode code;
  uint32_t os_error;  /* Win32 error / errno / LDAP code, 0 when none */
  char msg[512];      /* one sentence, no trailing newline */
} sd_err;

void sd_err_clear(sd_err *e);
/* Record an error; a NULL e is allowed (the error is dropped). */
void sd_err_set(sd_err *e, sd_errcode code, const char *fmt,
                ...) SD_PRINTF(3, 4);

/* The sentence for a Win32 error code or a COM/WMI HRESULT from the one
 * table of them (src/core/oserror.c: Microsoft's message texts), NULL when
 * the code is not in it. */
const char *sd_os_error_known(uint32_t code);
/* Text for an error code: the table's sentence; else FormatMessage on
 * Windows, "Windows error N (0xN)." elsewhere (src/platform/<os>/).
 * Always writes a NUL-terminated string. */
void sd_os_error_text(uint32_t code, char *out, size_t outsz);

#endif
