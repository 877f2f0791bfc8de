/*
** Exposure analysis: for every target occurrence, what the evidence inside
** the window [from, to) says happened to it, and why.
**
** Results go to TEMP tables (exposure_int.h); the renderers in report*.c
** read them. Nothing is written to the case: it may be opened read-only.
**
** Verdicts, most serious first:
**   copied    an object with the same name and size, or the same content,
**             was created inside the window elsewhere (any evidence item);
**   deleted   the occurrence is deleted: in the window when its deletion
**             time (ext dtime) or last MFT change ($SI c) falls in it,
**             else "time unknown";
**   modified  its modification time falls in the window;
**   renamed   a new $FILE_NAME (created/changed) in the window on a file
**             born before it: renamed or moved;
**   accessed  its access time falls in the window (weak on NTFS: updated
**             lazily and possibly disabled);
**   none      no evidence in the window.
** Artifact events (LNK and jump list opens, USN journal and Recycle Bin
** deletions, renames, modifications, creations) on an occurrence's object
** in the window weigh in as rows of the same kinds (collect_artifacts).
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/anomalies_int.h"
#include "analysis/cloud_int.h"
#include "analysis/coverage_int.h"
#include "analysis/observe_int.h"
#include "analysis/exposure_int.h"
#include "base/abi_int.h"
#include "analysis/match_int.h"
#include "render/report_int.h"
#include "store/store_int.h"
#include "base/timeconv_int.h"
#include "store/pgread_int.h"

/* The division of object o in evidence e: longest mapped path prefix,
** case-blind on case-blind file systems (Tl_divmap_lookup, match.c). */
#define DIVISION_OF(o, e) \
  "tl_division(" e ".label, " o ".path, (SELECT fs_type FROM filesystem " \
  "WHERE fs_id = " o ".fs_id), " e ".division)"

/* Every letter of every event of the occurrences inside the window
** becomes one x_row of that kind. */
static tl_rc
collect_rows(tl_case *c, int64_t from, int64_t to)
{
  static const char *const kinds[4] = {"modified", "accessed", "changed",
                                       "created"};
  char sql[1200];
  int i;
  tl_rc rc = TL_OK;
  for(i = 0; i < 4 && !rc; i++) {
    snprintf(sql, sizeof(sql),
             "INSERT INTO x_row(occ_id, t_ns, kind, source, macb, "
             "object_id, evidence, path, note) SELECT x.occ_id, ev.t_ns, "
             "'%s', ev.source, ev.macb, ev.object_id, x.evidence, x.path, "
             "CASE WHEN ev.source = '$SI' AND '%s' = 'accessed' THEN 'NTFS "
             "updates the access time lazily and may have it disabled: "
             "supports, does not prove, a read' WHEN ev.source = '$FN' THEN "
             "'a $FILE_NAME time: written when the name was created, "
             "renamed or moved' END FROM x_occ x CROSS JOIN event ev ON "
             "ev.object_id = x.object_id WHERE ev.t_ns >= ?1 AND ev.t_ns < "
             "?2 AND substr(ev.macb, %d, 1) <> '.'",
             kinds[i], kinds[i], i + 1);
    rc = Tl_exec_bound(c, sql, "ii", from, to);
  }
  return rc;
}

/* Artifact events (issue 10): the events of artifact parsers in the window
** that resolved to an occurrence's object, as verdict evidence. opened
** weighs as accessed (a link or jump list entry: someone opened it), and
** so do executed (the program file was read to run it: prefetch) and loaded
** (read by a program as it ran: a prefetch file list) and accessed (a
** Security log's 4663 or 5145 read: evtx); deleted, renamed, modified and created as their file-system kinds.
** observed, changed and the other kinds are not verdict evidence. The note
** names the parser, the actor and the artifact the row comes from.
** Events that name no object of the case (a file deleted since, its MFT
** entry reused) join the occurrence of their path instead: one made from
** them (find_artifact_occ) or a deleted object's at that path. */
#define ART_ROW_COLS \
  "x.occ_id, a.t_ns, CASE WHEN a.kind IN ('opened', 'executed', " \
  "'loaded') THEN 'accessed' ELSE a.kind END, a.parser, '....', a.object_id, x.evidence, x.path, " \
  "a.parser || ': ' || a.kind || CASE WHEN a.actor IS NOT NULL AND " \
  "a.actor <> '' THEN ' by ' || a.actor ELSE '' END || CASE WHEN a.kind " \
  "= 'renamed' AND (SELECT value FROM artifact_attr r WHERE r.event_id = " \
  "a.event_id AND r.key = 'old_name') IS NOT NULL THEN ' from ' || " \
  "(SELECT value FROM artifact_attr r WHERE r.event_id = a.event_id AND " \
  "r.key = 'old_name') || ' to ' || coalesce(a.name, a.path, '?') WHEN " \
  "a.kind = 'renamed' AND (SELECT value FROM artifact_attr r WHERE " \
  "r.event_id = a.event_id AND r.key = 'role') = 'old' AND a.name IS NOT " \
  "NULL THEN ' from ' || a.name WHEN " \
  "a.kind = 'deleted' AND a.path IS NOT NULL THEN ', original path ' || " \
  "a.path ELSE '' END || ' (' || a.artifact_path || ')' || CASE WHEN " \
  "a.what IS NOT NULL AND a.what <> '' THEN ' [' || a.what || ']' ELSE " \
  "'' END, a.event_id"
#define ART_ROW_KINDS \
  "a.t_ns >= ?1 AND a.t_ns < ?2 AND a.kind IN ('opened', 'executed', " \
  "'loaded', 'accessed', 'deleted', 'renamed', 'modified', 'created')"

static int
have_artifacts(tl_case *c)
{
  sqlite3_stmt *s;
  int have;
  /* a case opened read-only may be older than version 3: no artifacts */
  if(sqlite3_prepare_v2(c->db, "SELECT 1 FROM main.sqlite_master WHERE "
                        "type = 'table' AND name = 'artifact_event'", -1, &s,
                        NULL) != SQLITE_OK)
    return -1;
  have = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return have;
}

/* Occurrences the artifacts name (issue 10): a target path that an
** artifact event gave its file (a USN record's folder and name: the name
** before a rename, the path of a file deleted since) is an occurrence of
** the object the event resolved to, or, unresolved, of the path alone
** (object_id NULL) on the event's evidence item, unless a deleted
** occurrence at that path takes its events (collect_artifacts); a file
** at that path now is another incarnation and does not. Exact (not glob)
** target paths (target.pattern, normalised), compared as NOCASE does
** (ASCII case): a path as an artifact wrote it (C:\...) does not match.
** x_apath is the events that have a path, indexed by it (the case may be
** read-only: no new index in it). */
static tl_rc
find_artifact_occ(tl_case *c)
{
  tl_rc rc;
  int have = have_artifacts(c);
  if(have < 0)
    return Tl_set_sqlite_error(c, "prepare");
  if((rc = Tl_exec(c, "DROP TABLE IF EXISTS temp.x_apath;"
                   "DROP TABLE IF EXISTS temp.x_tpath;"
                   "CREATE TEMP TABLE x_apath(event_id INTEGER, "
                   "evidence_id INTEGER, object_id INTEGER, lp TEXT);"
                   "CREATE TEMP TABLE x_tpath(target_id INTEGER, lp TEXT, "
                   "evidence TEXT, scope TEXT);")))
    return rc;
  if(!have)
    return TL_OK;
  if((rc = Tl_exec(c, "INSERT INTO x_apath SELECT event_id, evidence_id, "
                   "object_id, lower(path) FROM artifact_event WHERE path "
                   "IS NOT NULL;"
                   "CREATE INDEX temp.x_apath_lp ON x_apath(lp);"
                   "INSERT INTO x_tpath SELECT target_id, lower(pattern), "
                   "evidence, scope FROM target WHERE pattern IS NOT NULL "
                   "AND NOT is_glob;")))
    return rc;
  /* the objects: a file renamed since, by a name it had */
  rc = Tl_exec_bound(c,
    "INSERT INTO x_occ(target_id, object_id, evidence_id, evidence, "
    "division, path, deleted, size) SELECT DISTINCT t.target_id, "
    "o.object_id, o.evidence_id, e.label, " DIVISION_OF("o", "e") ", "
    "o.path, o.deleted, o.size FROM x_tpath t CROSS JOIN x_apath v ON v.lp "
    "= t.lp CROSS JOIN object o ON o.object_id = v.object_id JOIN evidence "
    "e ON e.evidence_id = o.evidence_id WHERE (t.evidence IS NULL OR "
    "t.evidence = e.label) AND (t.scope IS NULL OR t.scope = e.label OR "
    "t.scope = " DIVISION_OF("o", "e") ") AND NOT EXISTS (SELECT 1 FROM "
    "x_occ x WHERE x.target_id = t.target_id AND x.object_id = "
    "o.object_id) ORDER BY t.target_id, e.label, o.path", "");
  /* the paths alone: no object of the case is that file any more */
  if(!rc)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_occ(target_id, object_id, evidence_id, evidence, "
      "division, path, deleted, size) SELECT target_id, NULL, evidence_id, "
      "label, tl_division(label, path, fs_type, division), path, deleted, "
      "NULL FROM (SELECT *, (SELECT f.fs_type FROM object ao JOIN "
      "filesystem f ON f.fs_id = ao.fs_id WHERE ao.object_id = aoid) AS "
      "fs_type FROM (SELECT t.target_id, t.scope, e.evidence_id, e.label, "
      "e.division, min(a.path) AS path, max(a.kind = 'deleted') AS deleted, "
      "min(a.artifact_object_id) AS aoid FROM x_tpath t CROSS JOIN x_apath "
      "v ON v.lp = t.lp AND v.object_id IS NULL CROSS JOIN artifact_event a "
      "ON a.event_id = v.event_id JOIN evidence e ON e.evidence_id = "
      "v.evidence_id WHERE (t.evidence IS NULL OR t.evidence = e.label) AND "
      "NOT EXISTS (SELECT 1 FROM x_occ x WHERE x.target_id = t.target_id "
      "AND x.evidence_id = e.evidence_id AND lower(x.path) = t.lp AND "
      "(x.object_id IS NULL OR x.deleted)) GROUP BY "
      "t.target_id, e.evidence_id ORDER BY t.target_id, e.label)) WHERE "
      "scope IS NULL OR scope = label OR scope = tl_division(label, path, "
      "fs_type, division)", "");
  return rc;
}

static tl_rc
collect_artifacts(tl_case *c, int64_t from, int64_t to)
{
  tl_rc rc;
  int have = have_artifacts(c);
  if(have < 0)
    return Tl_set_sqlite_error(c, "prepare");
  if(!have)
    return TL_OK;
  rc = Tl_exec_bound(c,
    "INSERT INTO x_row(occ_id, t_ns, kind, source, macb, object_id, "
    "evidence, path, note, artifact) SELECT " ART_ROW_COLS " FROM x_occ x "
    "CROSS JOIN artifact_event a ON a.object_id = x.object_id WHERE "
    ART_ROW_KINDS, "ii", from, to);
  if(!rc)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_row(occ_id, t_ns, kind, source, macb, object_id, "
      "evidence, path, note, artifact) SELECT " ART_ROW_COLS " FROM x_occ "
      "x CROSS JOIN x_apath v ON v.lp = lower(x.path) AND v.object_id IS "
      "NULL AND v.evidence_id = x.evidence_id CROSS JOIN artifact_event a "
      "ON a.event_id = v.event_id WHERE (x.object_id IS NULL OR x.deleted) "
      "AND " ART_ROW_KINDS, "ii", from, to);
  return rc;
}

/* Copies: same name and size (or same content) created in the window
** anywhere else. The copy's own creation row is added to x_row. */
static tl_rc
find_copies(tl_case *c, int64_t from, int64_t to)
{
  tl_rc rc;
  /* name + size */
  rc = Tl_exec_bound(c,
    "INSERT INTO x_copy(occ_id, object_id, evidence, division, path, "
    "created_ns, modified_ns, how, signature) "
    "SELECT x.occ_id, y.object_id, e.label, " DIVISION_OF("y", "e") ", "
    "y.path, cr.t, (SELECT max(m.t_ns) FROM event m WHERE m.object_id = "
    "y.object_id AND m.source <> '$FN' AND substr(m.macb, 1, 1) = 'm'), "
    "'name+size', 0 FROM x_occ x CROSS JOIN object o ON o.object_id = "
    "x.object_id CROSS JOIN object y ON y.name = o.name COLLATE NOCASE AND "
    "y.size = o.size "
    "AND y.object_id <> o.object_id AND y.stream IS NULL "
    "AND NOT (y.fs_id = o.fs_id AND y.inode = o.inode) "
    "JOIN evidence e ON e.evidence_id = y.evidence_id "
    "JOIN (SELECT object_id, min(t_ns) AS t FROM event WHERE t_ns >= ?1 AND "
    "t_ns < ?2 AND substr(macb, 4, 1) = 'b' GROUP BY object_id) cr ON "
    "cr.object_id = y.object_id "
    "WHERE o.size > 0", "ii", from, to);
  /* name + size, created in the window by an artifact's word (a USN
  ** journal's file create): the file system's birth time may say
  ** otherwise (set by the copying program, or outside the window) */
  if(!rc && have_artifacts(c) == 1)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_copy(occ_id, object_id, evidence, division, path, "
      "created_ns, modified_ns, how, signature, source, note) "
      "SELECT x.occ_id, y.object_id, e.label, " DIVISION_OF("y", "e") ", "
      "y.path, cr.t, (SELECT max(m.t_ns) FROM event m WHERE m.object_id = "
      "y.object_id AND m.source <> '$FN' AND substr(m.macb, 1, 1) = 'm'), "
      "'name+size', 0, cr.parser, cr.note FROM x_occ x CROSS JOIN object o "
      "ON o.object_id = x.object_id CROSS JOIN object y ON y.name = o.name "
      "COLLATE NOCASE AND y.size = o.size AND y.object_id <> o.object_id "
      "AND y.stream IS NULL AND NOT (y.fs_id = o.fs_id AND y.inode = "
      "o.inode) JOIN evidence e ON e.evidence_id = y.evidence_id JOIN "
      "(SELECT object_id, min(t_ns) AS t, parser, parser || ': created (' "
      "|| artifact_path || ')' || CASE WHEN what IS NOT NULL AND what <> '' "
      "THEN ' [' || what || ']' ELSE '' END AS note FROM artifact_event "
      "WHERE t_ns >= ?1 AND t_ns < ?2 AND kind = 'created' AND object_id "
      "IS NOT NULL GROUP BY object_id) cr ON cr.object_id = y.object_id "
      "WHERE o.size > 0 AND NOT EXISTS (SELECT 1 FROM x_copy c WHERE "
      "c.occ_id = x.occ_id AND c.object_id = y.object_id)", "ii", from, to);
  if(rc)
    return rc;
  /* same content: the objects that can be copies were hashed when the
  ** register was matched (Tl_match_run); the report only reads */
  /* the known hashes of the occurrences, then one equality join per kind
  ** of hash (an OR in the join would scan object_hash per occurrence) */
  rc = Tl_exec(c, "DROP TABLE IF EXISTS temp.x_hkey");
  if(!rc)
    rc = Tl_exec_bound(c, "CREATE TEMP TABLE x_hkey AS SELECT "
    "x.occ_id, o.object_id, o.fs_id, o.inode, coalesce(t.sha256, "
    "oh.sha256) AS sha256, t.md5 AS md5, t.sha1 AS sha1 FROM x_occ x CROSS "
    "JOIN object o ON o.object_id = x.object_id JOIN target t ON "
    "t.target_id = x.target_id LEFT JOIN object_hash oh ON oh.object_id = "
    "o.object_id WHERE coalesce(t.sha256, oh.sha256) IS NOT NULL OR t.md5 "
    "IS NOT NULL OR t.sha1 IS NOT NULL", "");
  {
    static const char *const kinds[3] = {"sha256", "md5", "sha1"};
    char sql[2400];
    int i;
    for(i = 0; i < 3 && !rc; i++) {
      snprintf(sql, sizeof(sql),
        "INSERT INTO x_copy(occ_id, object_id, evidence, division, path, "
        "created_ns, modified_ns, how, signature) "
        "SELECT k.occ_id, y.object_id, e.label, %s, y.path, (SELECT "
        "min(t_ns) FROM event b WHERE b.object_id = y.object_id AND b.t_ns "
        ">= ?1 AND b.t_ns < ?2 AND substr(b.macb, 4, 1) = 'b'), (SELECT "
        "max(m.t_ns) FROM event m WHERE m.object_id = y.object_id AND "
        "m.source <> '$FN' AND substr(m.macb, 1, 1) = 'm'), '%s', 0 FROM "
        "x_hkey k CROSS JOIN object_hash yh ON yh.%s = k.%s CROSS JOIN "
        "object y ON y.object_id = yh.object_id AND y.object_id <> "
        "k.object_id AND NOT (y.fs_id = k.fs_id AND y.inode = k.inode) "
        "JOIN evidence e ON e.evidence_id = y.evidence_id WHERE k.%s IS NOT "
        "NULL AND NOT EXISTS (SELECT 1 FROM x_copy c WHERE c.occ_id = "
        "k.occ_id AND c.object_id = y.object_id) AND EXISTS (SELECT 1 FROM "
        "event b WHERE b.object_id = y.object_id AND b.t_ns >= ?1 AND "
        "b.t_ns < ?2 AND substr(b.macb, 4, 1) = 'b')",
        DIVISION_OF("y", "e"), kinds[i], kinds[i], kinds[i], kinds[i]);
      rc = Tl_exec_bound(c, sql, "ii", from, to);
    }
  }
  if(rc)
    return rc;
  rc = Tl_exec_bound(c, "UPDATE x_copy SET signature = (modified_ns IS "
             "NOT NULL AND "
             "created_ns > modified_ns)", "");
  if(!rc)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_row(occ_id, t_ns, kind, source, macb, object_id, "
      "evidence, path, note) SELECT occ_id, created_ns, 'copied', "
      "coalesce(source, '$SI'), CASE WHEN source IS NULL THEN '...b' ELSE "
      "'....' END, object_id, evidence, path, 'a copy (' || how || ') "
      "created here' || CASE WHEN signature THEN '; created after last "
      "modified: the copy signature' ELSE '' END || coalesce(' (' || note "
      "|| ')', '') FROM x_copy", "");
  return rc;
}

/* Deletions: a time when the file system gives one (ext dtime), else the
** last MFT entry change of a deleted NTFS entry when it is in the window. */
static tl_rc
find_deletions(tl_case *c, int64_t from, int64_t to)
{
  tl_rc rc = Tl_exec_bound(c,
    "INSERT INTO x_row(occ_id, t_ns, kind, source, macb, object_id, "
    "evidence, path, note) SELECT x.occ_id, o.dtime_ns, 'deleted', "
    "'inode', '....', o.object_id, x.evidence, x.path, 'inode deletion "
    "time' FROM x_occ x JOIN object o ON o.object_id = x.object_id WHERE "
    "o.deleted AND o.dtime_ns >= ?1 AND o.dtime_ns < ?2", "ii", from, to);
  if(!rc)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_row(occ_id, t_ns, kind, source, macb, object_id, "
      "evidence, path, note) SELECT x.occ_id, max(ev.t_ns), 'deleted', "
      "'$SI', '..c.', ev.object_id, x.evidence, x.path, 'last MFT entry "
      "change of a deleted entry: consistent with the deletion' FROM x_occ "
      "x CROSS JOIN object o ON o.object_id = x.object_id CROSS JOIN event "
      "ev ON "
      "ev.object_id = o.object_id AND ev.source = '$SI' AND substr(ev.macb, "
      "3, 1) = 'c' WHERE o.deleted AND o.dtime_ns IS NULL GROUP BY "
      "x.occ_id HAVING max(ev.t_ns) >= ?1 AND max(ev.t_ns) < ?2", "ii",
      from, to);
  /* NTFS keeps no deletion time; removing a name modifies its folder, so
  ** the folder's last modification in the window is the best bound */
  /* (driven from the few deleted occurrences: CROSS JOIN fixes the order,
  ** which the planner got wrong on a 7M-event case) */
  if(!rc)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_row(occ_id, t_ns, kind, source, macb, object_id, "
      "evidence, path, note) SELECT occ_id, t, 'deleted', '$SI', 'm...', "
      "pid, evidence, ppath, 'its folder was last modified then: removing "
      "a name modifies the folder, so this is consistent with (not proof "
      "of) the deletion' FROM (SELECT x.occ_id, x.evidence, p.object_id AS "
      "pid, p.path AS ppath, (SELECT max(ev.t_ns) FROM event ev WHERE "
      "ev.object_id = p.object_id AND ev.source <> '$FN' AND "
      "substr(ev.macb, 1, 1) = 'm' AND ev.t_ns >= ?1 AND ev.t_ns < ?2) AS t "
      "FROM x_occ x CROSS JOIN object o ON o.object_id = x.object_id CROSS "
      "JOIN object p ON p.fs_id = o.fs_id AND p.inode = o.parent_inode AND "
      "p.stream IS NULL AND coalesce(p.meta_type, p.name_type) = 'd' AND "
      "p.deleted = 0 WHERE o.deleted AND o.dtime_ns IS NULL AND NOT EXISTS "
      "(SELECT 1 FROM x_row r WHERE r.occ_id = x.occ_id AND r.kind = "
      "'deleted')) WHERE t IS NOT NULL GROUP BY occ_id", "ii", from, to);
  return rc;
}

static void
append(char **s, size_t *len, size_t *cap, const char *text)
{
  size_t tl = strlen(text);
  if(*len + tl + 3 > *cap) {
    size_t nc = (*len + tl + 3) * 2;
    char *ns = realloc(*s, nc);
    if(!ns)
      return;
    *s = ns;
    *cap = nc;
  }
  if(*len) {
    memcpy(*s + *len, "; ", 2);
    *len += 2;
  }
  memcpy(*s + *len, text, tl + 1);
  *len += tl;
}

/* Flags, verdict, first/last touch and the reasons in words. */
struct finding {
  int acc, mod, ren, del, cop, self_copy, created;
  char *why;
  size_t len, cap;
};

static void
judge_row(struct finding *f, const char *kind, const char *src, int64_t t1,
          int64_t t2, int n, int art, const char *note, int64_t last_mod,
          int64_t si_born, int64_t from)
{
  char line[1200], a[48], b[48];
  int fn = src && !strcmp(src, "$FN");
  Tl_format_ns(t1, a, sizeof(a));
  Tl_format_ns(t2, b, sizeof(b));
  line[0] = '\0';
  if(art) {
    /* an artifact parser's rows (collect_artifacts): the parser says what
    ** happened; no file-system heuristics apply */
    /* the note starts "parser: kind": say which read it was */
    const char *k = note ? strstr(note, ": ") : NULL;
    const char *what = !strcmp(kind, "accessed") ?
                       (k && !strncmp(k, ": executed", 10) ?
                        "accessed: executed" :
                        k && !strncmp(k, ": loaded", 8) ?
                        "accessed: loaded by a program as it ran" :
                        "accessed: opened") :
                       !strcmp(kind, "created") ? "created in the window" :
                       !strcmp(kind, "deleted") ? "deleted in the window" :
                       kind;
    if(!strcmp(kind, "accessed"))
      f->acc = 1;
    else if(!strcmp(kind, "modified"))
      f->mod = 1;
    else if(!strcmp(kind, "created"))
      f->created = 1;
    else if(!strcmp(kind, "renamed"))
      f->ren = 1;
    else if(!strcmp(kind, "deleted"))
      f->del = 1;
    else
      return;
    /* the earliest row's note says who, how and from which artifact;
    ** renames list each name change the records pair (old to new) */
    if(n > 1 && note && !strncmp(note, "from ", 5))
      snprintf(line, sizeof(line), "%s: %s .. %s (%d %s records: %s)",
               what, a, b, n, src ? src : "artifact", note);
    else if(n > 1)
      snprintf(line, sizeof(line), "%s: %s .. %s (%d %s records; first: "
               "%s)", what, a, b, n, src ? src : "artifact",
               note ? note : "");
    else
      snprintf(line, sizeof(line), "%s: %s (%s)", what, a,
               note ? note : src ? src : "artifact");
  }
  else if(!strcmp(kind, "accessed") && !fn) {
    f->acc = 1;
    snprintf(line, sizeof(line), "accessed: access time %s%s%s in the "
             "window (%s%s)", a, n > 1 ? " .. " : "", n > 1 ? b : "", src,
             !strcmp(src, "$SI") ? "; NTFS updates it lazily and may have "
             "it disabled, so it supports but does not prove a read" : "");
  }
  else if(!strcmp(kind, "modified") && !fn) {
    f->mod = 1;
    snprintf(line, sizeof(line), "modified: %s%s%s", a, n > 1 ? " .. " : "",
             n > 1 ? b : "");
  }
  else if(!strcmp(kind, "created") && !fn) {
    if(last_mod != INT64_MIN && t1 > last_mod) {
      f->self_copy = 1;
      snprintf(line, sizeof(line), "copied here: created %s, after its "
               "last modification (the copy signature)", a);
    }
    else {
      f->created = 1;
      snprintf(line, sizeof(line), "created in the window: %s", a);
    }
  }
  else if(!strcmp(kind, "created") && fn) {
    if(si_born != INT64_MIN && si_born < from) {
      /* $SI says born before the window, $FILE_NAME says in it: $SI
      ** times were set back after a copy (a timestomped copy) */
      f->self_copy = 1;
      snprintf(line, sizeof(line), "copied here: its $FILE_NAME was "
               "created %s while $SI claims an earlier birth (timestomped)",
               a);
    }
  }
  else if(!strcmp(kind, "changed") && fn && !f->self_copy) {
    f->ren = 1;
    snprintf(line, sizeof(line), "renamed or moved: a $FILE_NAME written "
             "%s", a);
  }
  else if(!strcmp(kind, "copied")) {
    f->cop = 1;
    snprintf(line, sizeof(line), "copied: %d cop%s created in the window, "
             "first %s", n, n == 1 ? "y" : "ies", a);
  }
  else if(!strcmp(kind, "deleted")) {
    f->del = 1;
    snprintf(line, sizeof(line), "deleted in the window: %s (%s)", a,
             src && !strcmp(src, "inode") ? "inode deletion time" :
             "last change of the entry or its folder; NTFS keeps no "
             "deletion time");
  }
  if(line[0])
    append(&f->why, &f->len, &f->cap, line);
}

/* A deleted occurrence with no deletion in the window: the latest time
** an artifact recorded its deletion (of its object, or at its path on its
** item for an occurrence without a live object), as the reason's words;
** "unknown" only when no artifact says. */
static void
deleted_outside(sqlite3_stmt *d, int64_t occ, int64_t from,
                struct finding *f)
{
  char line[1400], t[48];
  if(d) {
    sqlite3_bind_int64(d, 1, occ);
    if(sqlite3_step(d) == SQLITE_ROW &&
       sqlite3_column_type(d, 0) != SQLITE_NULL) {
      int64_t tn = sqlite3_column_int64(d, 0);
      const char *note = (const char *)sqlite3_column_text(d, 1);
      Tl_format_ns(tn, t, sizeof(t));
      snprintf(line, sizeof(line), "deleted: not in the window; deleted "
               "%s, %s the window (%s)", t, tn < from ? "before" : "after",
               note ? note : "artifact");
      append(&f->why, &f->len, &f->cap, line);
      sqlite3_reset(d);
      return;
    }
    sqlite3_reset(d);
  }
  append(&f->why, &f->len, &f->cap, "deleted: no deletion time is "
         "recorded in the window; when it was deleted is unknown");
}

static tl_rc
judge(tl_case *c, int64_t from)
{
  sqlite3_stmt *q, *r, *u, *d = NULL;
  tl_rc rc = TL_OK;
  if(have_artifacts(c) == 1 &&
     /* (two indexed lookups: by object, and by path through x_apath) */
     sqlite3_prepare_v2(c->db, "SELECT t, note FROM (SELECT a.t_ns AS t, "
                        "a.event_id AS id, a.parser || ': ' || a.kind || "
                        "' (' || a.artifact_path || ')' AS note FROM x_occ "
                        "x CROSS JOIN artifact_event a ON a.object_id = "
                        "x.object_id WHERE x.occ_id = ?1 AND a.kind = "
                        "'deleted' UNION ALL SELECT a.t_ns, a.event_id, "
                        "a.parser || ': ' || a.kind || ' (' || "
                        "a.artifact_path || ')' FROM x_occ x CROSS JOIN "
                        "x_apath v ON v.lp = lower(x.path) AND "
                        "v.evidence_id = x.evidence_id AND v.object_id IS "
                        "NULL CROSS JOIN artifact_event a ON a.event_id = "
                        "v.event_id WHERE x.occ_id = ?1 AND (x.object_id "
                        "IS NULL OR x.deleted) AND a.kind = 'deleted') "
                        "ORDER BY t DESC, id DESC LIMIT 1", -1, &d, NULL) !=
     SQLITE_OK)
    return Tl_set_sqlite_error(c, "prepare");
  if(sqlite3_prepare_v2(c->db, "SELECT occ_id, deleted, coalesce((SELECT "
                        "max(t_ns) FROM event m WHERE m.object_id = "
                        "x.object_id AND m.source <> '$FN' AND "
                        "substr(m.macb, 1, 1) = 'm'), -9223372036854775807 "
                        "- 1), coalesce((SELECT min(t_ns) FROM event b "
                        "WHERE b.object_id = x.object_id AND b.source <> "
                        "'$FN' AND substr(b.macb, 4, 1) = 'b'), "
                        "-9223372036854775807 - 1) FROM x_occ x", -1, &q,
                        NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "SELECT kind, source, min(t_ns), max(t_ns), "
                        "count(*), artifact IS NOT NULL, CASE WHEN "
                        "artifact IS NOT NULL THEN coalesce(CASE WHEN kind "
                        "= 'renamed' AND count(*) > 1 THEN (SELECT "
                        "group_concat(pr, ', then ') || ' (' || min(ap) || "
                        "')' FROM (SELECT 'from ' || ov.value || ' to ' || "
                        "ae.name AS pr, min(y.t_ns) AS t, "
                        "min(ae.artifact_path) AS ap FROM x_row y JOIN "
                        "artifact_event ae ON ae.event_id = y.artifact JOIN "
                        "artifact_attr ov ON ov.event_id = ae.event_id AND "
                        "ov.key = 'old_name' WHERE y.occ_id = ?1 AND y.kind "
                        "= 'renamed' AND y.source IS x_row.source AND "
                        "y.artifact IS NOT NULL GROUP BY pr ORDER BY t)) "
                        "END, (SELECT y.note FROM "
                        "x_row y WHERE y.occ_id = ?1 AND y.kind = "
                        "x_row.kind AND y.source IS x_row.source AND "
                        "y.artifact IS NOT NULL ORDER BY y.t_ns, y.rowid "
                        "LIMIT 1)) END FROM x_row WHERE occ_id=?1 GROUP BY "
                        "kind, source, artifact IS NOT NULL ORDER BY "
                        "source = '$FN', kind = 'changed', kind", -1, &r,
                        NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "UPDATE x_occ SET accessed=?, copied=?, "
                        "modified=?, renamed=?, deleted_in_window=?, "
                        "verdict=?, first_ns=(SELECT min(t_ns) FROM x_row "
                        "WHERE occ_id=?8), last_ns=(SELECT max(t_ns) FROM "
                        "x_row WHERE occ_id=?8), n_evidence=(SELECT count(*)"
                        " FROM x_row WHERE occ_id=?8), reasons=?7 WHERE "
                        "occ_id=?8", -1, &u, NULL) != SQLITE_OK) {
    sqlite3_finalize(d);
    return Tl_set_sqlite_error(c, "prepare");
  }
  while(sqlite3_step(q) == SQLITE_ROW && !rc) {
    int64_t occ = sqlite3_column_int64(q, 0);
    int is_deleted = sqlite3_column_int(q, 1);
    int64_t last_mod = sqlite3_column_int64(q, 2);
    int64_t si_born = sqlite3_column_int64(q, 3);
    struct finding f;
    const char *verdict;
    memset(&f, 0, sizeof(f));
    sqlite3_bind_int64(r, 1, occ);
    while(sqlite3_step(r) == SQLITE_ROW)
      judge_row(&f, (const char *)sqlite3_column_text(r, 0),
                (const char *)sqlite3_column_text(r, 1),
                sqlite3_column_int64(r, 2), sqlite3_column_int64(r, 3),
                sqlite3_column_int(r, 4), sqlite3_column_int(r, 5),
                (const char *)sqlite3_column_text(r, 6), last_mod, si_born,
                from);
    sqlite3_reset(r);
    if(is_deleted && !f.del) {
      f.del = 2;
      deleted_outside(d, occ, from, &f);
    }
    f.cop |= f.self_copy;
    if(f.created && !f.self_copy)
      f.mod = 1;  /* a new file written in the window */
    verdict = f.cop ? "copied" : f.del ? "deleted" : f.mod ? "modified" :
              f.ren ? "renamed" : f.acc ? "accessed" : "none";
    if(!f.len)
      append(&f.why, &f.len, &f.cap, "no evidence in the window");
    sqlite3_bind_int(u, 1, f.acc);
    sqlite3_bind_int(u, 2, f.cop);
    sqlite3_bind_int(u, 3, f.mod);
    sqlite3_bind_int(u, 4, f.ren);
    sqlite3_bind_int(u, 5, f.del);
    sqlite3_bind_text(u, 6, verdict, -1, SQLITE_STATIC);
    sqlite3_bind_int64(u, 8, occ);
    sqlite3_bind_text(u, 7, f.why ? f.why : "", -1, SQLITE_TRANSIENT);
    if(sqlite3_step(u) != SQLITE_DONE)
      rc = Tl_set_sqlite_error(c, "update");
    sqlite3_reset(u);
    free(f.why);
  }
  sqlite3_finalize(q);
  sqlite3_finalize(r);
  sqlite3_finalize(u);
  sqlite3_finalize(d);
  return rc;
}

/* Timestomping indicators on occurrences and their copies. */
static tl_rc
find_anomalies(tl_case *c)
{
  tl_rc rc = Tl_exec_bound(c,
    "INSERT INTO x_anomaly(kind, occ_id, object_id, evidence, path, detail) "
    "SELECT 'si-created-before-fn-created', a.occ_id, a.object_id, "
    "a.evidence, a.path, '$SI created ' || strftime('%Y-%m-%dT%H:%M:%fZ', "
    "a.si_b / 1e9, 'unixepoch') || ' is earlier than $FILE_NAME created ' "
    "|| strftime('%Y-%m-%dT%H:%M:%fZ', a.fn_b / 1e9, 'unixepoch') || "
    "': $SI times were probably set back (timestomping)' FROM (SELECT "
    "x.occ_id, x.object_id, x.evidence, x.path, (SELECT min(t_ns) FROM "
    "event s WHERE s.object_id = x.object_id AND s.source = '$SI' AND "
    "substr(s.macb, 4, 1) = 'b') AS si_b, (SELECT min(t_ns) FROM event f "
    "WHERE f.object_id = x.object_id AND f.source = '$FN' AND "
    "substr(f.macb, 4, 1) = 'b') AS fn_b FROM (SELECT occ_id, object_id, "
    "evidence, path FROM x_occ UNION ALL SELECT occ_id, object_id, "
    "evidence, path FROM x_copy) x) a WHERE a.si_b < a.fn_b", "");
  if(!rc)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_anomaly(kind, occ_id, object_id, evidence, path, "
      "detail) SELECT 'si-zero-subseconds', x.occ_id, x.object_id, "
      "x.evidence, x.path, 'all $SI times have zero sub-seconds (' || "
      "count(*) || ' instants): typical of tools that set times' FROM "
      "(SELECT occ_id, object_id, evidence, path FROM x_occ UNION ALL "
      "SELECT occ_id, object_id, evidence, path FROM x_copy) x JOIN event "
      "s ON s.object_id = x.object_id AND s.source = '$SI' GROUP BY "
      "x.occ_id, x.object_id HAVING sum(s.t_ns % 1000000000 <> 0) = 0", "");
  if(!rc)
    rc = Tl_exec_bound(c,
      "INSERT INTO x_anomaly(kind, occ_id, object_id, evidence, path, "
      "detail) SELECT 'copy-signature', occ_id, object_id, evidence, path, "
      "'created ' || strftime('%Y-%m-%dT%H:%M:%fZ', created_ns / 1e9, "
      "'unixepoch') || ' after last modified ' || strftime("
      "'%Y-%m-%dT%H:%M:%fZ', modified_ns / 1e9, 'unixepoch') || ': a copy' "
      "FROM x_copy WHERE signature", "");
  /* one line per finding and file: a file can be an occurrence of several
  ** rows and a copy of other occurrences at once; keep the first */
  if(!rc)
    rc = Tl_exec_bound(c, "DELETE FROM x_anomaly WHERE rowid NOT IN (SELECT "
               "min(rowid) FROM x_anomaly GROUP BY kind, object_id)", "");
  return rc;
}

/* Bursts: at least burst_count distinct target files touched within
** burst_window, per evidence item and division. A sliding window over the
** touches in time order, with per-target counts; a burst runs as long as
** the window keeps enough distinct targets. */
struct hit {
  int64_t t;
  int64_t target;
};

typedef struct burst_scan {
  int *cnt;          /* touches per target id inside the window */
  int *seen;         /* stamp per target id, for counting a whole burst */
  int64_t max_id;
  int stamp;
} burst_scan;

static tl_rc
sweep(tl_case *c, burst_scan *b, sqlite3_stmt *ins, const char *ev,
      const char *div, const struct hit *h, size_t n, int need,
      int64_t window)
{
  size_t lo = 0, hi, i;
  int distinct = 0;
  for(hi = 0; hi < n; hi++) {
    if(b->cnt[h[hi].target]++ == 0)
      distinct++;
    while(h[hi].t - h[lo].t > window)
      if(--b->cnt[h[lo++].target] == 0)
        distinct--;
    if(distinct >= need) {
      size_t start = lo, end = hi;
      int total = 0;
      /* keep going while the window still holds enough targets */
      while(end + 1 < n) {
        size_t nx = end + 1;
        if(b->cnt[h[nx].target]++ == 0)
          distinct++;
        while(h[nx].t - h[lo].t > window)
          if(--b->cnt[h[lo++].target] == 0)
            distinct--;
        if(distinct < need)
          break;
        end = nx;
      }
      b->stamp++;
      for(i = start; i <= end; i++)
        if(b->seen[h[i].target] != b->stamp) {
          b->seen[h[i].target] = b->stamp;
          total++;
        }
      sqlite3_bind_text(ins, 1, ev, -1, SQLITE_TRANSIENT);
      if(div && *div)
        sqlite3_bind_text(ins, 2, div, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null(ins, 2);
      sqlite3_bind_int64(ins, 3, h[start].t);
      sqlite3_bind_int64(ins, 4, h[end].t);
      sqlite3_bind_int(ins, 5, total);
      sqlite3_bind_int64(ins, 6, (int64_t)(end - start + 1));
      if(sqlite3_step(ins) != SQLITE_DONE) {
        sqlite3_reset(ins);
        return Tl_set_sqlite_error(c, "insert burst");
      }
      sqlite3_reset(ins);
      /* start afresh after the burst */
      memset(b->cnt, 0, sizeof(int) * (size_t)(b->max_id + 1));
      distinct = 0;
      lo = end + 1;
      hi = end;
    }
  }
  memset(b->cnt, 0, sizeof(int) * (size_t)(b->max_id + 1));
  return TL_OK;
}

static tl_rc
find_bursts(tl_case *c, int need, int64_t window)
{
  sqlite3_stmt *s = NULL, *ins = NULL;
  struct hit *h = NULL;
  size_t n = 0, cap = 0;
  char *ev = NULL, *div = NULL;
  burst_scan b;
  tl_rc rc = TL_OK;
  int r;

  memset(&b, 0, sizeof(b));
  /* a cloud occurrence (cloud.c) has no object: it counts as its own
  ** file, numbered after the objects */
  if(sqlite3_prepare_v2(c->db, "SELECT coalesce(max(object_id), 0) + "
                        "coalesce(max(occ_id), 0) FROM x_occ", -1, &s,
                        NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "prepare");
  if(sqlite3_step(s) == SQLITE_ROW)
    b.max_id = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  b.cnt = calloc((size_t)b.max_id + 1, sizeof(int));
  b.seen = calloc((size_t)b.max_id + 1, sizeof(int));
  if(!b.cnt || !b.seen) {
    rc = Tl_set_error(c, TL_NOMEM, "out of memory");
    goto out;
  }
  /* per evidence item: mass collection on a file server crosses the
  ** shares of several divisions; each burst lists them afterwards */
  if(sqlite3_prepare_v2(c->db, "SELECT x.evidence, '', r.t_ns, "
                        "coalesce(x.object_id, (SELECT coalesce(max("
                        "object_id), 0) FROM x_occ) + x.occ_id) "
                        "FROM x_row r JOIN x_occ x USING(occ_id) WHERE "
                        "r.kind NOT IN ('deleted', 'observed') ORDER BY 1, 3", -1, &s, NULL) !=
     SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "INSERT INTO x_burst(evidence, division, "
                        "start_ns, end_ns, n_targets, n_events) VALUES"
                        "(?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare");
    goto out;
  }
  do {
    const char *e = NULL, *d = NULL;
    r = sqlite3_step(s);
    if(r == SQLITE_ROW) {
      e = (const char *)sqlite3_column_text(s, 0);
      d = (const char *)sqlite3_column_text(s, 1);
    }
    if(n && (r != SQLITE_ROW || strcmp(e, ev) || strcmp(d, div))) {
      if((rc = sweep(c, &b, ins, ev, div, h, n, need, window)))
        break;
      n = 0;
    }
    if(r != SQLITE_ROW)
      break;
    if(!n) {
      free(ev);
      free(div);
      ev = strdup(e);
      div = strdup(d);
      if(!ev || !div) {
        rc = Tl_set_error(c, TL_NOMEM, "out of memory");
        break;
      }
    }
    if(n == cap) {
      struct hit *nh = realloc(h, sizeof(*nh) * (cap = cap * 2 + 1024));
      if(!nh) {
        rc = Tl_set_error(c, TL_NOMEM, "out of memory");
        break;
      }
      h = nh;
    }
    h[n].t = sqlite3_column_int64(s, 2);
    h[n].target = sqlite3_column_int64(s, 3);
    n++;
  } while(1);
out:
  free(h);
  free(ev);
  free(div);
  free(b.cnt);
  free(b.seen);
  sqlite3_finalize(s);
  sqlite3_finalize(ins);
  if(!rc)
    rc = Tl_exec_bound(c, "UPDATE x_burst SET division = (SELECT "
               "group_concat(d || "
               "' (' || n || ')', ', ') FROM (SELECT coalesce(x.division, "
               "'-') AS d, count(DISTINCT x.object_id) AS n FROM x_row r "
               "JOIN x_occ x USING(occ_id) WHERE x.evidence = "
               "x_burst.evidence AND r.t_ns BETWEEN x_burst.start_ns AND "
               "x_burst.end_ns AND r.kind <> 'deleted' GROUP BY 1 ORDER BY "
               "2 DESC, 1))", "");
  return rc;
}

tl_rc
Tl_exposure_analyse(tl_case *c, const struct tl_exposure_opts *o)
{
  int64_t from = o->from_ns, to = o->to_ns;
  int burst = o->burst_count > 0 ? o->burst_count : 50;
  int64_t bw = o->burst_window_ns > 0 ? o->burst_window_ns :
               INT64_C(600) * TL_NS_PER_SEC;
  sqlite3_stmt *p;
  tl_rc rc;

  /* the indexes the joins need are part of the schema (version 3) */
  /* x_occ.match (how the target matched: target_match.how, or cloud.c's
  ** cloud-path, cloud-sitemap, cloud-name) is added here, after the DDL,
  ** so that the renderers' fixture of 19 columns still loads */
  if((rc = Tl_divmap_register(c)) ||
     (rc = Tl_exec(c, Tl_exposure_ddl)) ||
     (rc = Tl_exec(c, "ALTER TABLE temp.x_occ ADD COLUMN match TEXT")))
    return rc;
  if(sqlite3_prepare_v2(c->db, "INSERT INTO x_param VALUES(?,?)", -1, &p,
                        NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "prepare");
  {
    const char *keys[] = {"from_ns", "to_ns", "generated_ns", "burst_count",
                          "burst_window_ns"};
    int64_t vals[] = {from, to, Tl_now_ns(), burst, bw};
    int i;
    for(i = 0; i < 5; i++) {
      sqlite3_bind_text(p, 1, keys[i], -1, SQLITE_STATIC);
      sqlite3_bind_int64(p, 2, vals[i]);
      sqlite3_step(p);
      sqlite3_reset(p);
    }
    sqlite3_bind_text(p, 1, "case_path", -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 2, c->path, -1, SQLITE_STATIC);
    sqlite3_step(p);
    sqlite3_reset(p);
    sqlite3_bind_text(p, 1, "tool_version", -1, SQLITE_STATIC);
    sqlite3_bind_text(p, 2, "touchline " TL_VERSION, -1, SQLITE_STATIC);
    sqlite3_step(p);
    sqlite3_finalize(p);
  }
  if((rc = Tl_exec_bound(c,
        "INSERT INTO x_occ(target_id, object_id, evidence_id, evidence, "
        "division, path, deleted, size, match) SELECT m.target_id, "
        "o.object_id, o.evidence_id, e.label, " DIVISION_OF("o", "e") ", "
        "o.path, o.deleted, o.size, m.how FROM target_match m JOIN object o "
        "USING("
        "object_id) JOIN evidence e ON e.evidence_id = o.evidence_id ORDER "
        "BY m.target_id, e.label, o.path", "")) ||
     (rc = find_artifact_occ(c)) ||
     (rc = collect_rows(c, from, to)) ||
     (rc = find_deletions(c, from, to)) ||
     (rc = collect_artifacts(c, from, to)) ||
     (rc = find_copies(c, from, to)) ||
     (rc = judge(c, from)) ||
     (rc = Tl_cloud_collect(c, from, to)) ||
     (rc = Tl_observe_compute(c)) ||
     /* a PostgreSQL case has only the artifact events the analysis reads
     ** in memory (store/pgread.c): the USN journal's counts come from the
     ** server */
     (c->pg && (rc = Tl_pgread_observe(c))) ||
     /* the item's note is about reads of its own files: not about a cloud
     ** file (cloud.c) that an artifact of the item names by URL */
     (rc = Tl_exec(c, "UPDATE x_occ SET reasons = reasons || '; ' || "
                   "o.note FROM x_observe o WHERE o.evidence_id = "
                   "x_occ.evidence_id AND x_occ.verdict = 'none' AND "
                   "o.note IS NOT NULL AND coalesce(x_occ.match, '') NOT "
                   "LIKE 'cloud-%'")) ||
     (rc = find_anomalies(c)) ||
     (rc = find_bursts(c, burst, bw)) ||
     (rc = Tl_coverage_compute(c)) ||
     /* a target found through an artifact (find_artifact_occ) or only in
     ** the cloud (cloud.c) is found */
     (rc = Tl_exec(c, "DELETE FROM x_cover WHERE target_id IN (SELECT "
                   "target_id FROM x_occ)")) ||
     (rc = Tl_file_anomalies(c, from, to)))
    return rc;
  return Tl_exec_bound(c,
    "INSERT INTO x_target(target_id, line, label, partner, classification, "
    "division, n_occ, found, exposed, verdict, first_ns, last_ns, "
    "n_evidence) SELECT t.target_id, t.line, coalesce(t.path, t.name, "
    "'sha256:' || t.sha256, 'sha1:' || t.sha1, 'md5:' || t.md5), t.partner, "
    "t.classification, t.division, count(x.occ_id), count(x.occ_id) > 0, "
    "coalesce(max(x.verdict <> 'none'), 0), CASE min(" TL_VRANK("x.verdict")
    ") WHEN 0 THEN 'copied' WHEN 1 THEN 'deleted' WHEN 2 THEN 'modified' "
    "WHEN 3 THEN 'renamed' WHEN 4 THEN 'accessed' ELSE 'none' END, "
    "min(x.first_ns), max(x.last_ns), coalesce(sum(x.n_evidence), 0) FROM "
    "target t LEFT JOIN x_occ x USING(target_id) GROUP BY t.target_id", "");
}

static tl_rc
exposure_file(tl_case *c, const struct tl_exposure_opts *o, FILE *out)
{
  tl_rc rc;
  if(o->to_ns <= o->from_ns)
    return Tl_set_error(c, TL_USAGE, "the window is empty: --to must be "
                        "after --from");
  if(o->burst_count < 0)
    return Tl_set_error(c, TL_USAGE, "exposure: burst_count must be 1 or "
                        "more (0: the default, 50)");
  if(o->burst_window_ns < 0)
    return Tl_set_error(c, TL_USAGE, "exposure: burst_window_ns must be "
                        "above 0 (0: the default, 10 minutes)");
  /* a PostgreSQL case: what the analysis reads, into memory
  ** (store/pgread.c) */
  if(c->pg && (rc = Tl_pgread_load_analysis(c, o->from_ns, o->to_ns)))
    return rc;
  /* a read transaction: one consistent view for analysis and report */
  if((rc = Tl_exec(c, "BEGIN")))
    return rc;
  rc = Tl_exposure_analyse(c, o);
  if(!rc)
    rc = Tl_report_write(c, out, o->format ? o->format : "text");
  sqlite3_exec(c->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
  return rc;
}

/* Public entry: options of any struct_size (base/abi_int.h), the report to
** the caller's sink through a stdio stream (fopencookie). */
tl_rc
tl_case_exposure(tl_case *c, const struct tl_exposure_opts *opts,
                 const struct tl_sink *out)
{
  struct tl_exposure_opts o;
  FILE *f;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  if((rc = Tl_opts_in(&o, sizeof(o), opts, sizeof(uint32_t))))
    return Tl_set_error(c, rc, "exposure: options struct_size not "
                        "understood");
  if(!Tl_sink_ok(out))
    return Tl_set_error(c, TL_USAGE, "exposure: no output sink");
  if(!(f = Tl_sink_fopen(out)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  rc = exposure_file(c, &o, f);
  if(fclose(f) && rc == TL_OK)
    rc = Tl_set_error(c, TL_IO, "report: write failed");
  return rc;
}
