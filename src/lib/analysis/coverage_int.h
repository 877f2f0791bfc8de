/*
** Coverage of the target register (coverage.c): a reason for every target
** that matches no file, in TEMP table
**
**   x_cover(target_id, reason, detail, scope, folder_evidence,
**           folder_path, folder_modified_ns)
**
** reason is one of Tl_cover_reasons (docs/TARGETS.md, "Coverage"); detail
** says it in words. Only reads the case.
*/
#ifndef TL_COVERAGE_INT_H
#define TL_COVERAGE_INT_H

#include "store/case_int.h"

/* x_cover, also created (empty) with the exposure tables */
#define TL_X_COVER_DDL \
  "DROP TABLE IF EXISTS temp.x_cover;" \
  "CREATE TEMP TABLE x_cover(target_id INTEGER PRIMARY KEY," \
  " reason TEXT NOT NULL, detail TEXT, scope TEXT, folder_evidence TEXT," \
  " folder_path TEXT, folder_modified_ns INTEGER);"

#define TL_N_COVER_REASONS 6

/* SQL ranking a reason column in the order above (0..5) */
#define TL_COVER_RANK(col) \
  "(CASE " col " WHEN 'scope-not-in-case' THEN 0 WHEN 'outside-scope' " \
  "THEN 1 WHEN 'size-matches-no-file' THEN 2 WHEN 'content-not-hashed' " \
  "THEN 3 WHEN 'folder-exists' THEN 4 ELSE 5 END)"

/* Every reason and its count in x_cover, in that order (0 included) */
#define TL_COVER_COUNTS \
  "SELECT r, (SELECT count(*) FROM x_cover x WHERE x.reason = r) FROM " \
  "(SELECT 'scope-not-in-case' AS r UNION ALL SELECT 'outside-scope' " \
  "UNION ALL SELECT 'size-matches-no-file' UNION ALL SELECT " \
  "'content-not-hashed' UNION ALL SELECT 'folder-exists' UNION ALL " \
  "SELECT 'not-on-evidence') ORDER BY " \
  TL_COVER_RANK("r")
extern const char *const Tl_cover_reasons[TL_N_COVER_REASONS];

/* (Re)build x_cover from target, target_match and the evidence. */
tl_rc Tl_coverage_compute(tl_case *c);

#endif
