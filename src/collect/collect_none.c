/* collect_none.c - builds without live collection (Linux and others). */
#include "srvdoctor/collect.h"

int sd_collect_live(sd_facts *f, unsigned needs, const sd_options *o,
                    sd_err *err)
{
  (void)f;
  (void)needs;
  (void)o;
  sd_err_set(err, SD_ENOTSUP, "live collection works only on Windows; on "
             "this system analyse a snapshot with --from FILE (made on the "
             "server with: srvdoctor collect -o FILE)");
  return -1;
}
