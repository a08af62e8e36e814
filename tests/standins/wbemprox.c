/* wbemprox.c - a stand-in for WMI's locator DLL, for srvdoctor's tests
 * under Wine (never shipped).  Copied over the prefix's
 * system32\wbem\wbemprox.dll (the WbemLocator class is registered there)
 * and loaded with WINEDLLOVERRIDES="wbemprox=n", it serves what the data
 * file beside it says (wmi_data.c): Hyper-V's namespaces, its
 * Msvm_ComputerSystem instances and its disks, and the faults a test asks
 * for.  Written from Microsoft's documentation of IWbemLocator,
 * IWbemServices, IEnumWbemClassObject and IWbemClassObject; property
 * values take the Automation types of WMI's "Numbers (WMI)" table (uint16
 * and uint32 as VT_I4, uint64 as VT_BSTR) and datetimes are CIM datetime
 * strings.
 *
 * Only what srvdoctor calls is implemented: ConnectServer, ExecQuery with
 * "SELECT list FROM class [WHERE prop = value]", Next (honouring its
 * timeout) and Get.  Every other method answers WBEM_E_NOT_SUPPORTED
 * through one stub; on x64 a stub that ignores its arguments is safe. */
#define COBJMACROS
#include <windows.h>

#include <objbase.h>
#include <stddef.h>
#include <oleauto.h>
#include <stdlib.h>
#include <string.h>
#include <wbemidl.h>
#include <wchar.h>
#include <wctype.h>

#include "wmi_data.h"

static HMODULE self;

/* The slots the tables below fill must be where callers look. */
#define SLOT(t, m) (offsetof(t, m) / sizeof(void (*)(void)))
_Static_assert(SLOT(IWbemClassObjectVtbl, Get) == 4, "Get");
_Static_assert(SLOT(IEnumWbemClassObjectVtbl, Next) == 4, "Next");
_Static_assert(SLOT(IEnumWbemClassObjectVtbl, Skip) == 7, "Skip");
_Static_assert(SLOT(IWbemServicesVtbl, ExecQuery) == 20, "ExecQuery");
_Static_assert(SLOT(IWbemLocatorVtbl, ConnectServer) == 3, "Connect");
_Static_assert(sizeof(IWbemClassObjectVtbl) == 27 * sizeof(void *), "co");
_Static_assert(sizeof(IWbemServicesVtbl) == 26 * sizeof(void *), "sv");

typedef void (*any_fn)(void);
#define FN(f) ((any_fn)(f))

static HRESULT STDMETHODCALLTYPE not_supported(void)
{
  return (HRESULT)WBEM_E_NOT_SUPPORTED;
}
#define NS FN(not_supported)

/* ---- reference counting shared by every object ---- */

typedef struct obj_head {
  const void *vtbl;
  LONG refs;
  void (*destroy)(struct obj_head *);
} obj_head;

static ULONG STDMETHODCALLTYPE add_ref(void *u)
{
  obj_head *h = u;
  return (ULONG)InterlockedIncrement(&h->refs);
}

static ULONG STDMETHODCALLTYPE release(void *u)
{
  obj_head *h = u;
  LONG n = InterlockedDecrement(&h->refs);
  if(n == 0)
    h->destroy(h);
  return (ULONG)n;
}

static void *obj_new(size_t size, const void *vtbl,
                     void (*destroy)(obj_head *))
{
  obj_head *h = calloc(1, size);
  if(!h)
    return NULL;
  h->vtbl = vtbl;
  h->refs = 1;
  h->destroy = destroy;
  return h;
}

static void destroy_plain(obj_head *h)
{
  free(h);
}

/* QueryInterface for an object that is IUnknown and one other interface. */
static HRESULT query(void *o, REFIID riid, void **out, REFIID mine)
{
  if(IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, mine)) {
    IUnknown_AddRef((IUnknown *)o);
    *out = o;
    return S_OK;
  }
  *out = NULL;
  return E_NOINTERFACE;
}

/* ---- IWbemClassObject: one instance, seen through a select list ---- */

typedef struct class_obj {
  obj_head h;
  const wd_object *o;
  const wchar_t *select; /* the query's select list ("*" for all) */
} class_obj;

static HRESULT STDMETHODCALLTYPE co_query(IWbemClassObject *o, REFIID riid,
                                          void **out)
{
  return query(o, riid, out, &IID_IWbemClassObject);
}

/* Is the property in the select list "A, B, C" (or is it "*")? */
static int selected(const wchar_t *list, const wchar_t *name)
{
  size_t n = wcslen(name);
  const wchar_t *p = list;
  while(*p == L' ')
    p++;
  if(*p == L'*')
    return 1;
  while(*p) {
    const wchar_t *e;
    while(*p == L' ' || *p == L',')
      p++;
    e = p;
    while(*e && *e != L',' && *e != L' ')
      e++;
    if((size_t)(e - p) == n && !_wcsnicmp(p, name, n))
      return 1;
    p = e;
  }
  return 0;
}

static SAFEARRAY *int_array(const wchar_t *v)
{
  LONG n = 0, i;
  const wchar_t *p;
  SAFEARRAY *sa;
  for(p = v; *p; p++)
    n += *p == L',';
  n += *v != L'\0';
  sa = SafeArrayCreateVector(VT_I4, 0, (ULONG)n);
  for(i = 0, p = v; sa && i < n; i++) {
    wchar_t *end;
    LONG x = (LONG)wcstoul(p, &end, 10);
    SafeArrayPutElement(sa, &i, &x);
    p = *end ? end + 1 : end;
  }
  return sa;
}

static SAFEARRAY *str_array(const wchar_t *v)
{
  LONG n = 0, i;
  const wchar_t *p;
  SAFEARRAY *sa;
  for(p = v; *p; p++)
    n += *p == L'|';
  n += *v != L'\0';
  sa = SafeArrayCreateVector(VT_BSTR, 0, (ULONG)n);
  for(i = 0, p = v; sa && i < n; i++) {
    const wchar_t *e = wcschr(p, L'|');
    UINT len = (UINT)(e ? (size_t)(e - p) : wcslen(p));
    BSTR b = SysAllocStringLen(p, len);
    SafeArrayPutElement(sa, &i, b); /* copies the string */
    SysFreeString(b);
    p = e ? e + 1 : p + len;
  }
  return sa;
}

static CIMTYPE cim_type(wd_kind k)
{
  switch(k) {
  case WD_U16: return CIM_UINT16;
  case WD_U32: return CIM_UINT32;
  case WD_U64: return CIM_UINT64;
  case WD_TIME: return CIM_DATETIME;
  case WD_U16_ARR: return CIM_UINT16 | CIM_FLAG_ARRAY;
  case WD_STR_ARR: return CIM_STRING | CIM_FLAG_ARRAY;
  case WD_WRONG_I4: return CIM_SINT32;
  default: return CIM_STRING;
  }
}

/* The VARIANT of one value; 0, or -1 when out of memory. */
static int make_value(wd_kind k, const wchar_t *v, VARIANT *out)
{
  VariantInit(out);
  switch(k) {
  case WD_U16: case WD_U32: case WD_WRONG_I4:
    V_VT(out) = VT_I4;
    V_I4(out) = (LONG)wcstoul(v, NULL, 10);
    return 0;
  case WD_U16_ARR:
    V_VT(out) = VT_ARRAY | VT_I4;
    V_ARRAY(out) = int_array(v);
    return V_ARRAY(out) ? 0 : -1;
  case WD_STR_ARR:
    V_VT(out) = VT_ARRAY | VT_BSTR;
    V_ARRAY(out) = str_array(v);
    return V_ARRAY(out) ? 0 : -1;
  case WD_NULL:
    V_VT(out) = VT_NULL;
    return 0;
  default: /* strings, uint64 in decimal, CIM datetimes */
    V_VT(out) = VT_BSTR;
    V_BSTR(out) = SysAllocString(v);
    return V_BSTR(out) ? 0 : -1;
  }
}

static HRESULT STDMETHODCALLTYPE co_get(IWbemClassObject *u, LPCWSTR name,
                                        LONG flags, VARIANT *val,
                                        CIMTYPE *type, LONG *flavor)
{
  class_obj *c = (class_obj *)u;
  size_t i;
  int known;
  wd_kind k;
  (void)flags;
  if(!name)
    return (HRESULT)WBEM_E_INVALID_PARAMETER;
  if(!selected(c->select, name))
    return (HRESULT)WBEM_E_NOT_FOUND;
  k = wd_schema_kind(c->o->cls, name, &known);
  for(i = 0; i < c->o->nprops; i++)
    if(!_wcsicmp(c->o->props[i].name, name))
      break;
  if(i < c->o->nprops && c->o->props[i].kind == WD_MISSING)
    return (HRESULT)WBEM_E_NOT_FOUND;
  if(i == c->o->nprops && !known)
    return (HRESULT)WBEM_E_NOT_FOUND;
  if(type)
    *type = cim_type(i < c->o->nprops ? c->o->props[i].kind : k);
  if(flavor)
    *flavor = WBEM_FLAVOR_ORIGIN_LOCAL;
  if(!val)
    return WBEM_S_NO_ERROR;
  /* A property of the class with no value in the file is NULL. */
  if(make_value(i < c->o->nprops ? c->o->props[i].kind : WD_NULL,
                i < c->o->nprops ? c->o->props[i].value : L"", val))
    return (HRESULT)WBEM_E_OUT_OF_MEMORY;
  return WBEM_S_NO_ERROR;
}

/* IWbemClassObject's 27 slots: IUnknown, GetQualifierSet, Get, Put, ...
 * in the order of wbemcli.idl; only Get is served. */
static const any_fn co_vtbl[27] = {
  FN(co_query), FN(add_ref), FN(release), NS, FN(co_get),
  NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS,
  NS, NS, NS, NS
};

static IWbemClassObject *class_obj_new(const wd_object *o,
                                       const wchar_t *select)
{
  class_obj *c = obj_new(sizeof(*c), co_vtbl, destroy_plain);
  if(!c)
    return NULL;
  c->o = o;
  c->select = select;
  return (IWbemClassObject *)c;
}

/* ---- IEnumWbemClassObject: the query's result, forward only ---- */

typedef struct enum_obj {
  obj_head h;
  const wd_object **hits;
  ULONG n, pos;
  wchar_t *select;
  const wd_fault *fault; /* a "next" rule of the class, or NULL */
} enum_obj;

static void enum_destroy(obj_head *h)
{
  enum_obj *e = (enum_obj *)h;
  free(e->hits);
  /* The select list stays: instances handed out still point at it. */
  free(e);
}

static HRESULT STDMETHODCALLTYPE en_query(IEnumWbemClassObject *o,
                                          REFIID riid, void **out)
{
  return query(o, riid, out, &IID_IEnumWbemClassObject);
}

static HRESULT STDMETHODCALLTYPE en_reset(IEnumWbemClassObject *u)
{
  ((enum_obj *)u)->pos = 0;
  return WBEM_S_NO_ERROR;
}

static HRESULT STDMETHODCALLTYPE en_next(IEnumWbemClassObject *u, LONG tmo,
                                         ULONG count, IWbemClassObject **out,
                                         ULONG *got)
{
  enum_obj *e = (enum_obj *)u;
  ULONG i = 0;
  if(!out || !got)
    return (HRESULT)WBEM_E_INVALID_PARAMETER;
  *got = 0;
  while(i < count && e->pos < e->n) {
    if(e->fault && e->pos >= e->fault->after) {
      if(i)
        break; /* hand out what is there first */
      if(e->fault->kind == WD_F_NEXT_BLOCK || tmo == (LONG)WBEM_INFINITE)
        Sleep(INFINITE);
      Sleep((DWORD)tmo);
      return WBEM_S_TIMEDOUT;
    }
    out[i] = class_obj_new(e->hits[e->pos], e->select);
    if(!out[i])
      return (HRESULT)WBEM_E_OUT_OF_MEMORY;
    i++;
    e->pos++;
  }
  *got = i;
  return i == count ? WBEM_S_NO_ERROR : WBEM_S_FALSE;
}

static HRESULT STDMETHODCALLTYPE en_skip(IEnumWbemClassObject *u, LONG tmo,
                                         ULONG count)
{
  enum_obj *e = (enum_obj *)u;
  (void)tmo;
  e->pos = e->pos + count < e->n ? e->pos + count : e->n;
  return e->pos < e->n ? WBEM_S_NO_ERROR : WBEM_S_FALSE;
}

/* IUnknown, Reset, Next, NextAsync, Clone, Skip. */
static const any_fn en_vtbl[8] = {
  FN(en_query), FN(add_ref), FN(release), FN(en_reset), FN(en_next), NS,
  NS, FN(en_skip)
};

/* ---- the WQL subset: SELECT list FROM class [WHERE prop = value] ---- */

typedef struct wql {
  wchar_t *select;  /* allocated; kept for the instances */
  wchar_t cls[128];
  wchar_t where[128];
  wchar_t value[256];
} wql;

/* Find a keyword (" FROM ") case-insensitively. */
static const wchar_t *find_kw(const wchar_t *s, const wchar_t *kw)
{
  size_t n = wcslen(kw);
  for(; *s; s++)
    if(!_wcsnicmp(s, kw, n))
      return s;
  return NULL;
}

/* Copy the next token (letters, digits, '_') to out; the end of it. */
static const wchar_t *token(const wchar_t *p, wchar_t *out, size_t size)
{
  size_t n = 0;
  while(*p == L' ')
    p++;
  while((iswalnum(*p) || *p == L'_') && n + 1 < size)
    out[n++] = *p++;
  out[n] = L'\0';
  return p;
}

/* The WHERE clause "prop = value"; 0, or -1 when not understood. */
static int parse_where(const wchar_t *p, wql *q)
{
  size_t n = 0;
  p = token(p, q->where, 128);
  while(*p == L' ')
    p++;
  if(!q->where[0] || *p++ != L'=')
    return -1;
  while(*p == L' ')
    p++;
  if(*p == L'\'' || *p == L'"') {
    wchar_t quote = *p++;
    while(*p && *p != quote && n + 1 < 256)
      q->value[n++] = *p++;
    q->value[n] = L'\0';
    return *p == quote ? 0 : -1;
  }
  token(p, q->value, 256);
  return q->value[0] ? 0 : -1;
}

static int parse_wql(const wchar_t *text, wql *q)
{
  const wchar_t *from = find_kw(text, L" FROM "), *where, *p = text;
  size_t n;
  memset(q, 0, sizeof(*q));
  while(*p == L' ')
    p++;
  if(_wcsnicmp(p, L"SELECT ", 7) || !from)
    return -1;
  p += 7;
  n = (size_t)(from - p);
  q->select = calloc(n + 1, sizeof(wchar_t));
  if(!q->select)
    return -1;
  memcpy(q->select, p, n * sizeof(wchar_t));
  p = token(from + 6, q->cls, 128);
  if(!q->cls[0])
    return -1;
  where = find_kw(p, L" WHERE ");
  return where ? parse_where(where + 7, q) : 0;
}

/* Does an instance meet the WHERE condition? */
static int matches(const wd_object *o, const wql *q)
{
  size_t i;
  if(!q->where[0])
    return 1;
  for(i = 0; i < o->nprops; i++)
    if(!_wcsicmp(o->props[i].name, q->where))
      return !_wcsicmp(o->props[i].value, q->value);
  return 0;
}

/* ---- IWbemServices: one namespace ---- */

typedef struct svc_obj {
  obj_head h;
  wchar_t ns[260];
} svc_obj;

static HRESULT STDMETHODCALLTYPE sv_query(IWbemServices *o, REFIID riid,
                                          void **out)
{
  return query(o, riid, out, &IID_IWbemServices);
}

static HRESULT run_query(const svc_obj *s, const wql *q,
                         IEnumWbemClassObject **out)
{
  const wd_data *d = wd_get(self);
  enum_obj *e = obj_new(sizeof(*e), en_vtbl, enum_destroy);
  size_t i;
  if(!e)
    return (HRESULT)WBEM_E_OUT_OF_MEMORY;
  e->hits = calloc(d->nobjs + 1, sizeof(*e->hits));
  if(!e->hits) {
    free(e);
    return (HRESULT)WBEM_E_OUT_OF_MEMORY;
  }
  for(i = 0; i < d->nobjs; i++)
    if(wd_ns_equal(s->ns, d->objs[i].ns) &&
       !_wcsicmp(d->objs[i].cls, q->cls) && matches(&d->objs[i], q))
      e->hits[e->n++] = &d->objs[i];
  e->select = q->select;
  e->fault = wd_fault_of(d, WD_R_NEXT, q->cls);
  *out = (IEnumWbemClassObject *)e;
  return WBEM_S_NO_ERROR;
}

static HRESULT STDMETHODCALLTYPE sv_exec_query(IWbemServices *u,
                                               const BSTR lang,
                                               const BSTR text, LONG flags,
                                               IWbemContext *ctx,
                                               IEnumWbemClassObject **out)
{
  const wd_data *d = wd_get(self);
  const wd_fault *f;
  wql q;
  (void)flags;
  (void)ctx;
  if(!out)
    return (HRESULT)WBEM_E_INVALID_PARAMETER;
  *out = NULL;
  if(!lang || _wcsicmp(lang, L"WQL"))
    return (HRESULT)WBEM_E_INVALID_QUERY_TYPE;
  if(!text || parse_wql(text, &q)) {
    free(q.select);
    return (HRESULT)WBEM_E_INVALID_QUERY;
  }
  f = wd_fault_of(d, WD_R_QUERY, q.cls);
  if(f && f->kind == WD_F_HANG)
    Sleep(INFINITE);
  if(f && f->kind == WD_F_HR) {
    free(q.select);
    return f->hr;
  }
  return run_query((const svc_obj *)u, &q, out);
}

/* IUnknown, then OpenNamespace ... ExecMethodAsync (23 methods);
 * ExecQuery is the 18th. */
static const any_fn sv_vtbl[26] = {
  FN(sv_query), FN(add_ref), FN(release),
  NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS, NS,
  FN(sv_exec_query), NS, NS, NS, NS, NS
};

/* ---- IWbemLocator ---- */

static HRESULT STDMETHODCALLTYPE lo_query(IWbemLocator *o, REFIID riid,
                                          void **out)
{
  return query(o, riid, out, &IID_IWbemLocator);
}

static HRESULT STDMETHODCALLTYPE lo_connect(IWbemLocator *u, const BSTR ns,
                                            const BSTR user, const BSTR pw,
                                            const BSTR locale, LONG flags,
                                            const BSTR auth,
                                            IWbemContext *ctx,
                                            IWbemServices **out)
{
  const wd_data *d = wd_get(self);
  const wd_fault *f;
  svc_obj *s;
  (void)u; (void)user; (void)pw; (void)locale; (void)flags; (void)auth;
  (void)ctx;
  if(!out || !ns)
    return (HRESULT)WBEM_E_INVALID_PARAMETER;
  *out = NULL;
  if(FAILED(d->load_hr))
    return (HRESULT)WBEM_E_INVALID_NAMESPACE; /* no data file: nothing exists */
  f = wd_fault_of(d, WD_R_CONNECT, ns);
  if(f && f->kind == WD_F_HANG)
    Sleep(INFINITE);
  if(f && f->kind == WD_F_HR)
    return f->hr;
  if(!wd_has_namespace(d, ns))
    return (HRESULT)WBEM_E_INVALID_NAMESPACE;
  s = obj_new(sizeof(*s), sv_vtbl, destroy_plain);
  if(!s)
    return (HRESULT)WBEM_E_OUT_OF_MEMORY;
  lstrcpynW(s->ns, ns, 260);
  *out = (IWbemServices *)s;
  return WBEM_S_NO_ERROR;
}

static const any_fn lo_vtbl[4] = {
  FN(lo_query), FN(add_ref), FN(release), FN(lo_connect)
};

/* ---- the class factory and the DLL's exports ---- */

static HRESULT STDMETHODCALLTYPE cf_query(IClassFactory *o, REFIID riid,
                                          void **out)
{
  return query(o, riid, out, &IID_IClassFactory);
}

static ULONG STDMETHODCALLTYPE cf_ref(IClassFactory *o)
{
  (void)o;
  return 1; /* static */
}

static HRESULT STDMETHODCALLTYPE cf_create(IClassFactory *o, IUnknown *outer,
                                           REFIID riid, void **out)
{
  obj_head *l;
  HRESULT hr;
  (void)o;
  if(!out)
    return E_POINTER;
  *out = NULL;
  if(outer)
    return CLASS_E_NOAGGREGATION;
  l = obj_new(sizeof(*l), lo_vtbl, destroy_plain);
  if(!l)
    return E_OUTOFMEMORY;
  hr = lo_query((IWbemLocator *)l, riid, out);
  release(l);
  return hr;
}

static HRESULT STDMETHODCALLTYPE cf_lock(IClassFactory *o, BOOL lock)
{
  (void)o;
  (void)lock;
  return S_OK;
}

static const any_fn cf_vtbl[5] = {
  FN(cf_query), FN(cf_ref), FN(cf_ref), FN(cf_create), FN(cf_lock)
};
static struct { const void *vtbl; } factory = {cf_vtbl};

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out);
HRESULT WINAPI DllCanUnloadNow(void);
BOOL WINAPI DllMain(HINSTANCE inst, DWORD why, LPVOID reserved);

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **out)
{
  if(!out)
    return E_POINTER;
  *out = NULL;
  if(!IsEqualCLSID(clsid, &CLSID_WbemLocator))
    return CLASS_E_CLASSNOTAVAILABLE;
  return cf_query((IClassFactory *)&factory, riid, out);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
  return S_FALSE; /* instances point into data that lives for ever */
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD why, LPVOID reserved)
{
  (void)reserved;
  if(why == DLL_PROCESS_ATTACH) {
    self = inst;
    DisableThreadLibraryCalls(inst);
  }
  return TRUE;
}
