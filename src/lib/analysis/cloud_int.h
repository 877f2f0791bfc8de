/*
** Cloud matching (docs/TARGETS.md, "Cloud files"; docs/EXPOSURE.md,
** "Cloud evidence"): artifact events that name a file by URL (the
** Microsoft 365 audit log) have no object in any image. The exposure
** analysis matches them to targets by path within the site, through the
** site-to-share map (table cloud_sitemap, `targets CASE sitemap import`),
** or by file name (weaker), and adds one occurrence per target and cloud
** file, with its rows and verdict.
*/
#ifndef TL_CLOUD_INT_H
#define TL_CLOUD_INT_H

#include "store/case_int.h"

/* Inside an exposure analysis, after the image occurrences are judged:
** add the cloud occurrences to x_occ and their rows in [from, to) to
** x_row, judged. Reads only. */
tl_rc Tl_cloud_collect(tl_case *c, int64_t from, int64_t to);

#endif
