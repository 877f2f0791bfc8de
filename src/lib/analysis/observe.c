/*
** Observability per evidence item (issue 11): could access to a file on
** this item have been seen at all? A verdict "none" means "no evidence in
** the window", which a reader takes for "nobody read it". On a machine
** where NTFS does not update last-access times and object access is not
** audited, a read leaves no trace in the file system or the logs, and the
** report must say so instead of implying that nothing happened.
**
** Inputs, all already in the case:
**   ntfs.last_access        facts of the SYSTEM hive (plugin ABI 1.1)
**   audit.object_access     facts of Security logs (4656/4663 present)
**   audit.file_share        facts of Security logs (5140/5145 present)
**   evtx.security.range     first and last Security record, per log:
**                           all of them, in time order ("A B; C D"), so
**                           a gap between an archived log and the live
**                           one shows
**   usnjrnl events          the oldest record of the item's USN journal
**   lnk / jumplist files    per user profile
** Results go to TEMP table x_observe (observe_int.h). Nothing is written
** to the case: readers use it.
*/
#include "config.h"

#include "analysis/observe_int.h"
#include "store/store_int.h"

/* The first word of each statement of a fact about an item, distinct,
** joined by ',': "off", or "on,off" when statements disagree. */
#define FACT_WORDS(key) \
  "(SELECT group_concat(DISTINCT CASE WHEN instr(value, ' ') > 0 THEN " \
  "substr(value, 1, instr(value, ' ') - 1) ELSE value END) FROM " \
  "evidence_fact f WHERE f.evidence_id = e.evidence_id AND f.key = '" \
  key "')"
#define FACT_SOURCE(key) \
  "(SELECT f.value || ' (' || f.parser || ': ' || coalesce(" \
  "f.artifact_path, '?') || ')' FROM evidence_fact f WHERE f.evidence_id " \
  "= e.evidence_id AND f.key = '" key "' ORDER BY f.fact_id DESC LIMIT 1)"

static const char observe_sql[] =
  TL_X_OBSERVE_DDL
  "INSERT INTO x_observe(evidence_id, evidence, division, last_access, "
  "last_access_source, object_access, file_share, security_range) SELECT "
  "e.evidence_id, e.label, e.division, " FACT_WORDS("ntfs.last_access") ", "
  FACT_SOURCE("ntfs.last_access") ", " FACT_WORDS("audit.object_access")
  ", " FACT_WORDS("audit.file_share") ", (SELECT group_concat(v, '; ') "
  "FROM (SELECT DISTINCT f.value AS v FROM evidence_fact f WHERE "
  "f.evidence_id = e.evidence_id AND f.key = 'evtx.security.range' ORDER "
  "BY f.value)) FROM evidence e;"
  /* one present statement is enough: auditing was on for that log */
  "UPDATE x_observe SET object_access = CASE WHEN object_access LIKE "
  "'%present%' THEN 'present' ELSE object_access END, file_share = CASE "
  "WHEN file_share LIKE '%present%' THEN 'present' ELSE file_share END;"
  "UPDATE x_observe SET usn_oldest_ns = (SELECT min(t_ns) FROM "
  "artifact_event a WHERE a.evidence_id = x_observe.evidence_id AND "
  "a.parser = 'usnjrnl'), usn_records = (SELECT count(*) FROM "
  "artifact_event a WHERE a.evidence_id = x_observe.evidence_id AND "
  "a.parser = 'usnjrnl'), lnk_files = (SELECT count(*) FROM artifact_file "
  "a WHERE a.evidence_id = x_observe.evidence_id AND a.parser = 'lnk'), "
  "jumplist_files = (SELECT count(*) FROM artifact_file a WHERE "
  "a.evidence_id = x_observe.evidence_id AND a.parser = 'jumplist');"
  /* LNK and jump list files per profile: "alice 12/3, bob 0/1" */
  "UPDATE x_observe SET profiles = (SELECT group_concat(p || ' ' || nl || "
  "'/' || nj, ', ') FROM (SELECT p, sum(parser = 'lnk') AS nl, "
  "sum(parser = 'jumplist') AS nj FROM (SELECT a.parser, CASE WHEN "
  "lower(a.path) LIKE '/users/%/%' THEN substr(a.path, 8, instr(substr("
  "a.path, 8), '/') - 1) WHEN lower(a.path) LIKE "
  "'/documents and settings/%/%' THEN substr(a.path, 25, instr(substr("
  "a.path, 25), '/') - 1) ELSE '(no profile)' END AS p FROM artifact_file "
  "a WHERE a.evidence_id = x_observe.evidence_id AND a.parser IN ('lnk', "
  "'jumplist')) GROUP BY p ORDER BY p));"
  /* the sentence a "none" verdict on this item carries: only when the
  ** hive says last-access updating is off (an unknown setting is shown
  ** in the observability table, not pinned on every verdict) */
  "UPDATE x_observe SET note = 'not observable: last-access updating off"
  "' || CASE coalesce(object_access, '') WHEN 'present' THEN '' WHEN "
  "'absent' THEN ', no object-access auditing' ELSE ', no Security log "
  "read (object-access auditing unknown)' END WHERE last_access = 'off' "
  "AND coalesce(object_access, '') <> 'present';"
  "UPDATE x_observe SET note = 'access observable only through the "
  "Security log: last-access updating off' WHERE last_access = 'off' AND "
  "object_access = 'present';";

tl_rc
Tl_observe_compute(tl_case *c)
{
  return Tl_exec(c, observe_sql);
}

const char Tl_observe_select[] =
  "SELECT evidence, division, coalesce(last_access, 'unknown (no SYSTEM "
  "hive read)') AS last_access_updating, coalesce(object_access, "
  "'unknown (no Security log read)') AS object_access_auditing, "
  "coalesce(file_share, 'unknown (no Security log read)') AS "
  "file_share_auditing, security_range AS security_log_range, CASE WHEN "
  "usn_records > 0 THEN usn_oldest_ns END AS usn_oldest_ns, usn_records, "
  "lnk_files, jumplist_files, profiles AS lnk_jumplist_per_profile, note "
  "FROM x_observe ORDER BY evidence_id";
