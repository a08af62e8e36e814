/* wmi_data.h - what the WMI stand-in (wbemprox.c) serves: the namespaces
 * that exist, the faults to play and the instances, read from the data
 * file a test writes (wmi_data.c).  Test tool only, never shipped. */
#ifndef SD_STANDIN_WMI_DATA_H
#define SD_STANDIN_WMI_DATA_H

#include <windows.h>

/* How a property's value is handed out (the CIM type it stands for). */
typedef enum wd_kind {
  WD_STR,      /* string: VT_BSTR */
  WD_U16,      /* uint16: VT_I4 */
  WD_U32,      /* uint32: VT_I4 */
  WD_U64,      /* uint64: VT_BSTR, decimal */
  WD_TIME,     /* datetime: VT_BSTR, yyyymmddHHMMSS.mmmmmmsUUU */
  WD_U16_ARR,  /* uint16[]: VT_ARRAY | VT_I4 */
  WD_STR_ARR,  /* string[]: VT_ARRAY | VT_BSTR */
  WD_NULL,     /* the fault "!null": VT_NULL */
  WD_WRONG_STR,/* the fault "!str:TEXT": VT_BSTR whatever the schema says */
  WD_WRONG_I4, /* the fault "!i4:N": VT_I4 whatever the schema says */
  WD_MISSING   /* the fault "!missing": WBEM_E_NOT_FOUND */
} wd_kind;

typedef struct wd_prop {
  wchar_t *name;
  wchar_t *value; /* as written in the file (arrays: '|' or ',' between) */
  wd_kind kind;
} wd_prop;

typedef struct wd_object {
  wchar_t *ns;
  wchar_t *cls;
  wd_prop *props;
  size_t nprops;
} wd_object;

/* A fault on one namespace (connect) or one class (query, next). */
typedef enum wd_fault_kind {
  WD_F_NONE, WD_F_HR, WD_F_HANG, WD_F_NEXT_WAIT, WD_F_NEXT_BLOCK
} wd_fault_kind;

typedef struct wd_fault {
  wd_fault_kind kind;
  HRESULT hr;         /* WD_F_HR */
  unsigned long after; /* WD_F_NEXT_*: objects handed out first */
} wd_fault;

typedef struct wd_data {
  wchar_t **ns;       /* namespaces that exist */
  size_t nns;
  wd_object *objs;
  size_t nobjs;
  struct wd_rule { int what; wchar_t *name; wd_fault f; } *rules;
  size_t nrules;
  HRESULT load_hr;    /* S_OK, or why the file could not be read */
} wd_data;

enum { WD_R_CONNECT = 1, WD_R_QUERY = 2, WD_R_NEXT = 3 };

/* The data, read once from sd-standin-wmi.txt beside the module. */
const wd_data *wd_get(HMODULE self);
/* The fault of a rule (WD_R_*) on a namespace or class, or NULL. */
const wd_fault *wd_fault_of(const wd_data *d, int what, const wchar_t *name);
int wd_has_namespace(const wd_data *d, const wchar_t *ns);
/* The CIM kind of a property of a class (WD_STR when unknown); *known is
 * set to 0 when the class has no such property in the schema. */
wd_kind wd_schema_kind(const wchar_t *cls, const wchar_t *prop, int *known);
/* Does the namespace path name this one: "root\x", "\\.\root\x". */
int wd_ns_equal(const wchar_t *asked, const wchar_t *have);

#endif
