/*
** Timestomping indicators on every file with a $SI or $FN time in a window
** (anomalies.c), in TEMP table
**
**   x_file_anomaly(anomaly_id, object_id, evidence, path, rule,
**                  executable, deleted, si_created_ns, si_modified_ns,
**                  si_changed_ns, si_accessed_ns, fn_created_ns,
**                  fn_modified_ns, fn_changed_ns, fn_accessed_ns,
**                  fs_created_ns, acquired_ns, acquired_from, detail,
**                  n_rules)
**
** one row per file and rule; executable is 1 for programs, libraries and
** scripts (listed first); n_rules is the number of rules the file breaks.
** Only reads the case.
*/
#ifndef TL_ANOMALIES_INT_H
#define TL_ANOMALIES_INT_H

#include "store/case_int.h"

/* x_file_anomaly, also created (empty) with the exposure tables */
#define TL_X_FILE_ANOMALY_DDL \
  "DROP TABLE IF EXISTS temp.x_file_anomaly;" \
  "CREATE TEMP TABLE x_file_anomaly(anomaly_id INTEGER PRIMARY KEY," \
  " object_id INTEGER, evidence TEXT, path TEXT, rule TEXT," \
  " executable INTEGER, deleted INTEGER, si_created_ns INTEGER," \
  " si_modified_ns INTEGER, si_changed_ns INTEGER," \
  " si_accessed_ns INTEGER, fn_created_ns INTEGER," \
  " fn_modified_ns INTEGER, fn_changed_ns INTEGER," \
  " fn_accessed_ns INTEGER, fs_created_ns INTEGER, acquired_ns INTEGER," \
  " acquired_from TEXT, detail TEXT, n_rules INTEGER);"

/* the rules, for help texts */
extern const char Tl_file_anomaly_rules[];

/* (Re)build x_file_anomaly for [from, to) (INT64_MIN, INT64_MAX: all). */
tl_rc Tl_file_anomalies(tl_case *c, int64_t from, int64_t to);

/* The order the lists use: programs first, then the files with the most
** rules (a volume migrated with its times, by robocopy for example, gives
** every file "$SI before the file system"; a timestomped tool has more),
** then by place. */
#define TL_FILE_ANOMALY_ORDER \
  " ORDER BY executable DESC, n_rules DESC, evidence, path, object_id, rule"

#endif
