/* wmi_data.c - the WMI stand-in's data file: sd-standin-wmi.txt in the
 * folder the stand-in DLL was loaded from (the test copies both into the
 * prefix).  UTF-8, one record a line, fields separated by tabs, '#'
 * starts a comment line:
 *
 *   namespace  PATH                      this namespace exists
 *   connect    PATH  denied|hang|hr=0xH  ConnectServer fails or never
 *                                        returns
 *   query      CLASS hang|hr=0xH         ExecQuery fails or never returns
 *   next       CLASS N wait|block        after N objects Next waits its
 *                                        timeout and says WBEM_S_TIMEDOUT
 *                                        (wait) or never returns (block)
 *   object     PATH  CLASS  PROP=VALUE ... an instance (a property
 *                                        named twice takes the last value)
 *
 * A value is typed by the class schema below (the CIM type the Hyper-V
 * MOF gives the property); arrays are written with ',' (integers) or '|'
 * (strings) between elements.  A value can also play a fault: "!null"
 * (VT_NULL), "!missing" (no such property), "!str:TEXT" and "!i4:N"
 * (a value of the wrong type).  Test tool only, never shipped. */
#include "wmi_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define WD_FILE L"sd-standin-wmi.txt"

static wd_data data;
static INIT_ONCE once = INIT_ONCE_STATIC_INIT;

static const struct {
  const wchar_t *cls, *prop;
  wd_kind kind;
} schema[] = {
  {L"Msvm_ComputerSystem", L"Name", WD_STR},
  {L"Msvm_ComputerSystem", L"ElementName", WD_STR},
  {L"Msvm_ComputerSystem", L"Caption", WD_STR},
  {L"Msvm_ComputerSystem", L"EnabledState", WD_U16},
  {L"Msvm_ComputerSystem", L"RequestedState", WD_U16},
  {L"Msvm_ComputerSystem", L"HealthState", WD_U16},
  {L"Msvm_ComputerSystem", L"OperationalStatus", WD_U16_ARR},
  {L"Msvm_ComputerSystem", L"TimeOfLastStateChange", WD_TIME},
  {L"Msvm_ComputerSystem", L"InstallDate", WD_TIME},
  {L"Msvm_ComputerSystem", L"ProcessID", WD_U32},
  {L"Msvm_ComputerSystem", L"OnTimeInMilliseconds", WD_U64},
  {L"Msvm_StorageAllocationSettingData", L"InstanceID", WD_STR},
  {L"Msvm_StorageAllocationSettingData", L"ResourceType", WD_U16},
  {L"Msvm_StorageAllocationSettingData", L"HostResource", WD_STR_ARR},
  {L"Msvm_ResourceAllocationSettingData", L"InstanceID", WD_STR},
  {L"Msvm_ResourceAllocationSettingData", L"ResourceType", WD_U16},
  {L"Msvm_ResourceAllocationSettingData", L"ResourceSubType", WD_STR},
  {L"Msvm_ResourceAllocationSettingData", L"Connection", WD_STR_ARR},
};

wd_kind wd_schema_kind(const wchar_t *cls, const wchar_t *prop, int *known)
{
  size_t i;
  for(i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
    if(!_wcsicmp(schema[i].cls, cls) && !_wcsicmp(schema[i].prop, prop)) {
      *known = 1;
      return schema[i].kind;
    }
  *known = 0;
  return WD_STR;
}

/* Skip "\\server\" in front of a namespace path. */
static const wchar_t *ns_local(const wchar_t *p)
{
  if(p[0] == L'\\' && p[1] == L'\\') {
    const wchar_t *s = wcschr(p + 2, L'\\');
    return s ? s + 1 : p;
  }
  return p;
}

int wd_ns_equal(const wchar_t *asked, const wchar_t *have)
{
  return !_wcsicmp(ns_local(asked), ns_local(have));
}

int wd_has_namespace(const wd_data *d, const wchar_t *ns)
{
  size_t i;
  for(i = 0; i < d->nns; i++)
    if(wd_ns_equal(ns, d->ns[i]))
      return 1;
  return 0;
}

const wd_fault *wd_fault_of(const wd_data *d, int what, const wchar_t *name)
{
  size_t i;
  for(i = 0; i < d->nrules; i++)
    if(d->rules[i].what == what &&
       (what == WD_R_CONNECT ? wd_ns_equal(name, d->rules[i].name)
                             : !_wcsicmp(name, d->rules[i].name)))
      return &d->rules[i].f;
  return NULL;
}

static void *grow(void *p, size_t n, size_t size)
{
  void *q = realloc(p, n * size);
  if(!q)
    abort();
  return q;
}

static wd_fault parse_fault(const wchar_t *what, const wchar_t *extra)
{
  wd_fault f;
  f.kind = WD_F_NONE;
  f.hr = S_OK;
  f.after = 0;
  if(!wcscmp(what, L"denied")) {
    f.kind = WD_F_HR;
    f.hr = (HRESULT)0x80041003L; /* WBEM_E_ACCESS_DENIED */
  }
  else if(!wcscmp(what, L"hang"))
    f.kind = WD_F_HANG;
  else if(!wcsncmp(what, L"hr=", 3)) {
    f.kind = WD_F_HR;
    f.hr = (HRESULT)wcstoul(what + 3, NULL, 16);
  }
  else if(extra) { /* next: N wait|block */
    f.after = wcstoul(what, NULL, 10);
    f.kind = !wcscmp(extra, L"block") ? WD_F_NEXT_BLOCK : WD_F_NEXT_WAIT;
  }
  return f;
}

static void add_rule(int what, wchar_t **fld, size_t n)
{
  struct wd_rule *r;
  if(n < 3)
    return;
  data.rules = grow(data.rules, data.nrules + 1, sizeof(*data.rules));
  r = &data.rules[data.nrules++];
  r->what = what;
  r->name = _wcsdup(fld[1]);
  r->f = parse_fault(fld[2], n > 3 ? fld[3] : NULL);
}

static wd_kind value_kind(const wchar_t *cls, const wchar_t *prop,
                          const wchar_t **value)
{
  int known;
  const wchar_t *v = *value;
  if(!wcscmp(v, L"!null"))
    return WD_NULL;
  if(!wcscmp(v, L"!missing"))
    return WD_MISSING;
  if(!wcsncmp(v, L"!str:", 5)) {
    *value = v + 5;
    return WD_WRONG_STR;
  }
  if(!wcsncmp(v, L"!i4:", 4)) {
    *value = v + 4;
    return WD_WRONG_I4;
  }
  return wd_schema_kind(cls, prop, &known);
}

static void add_object(wchar_t **fld, size_t n)
{
  wd_object *o;
  size_t i, k;
  if(n < 3)
    return;
  data.objs = grow(data.objs, data.nobjs + 1, sizeof(*data.objs));
  o = &data.objs[data.nobjs++];
  o->ns = _wcsdup(fld[1]);
  o->cls = _wcsdup(fld[2]);
  o->props = grow(NULL, n, sizeof(*o->props));
  o->nprops = 0;
  for(i = 3; i < n; i++) {
    wchar_t *eq = wcschr(fld[i], L'=');
    const wchar_t *v;
    wd_prop *p;
    if(!eq)
      continue;
    *eq = L'\0';
    v = eq + 1;
    /* A later value of the same property replaces the earlier one. */
    for(k = 0; k < o->nprops; k++)
      if(!_wcsicmp(o->props[k].name, fld[i]))
        break;
    p = &o->props[k];
    if(k == o->nprops) {
      o->nprops++;
      p->name = _wcsdup(fld[i]);
    }
    else
      free(p->value);
    p->kind = value_kind(o->cls, p->name, &v);
    p->value = _wcsdup(v);
  }
}

/* One line, split at tabs in place. */
static void parse_line(wchar_t *line)
{
  wchar_t *fld[80];
  size_t n = 0;
  wchar_t *p = line;
  if(*line == L'#' || !*line)
    return;
  while(n < 80) {
    wchar_t *tab = wcschr(p, L'\t');
    fld[n++] = p;
    if(!tab)
      break;
    *tab = L'\0';
    p = tab + 1;
  }
  if(!wcscmp(fld[0], L"namespace") && n >= 2) {
    data.ns = grow(data.ns, data.nns + 1, sizeof(*data.ns));
    data.ns[data.nns++] = _wcsdup(fld[1]);
  }
  else if(!wcscmp(fld[0], L"connect"))
    add_rule(WD_R_CONNECT, fld, n);
  else if(!wcscmp(fld[0], L"query"))
    add_rule(WD_R_QUERY, fld, n);
  else if(!wcscmp(fld[0], L"next"))
    add_rule(WD_R_NEXT, fld, n);
  else if(!wcscmp(fld[0], L"object"))
    add_object(fld, n);
}

/* The whole file as UTF-16, or NULL. */
static wchar_t *read_file(HMODULE self)
{
  wchar_t path[MAX_PATH + 32], *slash, *w;
  HANDLE h;
  DWORD size, got = 0;
  char *buf;
  int wn;
  if(!GetModuleFileNameW(self, path, MAX_PATH))
    return NULL;
  slash = wcsrchr(path, L'\\');
  wcscpy(slash ? slash + 1 : path, WD_FILE);
  h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                  0, NULL);
  if(h == INVALID_HANDLE_VALUE)
    return NULL;
  size = GetFileSize(h, NULL);
  buf = grow(NULL, (size_t)size + 1, 1);
  if(size != INVALID_FILE_SIZE && !ReadFile(h, buf, size, &got, NULL))
    got = 0;
  CloseHandle(h);
  buf[got] = '\0';
  wn = MultiByteToWideChar(CP_UTF8, 0, buf, (int)got + 1, NULL, 0);
  w = grow(NULL, (size_t)(wn > 0 ? wn : 1), sizeof(wchar_t));
  w[0] = L'\0';
  if(wn > 0)
    MultiByteToWideChar(CP_UTF8, 0, buf, (int)got + 1, w, wn);
  free(buf);
  return w;
}

static BOOL CALLBACK load(PINIT_ONCE o, PVOID self, PVOID *ctx)
{
  wchar_t *text = read_file((HMODULE)self), *line;
  (void)o;
  (void)ctx;
  if(!text) {
    data.load_hr = HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    return TRUE;
  }
  line = text;
  while(line && *line) {
    wchar_t *nl = wcschr(line, L'\n');
    size_t len;
    if(nl)
      *nl = L'\0';
    len = wcslen(line);
    if(len && line[len - 1] == L'\r')
      line[len - 1] = L'\0';
    parse_line(line);
    line = nl ? nl + 1 : NULL;
  }
  free(text);
  data.load_hr = S_OK;
  return TRUE;
}

const wd_data *wd_get(HMODULE self)
{
  InitOnceExecuteOnce(&once, load, (PVOID)self, NULL);
  return &data;
}
