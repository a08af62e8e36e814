/* target.c - what names one finding's target, for srvdoctor fix --target
 * and for acknowledgements alike: GUIDs (braces and case do not matter),
 * KB numbers ("KB974571" or "974571"), else the text without ASCII
 * case. */
#include <string.h>

#include "srvdoctor/finding.h"

/* sd_guid_parse (hyperv-stuck-vm/facts.h, src/core/guid.c). */
#include "srvdoctor/facts.h"

int sd_kb_number(const char *s, char out[16])
{
  size_t n = 0;
  if(!s)
    return 0;
  if((s[0] == 'K' || s[0] == 'k') && (s[1] == 'B' || s[1] == 'b'))
    s += 2;
  while(s[n] >= '0' && s[n] <= '9')
    n++;
  if(n < 4 || n > 15 || s[n])
    return 0;
  memcpy(out, s, n);
  out[n] = '\0';
  return 1;
}

int sd_target_same(const char *a, const char *b)
{
  char ga[37], gb[37], ka[16], kb[16];
  int guid_a, guid_b;
  if(!a || !b || !*a || !*b)
    return 0;
  guid_a = sd_guid_parse(a, ga);
  guid_b = sd_guid_parse(b, gb);
  if(guid_a || guid_b)
    return guid_a && guid_b && !strcmp(ga, gb);
  if(sd_kb_number(a, ka) && sd_kb_number(b, kb))
    return !strcmp(ka, kb);
  return sd_strieq(a, b);
}
