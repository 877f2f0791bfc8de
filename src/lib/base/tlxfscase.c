/*
** Which file systems compare names without case, for the timeline's path
** globs; moved from src/tool/timeline_match.c as it was.
*/
#include "config.h"

#include <string.h>
#include <strings.h>

#include "base/tlx_int.h"

int
Tl_tlx_fs_case_insensitive(const char *fs_type)
{
  /* HFS+ and APFS as formatted by default; TSK names them hfs/apfs */
  static const char *const ci[] = {"ntfs", "fat", "exfat", "hfs", "apfs"};
  size_t i;
  for(i = 0; i < sizeof(ci) / sizeof(ci[0]); i++)
    if(!strncasecmp(fs_type, ci[i], strlen(ci[i])))
      return 1;
  return 0;
}
