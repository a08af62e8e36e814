/* snap_hyperv.c - the "hyperv" section of the snapshot (owned by the hyperv
 * module), and the value helpers that turn what Windows reports (VM ids in
 * command lines and account SIDs, CIM times) into the form the facts keep. */
#include <stdio.h>
#include <string.h>

#include "schema_internal.h"

static const sd_field opstatus_fields[] = {
  SD_FIELD(sd_hv_opstatus, "code", SD_F_U32, code),
};
static const sd_schema opstatus_schema =
  SD_SCHEMA(sd_hv_opstatus, "an operational status", opstatus_fields);

static const sd_field disk_fields[] = {
  SD_FIELD(sd_hv_disk, "path", SD_F_STR, path),
  SD_FIELD(sd_hv_disk, "volume", SD_F_STR, volume),
  SD_FIELD(sd_hv_disk, "space_state", SD_F_FSTATE, space_st),
  SD_FIELD(sd_hv_disk, "free_bytes", SD_F_U64, free_bytes),
  SD_FIELD(sd_hv_disk, "total_bytes", SD_F_U64, total_bytes),
};
static const sd_schema disk_schema =
  SD_SCHEMA(sd_hv_disk, "a virtual hard disk", disk_fields);

static const sd_field vm_fields[] = {
  SD_FIELD(sd_hv_vm, "guid", SD_F_STR, guid),
  SD_FIELD(sd_hv_vm, "name", SD_F_STR, name),
  SD_FIELD(sd_hv_vm, "ns_version", SD_F_UINT, ns_version),
  SD_FIELD(sd_hv_vm, "enabled_state", SD_F_U32, enabled_state),
  SD_FIELD(sd_hv_vm, "requested_state", SD_F_U32, requested_state),
  SD_FIELD(sd_hv_vm, "health_state", SD_F_U32, health_state),
  SD_FIELD(sd_hv_vm, "operational_status_state", SD_F_FSTATE,
           op_status_st),
  SD_FIELD_SUB(sd_hv_vm, "operational_status", SD_F_LIST, op_status,
               &opstatus_schema),
  SD_FIELD(sd_hv_vm, "state_changed", SD_F_TIME, state_changed),
  SD_FIELD(sd_hv_vm, "worker_pid", SD_F_U32, worker_pid),
  SD_FIELD(sd_hv_vm, "on_time_ms", SD_F_U64, on_time_ms),
  SD_FIELD(sd_hv_vm, "disks_state", SD_F_FSTATE, disks_st),
  SD_FIELD_SUB(sd_hv_vm, "disks", SD_F_LIST, disks, &disk_schema),
};
static const sd_schema vm_schema =
  SD_SCHEMA(sd_hv_vm, "a virtual machine", vm_fields);

static const sd_field hv_fields[] = {
  SD_FIELD(sd_hv_facts, "state", SD_F_FSTATE, st),
  SD_FIELD(sd_hv_facts, "vmms_state", SD_F_FSTATE, vmms_st),
  SD_FIELD_ENUM(sd_hv_facts, "vmms_status", vmms_state, sd_svc_state_names),
  SD_FIELD(sd_hv_facts, "vmms_pid", SD_F_U32, vmms_pid),
  SD_FIELD(sd_hv_facts, "wmi_state", SD_F_FSTATE, wmi_st),
  SD_FIELD(sd_hv_facts, "wmi_namespace", SD_F_STR, wmi_namespace),
  SD_FIELD(sd_hv_facts, "wmi_version", SD_F_UINT, wmi_version),
  SD_FIELD_SUB(sd_hv_facts, "vms", SD_F_LIST, vms, &vm_schema),
};
const sd_schema sd_schema_hyperv = SD_SCHEMA(sd_hv_facts, "hyperv", hv_fields);

sd_hv_vm *sd_hv_vm_add(sd_hv_facts *h)
{
  sd_hv_vm *vm;
  h->vms = sd_grow(h->vms, &h->cap_vms, h->nvms, sizeof(*vm));
  vm = &h->vms[h->nvms++];
  memset(vm, 0, sizeof(*vm));
  vm->state_changed = SD_TIME_NONE;
  return vm;
}

sd_hv_opstatus *sd_hv_opstatus_add(sd_hv_vm *vm)
{
  sd_hv_opstatus *o;
  vm->op_status = sd_grow(vm->op_status, &vm->cap_op_status, vm->nop_status,
                          sizeof(*o));
  o = &vm->op_status[vm->nop_status++];
  o->code = 0;
  return o;
}

sd_hv_disk *sd_hv_disk_add(sd_hv_vm *vm)
{
  sd_hv_disk *d;
  vm->disks = sd_grow(vm->disks, &vm->cap_disks, vm->ndisks, sizeof(*d));
  d = &vm->disks[vm->ndisks++];
  memset(d, 0, sizeof(*d));
  return d;
}

/* ---- VM ids ---- */

static int hexval(char c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if(c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Does s start with 8-4-4-4-12 hex digits?  Copies them upper case. */
static int guid_at(const char *s, char out[37])
{
  static const unsigned char dash[] = {8, 13, 18, 23};
  size_t i, d = 0;
  for(i = 0; i < 36; i++) {
    if(d < sizeof(dash) && i == dash[d]) {
      if(s[i] != '-')
        return 0;
      out[i] = '-';
      d++;
      continue;
    }
    if(hexval(s[i]) < 0)
      return 0;
    out[i] = (char)(s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 'A' : s[i]);
  }
  out[36] = '\0';
  return 1;
}

static int is_hex_or_word(char c)
{
  return hexval(c) >= 0 || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') ||
         c == '_' || c == '-';
}

const char *sd_hv_guid_find(const char *s, char out[37])
{
  const char *p;
  char tmp[37];
  if(!s)
    return NULL;
  for(p = s; *p; p++) {
    size_t k;
    int ok = 1;
    /* Must start at a boundary: not in the middle of a longer word. */
    if(p > s && is_hex_or_word(p[-1]))
      continue;
    for(k = 0; k < 36 && ok; k++)
      ok = p[k] != '\0';
    if(!ok)
      return NULL;
    if(!guid_at(p, tmp))
      continue;
    if(is_hex_or_word(p[36]))
      continue;
    memcpy(out, tmp, sizeof(tmp));
    return p + 36;
  }
  return NULL;
}

int sd_hv_guid_parse(const char *s, char out[37])
{
  size_t n;
  char tmp[37];
  if(!s)
    return 0;
  n = strlen(s);
  if(n == 38 && s[0] == '{' && s[37] == '}') {
    s++;
    n -= 2;
  }
  if(n != 36 || !guid_at(s, tmp))
    return 0;
  memcpy(out, tmp, sizeof(tmp));
  return 1;
}

/* Parse a decimal 32-bit number; advances *p. */
static int sid_part(const char **p, uint32_t *out)
{
  uint64_t v = 0;
  const char *s = *p;
  if(*s < '0' || *s > '9')
    return -1;
  while(*s >= '0' && *s <= '9') {
    v = v * 10 + (uint64_t)(*s - '0');
    if(v > UINT32_MAX)
      return -1;
    s++;
  }
  *p = s;
  *out = (uint32_t)v;
  return 0;
}

int sd_hv_guid_from_sid(const char *sid, char out[37])
{
  static const char prefix[] = "S-1-5-83-1-";
  unsigned char b[16];
  uint32_t v[4];
  const char *p;
  int i;
  if(!sid || !sd_strnieq(sid, prefix, sizeof(prefix) - 1))
    return -1;
  p = sid + sizeof(prefix) - 1;
  for(i = 0; i < 4; i++) {
    if(sid_part(&p, &v[i]))
      return -1;
    if(i < 3 && *p++ != '-')
      return -1;
  }
  if(*p)
    return -1;
  /* The sub-authorities are the GUID's 16 bytes as little-endian DWORDs. */
  for(i = 0; i < 4; i++) {
    b[i * 4] = (unsigned char)(v[i] & 0xFF);
    b[i * 4 + 1] = (unsigned char)(v[i] >> 8 & 0xFF);
    b[i * 4 + 2] = (unsigned char)(v[i] >> 16 & 0xFF);
    b[i * 4 + 3] = (unsigned char)(v[i] >> 24 & 0xFF);
  }
  /* Windows GUID memory layout: Data1 (4 bytes), Data2, Data3 (2 bytes
   * each) little-endian, then Data4 (8 bytes) in order. */
  snprintf(out, 37,
           "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-"
           "%02X%02X%02X%02X%02X%02X",
           b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10],
           b[11], b[12], b[13], b[14], b[15]);
  return 0;
}

/* ---- CIM DATETIME ---- */

static int digits(const char *s, size_t n, int *out)
{
  size_t i;
  int v = 0;
  for(i = 0; i < n; i++) {
    if(s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int sd_hv_cim_time(const char *s, sd_time *out)
{
  int y, mo, d, h, mi, sec, off;
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if(!s || strlen(s) != 25 || s[14] != '.')
    return -1;
  if(digits(s, 4, &y) || digits(s + 4, 2, &mo) || digits(s + 6, 2, &d) ||
     digits(s + 8, 2, &h) || digits(s + 10, 2, &mi) ||
     digits(s + 12, 2, &sec))
    return -1;
  /* s[15..20] are microseconds (may be asterisks); s[21] is the sign. */
  if(s[21] != '+' && s[21] != '-') /* ':' marks an interval */
    return -1;
  if(digits(s + 22, 3, &off))
    return -1;
  if(y < 1601 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
     mi > 59 || sec > 60)
    return -1;
  /* Windows reports "no value" as a date in 1601 (FILETIME 0). */
  if(y == 1601)
    return -1;
  *out = sd_time_from_civil(y, (unsigned)mo, (unsigned)d, (unsigned)h,
                            (unsigned)mi, (unsigned)sec);
  /* The local time is UTC plus the offset: subtract it to get UTC. */
  *out -= (sd_time)(s[21] == '-' ? -off : off) * 60;
  return 0;
}
