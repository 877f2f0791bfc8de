/*
** Observability per evidence item (observe.c): whether access to a file
** on the item could have been seen (NTFS last-access updating, Security
** auditing, USN journal, LNK/jump list coverage per profile).
*/
#ifndef TL_ANALYSIS_OBSERVE_INT_H
#define TL_ANALYSIS_OBSERVE_INT_H

#include "store/case_int.h"

/* The TEMP table (part of Tl_exposure_ddl too, so that the report
** renderers' fixture has it). */
#define TL_X_OBSERVE_DDL \
  "DROP TABLE IF EXISTS temp.x_observe;" \
  "CREATE TEMP TABLE x_observe(evidence_id INTEGER PRIMARY KEY," \
  " evidence TEXT, division TEXT, last_access TEXT, last_access_source " \
  "TEXT, object_access TEXT, file_share TEXT, security_range TEXT," \
  " usn_oldest_ns INTEGER, usn_records INTEGER, lnk_files INTEGER," \
  " jumplist_files INTEGER, profiles TEXT, note TEXT);"

/* Fill TEMP table x_observe from the case (facts, artifact rows): one row
** per evidence item; note is the sentence a "none" verdict on it carries,
** NULL when access was observable or the setting is unknown. */
tl_rc Tl_observe_compute(tl_case *c);

/* The rows of x_observe for people and JSON (usn_oldest in ns). */
extern const char Tl_observe_select[];

#endif
