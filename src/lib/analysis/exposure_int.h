/*
** Exposure analysis (exposure.c) and its renderers (report_*.c).
**
** The analysis fills TEMP tables on the case connection (nothing is written
** to the case itself); each renderer only reads them. The tables are the
** contract between the two halves:
**
**   x_param(key, value)      from_ns, to_ns, generated_ns, burst_count,
**                            burst_window_ns, case_path, tool_version
**   x_target(target_id, line, label, partner, classification, division,
**            n_occ, found, exposed, verdict, first_ns, last_ns,
**            n_evidence)     one row per target in the register
**   x_occ(occ_id, target_id, object_id, evidence_id, evidence, division,
**         path, deleted, size, verdict, accessed, copied, modified,
**         renamed, deleted_in_window, first_ns, last_ns, n_evidence,
**         reasons, match)   one row per target occurrence (a matching
**                            object in some evidence item, or a cloud file
**                            the M365 audit log names: object_id NULL,
**                            path the URL, cloud_int.h); match is how the
**                            target matched (added by the analysis)
**   x_row(occ_id, t_ns, kind, source, macb, object_id, evidence, path,
**         note, artifact)   the evidence rows behind an occurrence's verdict;
**                            artifact is the artifact_event.event_id of a
**                            row from an artifact parser (source = the
**                            parser), NULL for a file-system row
**   x_copy(occ_id, object_id, evidence, division, path, created_ns,
**          modified_ns, how, signature)   copies/staged objects
**   x_anomaly(kind, occ_id, object_id, evidence, path, detail)
**   x_burst(burst_id, evidence, division, start_ns, end_ns, n_targets,
**           n_events)
**
**   x_cover(target_id, reason, detail, scope, folder_evidence,
**           folder_path, folder_modified_ns)  why a target matches no
**                            file (coverage_int.h)
**   x_file_anomaly(...)      timestomping indicators on every file with a
**                            time in the window (anomalies_int.h)
**
** Divisions: x_occ.division is the occurrence's *location* division (the
** share map's for its path, else its item's); x_target.division is the
** register's, the *owner*. An occurrence's owner division is
** coalesce(x_target.division, x_occ.division) (TL_OWNER_ROLLUP in
** report_int.h rolls targets up by it).
**
** Verdicts (x_occ.verdict, x_target.verdict), most serious first: copied,
** deleted, modified, renamed, accessed, none. x_occ.deleted_in_window is
** 1 when the deletion falls in the window, 2 when the object is deleted
** and the time of deletion is unknown. x_row.kind is one of accessed,
** modified, changed, created, renamed, deleted, copied.
*/
#ifndef TL_EXPOSURE_INT_H
#define TL_EXPOSURE_INT_H

#include "store/case_int.h"

extern const char Tl_exposure_ddl[];

/* Fill the x_* tables for the window in o (exposure.c). */
tl_rc Tl_exposure_analyse(tl_case *c, const struct tl_exposure_opts *o);

#endif
