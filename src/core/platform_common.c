/* platform_common.c - the parts of platform.h that are the same everywhere. */
#include <stdlib.h>

#include "srvdoctor/platform.h"

void sd_names_free(char **names, size_t count)
{
  size_t i;
  for(i = 0; i < count; i++)
    free(names[i]);
  free(names);
}
