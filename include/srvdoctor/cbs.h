/* cbs.h - the states of a Component Based Servicing package (Windows
 * Server 2008 and later), as recorded in the DWORD CurrentState of
 * HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\
 * Packages\<package>.
 *
 * One table (src/core/cbs.c) names every state and says what it means for
 * the update the package carries; the checks classify a package with it and
 * srvdoctor fix reads the check's classification from the finding, never
 * the raw state. */
#ifndef SRVDOCTOR_CBS_H
#define SRVDOCTOR_CBS_H

#include <stdint.h>

typedef enum sd_cbs_class {
  SD_CBS_UNKNOWN = 0,        /* a value the table does not know */
  SD_CBS_NOT_INSTALLED,      /* absent, resolving, resolved, staging, staged */
  SD_CBS_UNINSTALL_PENDING,  /* removed at the next restart; active until */
  SD_CBS_SUPERSEDED,         /* replaced by a later update */
  SD_CBS_INSTALL_PENDING,    /* installed at the next restart */
  SD_CBS_PARTIAL,            /* partially installed */
  SD_CBS_INSTALLED,
  SD_CBS_PERMANENT           /* installed and cannot be removed */
} sd_cbs_class;

typedef struct sd_cbs_state {
  uint32_t code;             /* CurrentState */
  const char *name;          /* "Uninstall Pending" */
  sd_cbs_class cls;
  int active_now;            /* the update's change is in effect now */
  int active_after_restart;  /* ... and after the next restart */
  int removable;             /* srvdoctor may offer to remove the package */
} sd_cbs_state;

/* The entry of the table for code, or NULL when the code is not in it. */
const sd_cbs_state *sd_cbs_state_find(uint32_t code);
/* The first entry of the table of class c (NULL for SD_CBS_UNKNOWN). */
const sd_cbs_state *sd_cbs_state_of(sd_cbs_class c);
/* "0x05 Uninstall Pending", "0x33 (unknown state)": into out (48 bytes). */
const char *sd_cbs_state_label(uint32_t code, char out[48]);

#endif
