/* guid.c - Hyper-V virtual machine ids (GUIDs) in the forms Windows shows
 * them: inside a worker's command line, on their own, and in the per-VM
 * account's SID (S-1-5-83-1-a-b-c-d).  Declared in hyperv-stuck-vm/facts.h;
 * used by the collector, the check and fix alike. */
#include <stdio.h>
#include <string.h>

#include "srvdoctor/facts.h"

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

int sd_guid_parse(const char *s, char out[37])
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

int sd_hv_is_worker_image(const char *image)
{
  return image && sd_strieq(image, SD_HV_WORKER_IMAGE);
}
