/* cimtime.c - CIM DATETIME values ("yyyymmddHHMMSS.mmmmmmsUUU", WMI's
 * time format) as UTC times.  Declared in hyperv-stuck-vm/facts.h. */
#include <string.h>

#include "srvdoctor/facts.h"

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
