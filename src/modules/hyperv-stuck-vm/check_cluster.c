/* check_cluster.c - the hyperv-stuck-vm check: whether a VM is a role of a
 * failover cluster
 * (then srvdoctor never ends its worker). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- is the VM a failover-cluster role? ---- */

clustered sd_hv_vm_clustered(const sd_hv_facts *hv, const char *guid,
                              const char **resource)
{
  size_t i;
  char g[37];
  *resource = NULL;
  switch(hv->cluster_st.state) {
  case SD_ST_ABSENT:
    return CL_NO;
  case SD_ST_UNREADABLE:
    return CL_UNKNOWN;
  case SD_ST_NOT_COLLECTED:
    return CL_NOT_COLLECTED;
  default:
    break;
  }
  for(i = 0; guid && i < hv->ncluster_vms; i++)
    if(sd_guid_parse(hv->cluster_vms[i].vm_guid, g) && !strcmp(g, guid)) {
      *resource = hv->cluster_vms[i].resource;
      return CL_YES;
    }
  return CL_NO;
}

void sd_hv_cluster_evidence(sd_module_result *r, sd_finding *x,
                             const sd_hv_facts *hv, clustered cl,
                             const char *resource)
{
  switch(cl) {
  case CL_YES:
    sd_ev_strf(r, x, "clustered", "yes: the failover-cluster resource "
               "\"%s\" names this VM", sd_str_or(resource, "(no name)"));
    break;
  case CL_NO:
    sd_ev_str(r, x, "clustered", hv->cluster_st.state == SD_ST_ABSENT
              ? "no: the Cluster service (ClusSvc) does not exist here"
              : "no: no resource of this node's cluster names this VM");
    break;
  case CL_UNKNOWN:
    sd_ev_strf(r, x, "clustered", "not known: %s",
               sd_str_or(hv->cluster_st.why, "the cluster database could "
                         "not be read"));
    break;
  default:
    sd_ev_str(r, x, "clustered", "not known: not collected (a snapshot "
              "from an older srvdoctor)");
    break;
  }
}
