/* msiguid.c - Windows Installer's packed GUIDs, the form its registry keys
 * use for product and patch codes (../shared/facts/exchange.md §2.3):
 * groups reversed, then byte pairs swapped.  Declared in exchange-sp2/facts.h;
 * the collector packs codes to find keys, the check unpacks them. */
#include <string.h>

#include "srvdoctor/facts.h"

static int is_hex(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

static char upper(char c)
{
  return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* The position in the 32 packed characters of each of the 32 hex digits of
 * the GUID in reading order: groups reversed, then byte pairs swapped. */
static const unsigned char pack_map[32] = {
  7, 6, 5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 15, 14, 13, 12,
  17, 16, 19, 18, 21, 20, 23, 22, 25, 24, 27, 26, 29, 28, 31, 30};

int sd_msi_guid_pack(const char *guid, char out[33])
{
  char hex[32];
  size_t i, n = 0;
  static const size_t dash[] = {9, 14, 19, 24};
  if(!guid || strlen(guid) != 38 || guid[0] != '{' || guid[37] != '}')
    return -1;
  for(i = 1; i < 37; i++) {
    if(i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3]) {
      if(guid[i] != '-')
        return -1;
      continue;
    }
    if(!is_hex(guid[i]))
      return -1;
    hex[n++] = upper(guid[i]);
  }
  for(i = 0; i < 32; i++)
    out[pack_map[i]] = hex[i];
  out[32] = '\0';
  return 0;
}

int sd_msi_guid_unpack(const char *packed, char out[39])
{
  char hex[32];
  size_t i, n = 0;
  if(!packed || strlen(packed) != 32)
    return -1;
  for(i = 0; i < 32; i++) {
    if(!is_hex(packed[i]))
      return -1;
    hex[i] = packed[pack_map[i]];
  }
  out[n++] = '{';
  for(i = 0; i < 32; i++) {
    if(i == 8 || i == 12 || i == 16 || i == 20)
      out[n++] = '-';
    out[n++] = upper(hex[i]);
  }
  out[n++] = '}';
  out[n] = '\0';
  return 0;
}
