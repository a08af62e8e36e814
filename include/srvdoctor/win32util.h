/* win32util.h - Windows-only helpers for the collectors: UTF-8/UTF-16
 * conversion, registry reads that always record read/absent/unreadable,
 * and run-time look-up of APIs newer than Windows Server 2003. */
#ifndef SRVDOCTOR_WIN32UTIL_H
#define SRVDOCTOR_WIN32UTIL_H

#ifdef _WIN32
#include <windows.h>

#include "srvdoctor/error.h"
#include "srvdoctor/facts.h"

/* malloc'd conversions; NULL for NULL input or invalid text. */
wchar_t *sd_utf8_to_wide(const char *s);
char *sd_wide_to_utf8(const wchar_t *w);
/* n wchar_t of w (not NUL-terminated) as malloc'd UTF-8, or NULL. */
char *sd_wide_n_to_utf8(const wchar_t *w, size_t n);
/* Same, into the facts' arena; n is a length in wchar_t or -1. */
const char *sd_wide_to_arena(sd_facts *f, const wchar_t *w, int n);

/* err = "cannot WHAT SUBJECT: <the error's text>" (no final full stop: the
 * caller's sentence adds it), access errors as SD_EACCES. */
void sd_err_set_win(sd_err *err, DWORD code, const char *what,
                    const char *subject);

/* Record an OS failure on st: unreadable with the error's text. */
void sd_fstate_os_error(sd_facts *f, sd_fstate *st, DWORD code,
                        const char *what);

/* Rights for reading a key in the 64-bit view (see sd_reg_open). */
#ifndef KEY_WOW64_64KEY
#define KEY_WOW64_64KEY 0x0100
#endif
#define SD_KEY_READ (KEY_READ | KEY_WOW64_64KEY)

/* Registry, always the 64-bit view on 64-bit Windows (KEY_WOW64_64KEY), so
 * a 32-bit srvdoctor sees what a 64-bit one sees.  root is HKEY_LOCAL_MACHINE
 * etc.; subkey is UTF-8 with backslashes. */
LONG sd_reg_open(HKEY root, const char *subkey, HKEY *out);
/* Read a value into the facts' arena and set st:
 *   SD_ST_READ        value read and of the expected type and size
 *   SD_ST_ABSENT      key or value does not exist
 *   SD_ST_UNREADABLE  access denied, wrong type, wrong size (why says so)
 * Returns 0 when read. */
int sd_reg_str(sd_facts *f, HKEY root, const char *subkey, const char *value,
               const char **out, sd_fstate *st);       /* REG_SZ/EXPAND_SZ */
int sd_reg_dword(sd_facts *f, HKEY root, const char *subkey, const char *value,
                 DWORD *out, sd_fstate *st);           /* REG_DWORD, 4 bytes */
int sd_reg_qword(sd_facts *f, HKEY root, const char *subkey, const char *value,
                 uint64_t *out, sd_fstate *st);        /* REG_QWORD or DWORD */
int sd_reg_multi(sd_facts *f, HKEY root, const char *subkey, const char *value,
                 const char ***items, size_t *count, size_t *cap,
                 sd_fstate *st);                       /* REG_MULTI_SZ */
/* Does the key exist?  st says read (exists), absent, or unreadable. */
int sd_reg_key_exists(sd_facts *f, HKEY root, const char *subkey,
                      sd_fstate *st);

/* The subkeys of an open key, in index order, as sd_reg_subkeys_list
 * read them. */
typedef struct sd_reg_subkey {
  wchar_t *name; /* malloc'd, NUL-terminated */
  DWORD len;     /* in wchar_t, without the NUL */
} sd_reg_subkey;
typedef struct sd_reg_subkeys {
  sd_reg_subkey *items;
  size_t count;
  /* ERROR_SUCCESS when the walk reached the last subkey or the limit;
   * else the RegEnumKeyExW error that stopped it after count names. */
  LONG rc;
} sd_reg_subkeys;
#define SD_REG_NO_LIMIT ((size_t)-1)
/* The names of k's first max subkeys (RegEnumKeyExW index 0, 1, ...),
 * whatever their length; always fills out, which sd_reg_subkeys_free
 * frees. */
void sd_reg_subkeys_list(HKEY k, size_t max, sd_reg_subkeys *out);
void sd_reg_subkeys_free(sd_reg_subkeys *s);

/* GetProcAddress from a system DLL already loaded or loaded from
 * the system folder only. */
FARPROC sd_proc(const char *dll, const char *name);

/* The system folder (C:\Windows\System32) as UTF-16, no trailing slash. */
const wchar_t *sd_system_dir(void);

#endif
#endif
