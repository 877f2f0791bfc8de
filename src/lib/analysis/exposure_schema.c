/*
** The TEMP tables an exposure analysis fills (see exposure_int.h).
*/
#include "config.h"

#include "analysis/anomalies_int.h"
#include "analysis/coverage_int.h"
#include "analysis/exposure_int.h"

const char Tl_exposure_ddl[] =
  TL_X_COVER_DDL
  TL_X_FILE_ANOMALY_DDL
  "DROP TABLE IF EXISTS temp.x_param;"
  "DROP TABLE IF EXISTS temp.x_target;"
  "DROP TABLE IF EXISTS temp.x_occ;"
  "DROP TABLE IF EXISTS temp.x_row;"
  "DROP TABLE IF EXISTS temp.x_copy;"
  "DROP TABLE IF EXISTS temp.x_anomaly;"
  "DROP TABLE IF EXISTS temp.x_burst;"
  "CREATE TEMP TABLE x_param(key TEXT PRIMARY KEY, value);"
  "CREATE TEMP TABLE x_target(target_id INTEGER PRIMARY KEY, line INTEGER,"
  " label TEXT, partner TEXT, classification TEXT, division TEXT,"
  " n_occ INTEGER, found INTEGER, exposed INTEGER, verdict TEXT,"
  " first_ns INTEGER, last_ns INTEGER, n_evidence INTEGER);"
  "CREATE TEMP TABLE x_occ(occ_id INTEGER PRIMARY KEY, target_id INTEGER,"
  " object_id INTEGER, evidence_id INTEGER, evidence TEXT, division TEXT,"
  " path TEXT, deleted INTEGER, size INTEGER, verdict TEXT,"
  " accessed INTEGER, copied INTEGER, modified INTEGER, renamed INTEGER,"
  " deleted_in_window INTEGER, first_ns INTEGER, last_ns INTEGER,"
  " n_evidence INTEGER, reasons TEXT);"
  "CREATE INDEX temp.x_occ_target ON x_occ(target_id);"
  "CREATE TEMP TABLE x_row(occ_id INTEGER, t_ns INTEGER, kind TEXT,"
  " source TEXT, macb TEXT, object_id INTEGER, evidence TEXT, path TEXT,"
  " note TEXT, artifact INTEGER);"
  "CREATE INDEX temp.x_row_occ ON x_row(occ_id, t_ns);"
  "CREATE TEMP TABLE x_copy(occ_id INTEGER, object_id INTEGER,"
  " evidence TEXT, division TEXT, path TEXT, created_ns INTEGER,"
  " modified_ns INTEGER, how TEXT, signature INTEGER);"
  "CREATE TEMP TABLE x_anomaly(kind TEXT, occ_id INTEGER, object_id INTEGER,"
  " evidence TEXT, path TEXT, detail TEXT);"
  "CREATE TEMP TABLE x_burst(burst_id INTEGER PRIMARY KEY, evidence TEXT,"
  " division TEXT, start_ns INTEGER, end_ns INTEGER, n_targets INTEGER,"
  " n_events INTEGER);";
