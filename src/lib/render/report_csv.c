/*
** Exposure report as CSV: one row per target occurrence (x_occ joined with
** its x_target), for spreadsheets and scripts.
**
** RFC 4180: CRLF line ends, a header row, fields holding a comma, quote,
** CR or LF are quoted with quotes doubled. Bytes are written as they are
** (UTF-8), except controls and bidi controls in text, which are escaped
** (docs/OUTPUT-ESCAPING.md): a cell never holds a raw CR, LF or ESC.
**
** Formula injection: a text cell that starts with '=', '+', '-', '@', TAB
** or CR is one a spreadsheet may run as a formula, and file names, paths
** and register fields are chosen by whoever made the evidence. Such a cell
** is written with a single quote (') in front, which spreadsheets show and
** do not evaluate. Number columns are never prefixed; a consumer that
** wants the raw value strips one leading quote from a text cell that
** starts with "'" followed by one of those characters.
*/
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "render/report_int.h"
#include "base/names_int.h"
#include "base/timeconv_int.h"

static void
field(FILE *o, const char *s)
{
  const char *p;
  char *vis;
  int quote;
  if(!(s = Tl_visible(s, &vis)))
    return;
  quote = strpbrk(s, ",\"\r\n") != NULL;
  if(quote)
    fputc('"', o);
  if(*s && strchr("=+-@\t\r", *s))
    fputc('\'', o);
  for(p = s; *p; p++) {
    if(*p == '"')
      fputc('"', o);
    fputc(*p, o);
  }
  if(quote)
    fputc('"', o);
  free(vis);
}

static void
field_int(FILE *o, sqlite3_stmt *s, int i)
{
  if(sqlite3_column_type(s, i) != SQLITE_NULL)
    fprintf(o, "%lld", (long long)sqlite3_column_int64(s, i));
}

static void
field_time(FILE *o, sqlite3_stmt *s, int i)
{
  char buf[48];
  if(sqlite3_column_type(s, i) != SQLITE_NULL)
    fputs(Tl_format_ns(sqlite3_column_int64(s, i), buf, sizeof(buf)), o);
}

/* The flags of an occurrence as "accessed;copied;deleted-in-window". */
static void
flags(FILE *o, sqlite3_stmt *s, int i)
{
  static const char *const names[] = {
    "accessed", "copied", "modified", "renamed", "deleted"
  };
  int k, n = 0;
  for(k = 0; k < 5; k++)
    if(sqlite3_column_int64(s, i + k))
      fprintf(o, "%s%s", n++ ? ";" : "", names[k]);
  switch(sqlite3_column_int(s, i + 5)) {
  case 1:
    fprintf(o, "%sdeleted-in-window", n++ ? ";" : "");
    break;
  case 2:
    fprintf(o, "%sdeleted-time-unknown", n++ ? ";" : "");
    break;
  }
}

tl_rc
Tl_report_csv(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  int r;
  if(!(s = Tl_report_prep(c,
       "SELECT o.occ_id, o.target_id, t.line, t.partner, t.classification, "
       "t.label, o.evidence, o.division, o.path, o.size, o.verdict, "
       /* 11 */ "o.accessed, o.copied, o.modified, o.renamed, o.deleted, "
       /* 16 */ "o.deleted_in_window, o.first_ns, o.last_ns, o.n_evidence, "
       /* 20 */ "(SELECT count(*) FROM x_row r WHERE r.occ_id = o.occ_id), "
       "(SELECT count(*) FROM x_copy k WHERE k.occ_id = o.occ_id), "
       "o.reasons, o.object_id, coalesce(t.division, o.division) "
       "FROM x_occ o LEFT JOIN x_target t ON t.target_id = o.target_id "
       "ORDER BY o.occ_id")))
    return c->errcode;
  fputs("occ_id,target_id,register_line,partner,classification,target,"
        "evidence,division,path,size,verdict,flags,first,last,"
        "first_ns,last_ns,n_evidence,n_rows,n_copies,reasons,object_id,"
        "owner_division\r\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    field_int(o, s, 0);
    fputc(',', o);
    field_int(o, s, 1);
    fputc(',', o);
    field_int(o, s, 2);
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 3));
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 4));
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 5));
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 6));
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 7));
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 8));
    fputc(',', o);
    field_int(o, s, 9);
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 10));
    fputc(',', o);
    flags(o, s, 11);
    fputc(',', o);
    field_time(o, s, 17);
    fputc(',', o);
    field_time(o, s, 18);
    fputc(',', o);
    field_int(o, s, 17);
    fputc(',', o);
    field_int(o, s, 18);
    fputc(',', o);
    field_int(o, s, 19);
    fputc(',', o);
    field_int(o, s, 20);
    fputc(',', o);
    field_int(o, s, 21);
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 22));
    fputc(',', o);
    field_int(o, s, 23);
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 24));
    fputs("\r\n", o);
  }
  return Tl_report_done(c, s, r);
}

tl_rc
Tl_report_file_anomalies_csv(tl_case *c, FILE *o)
{
  sqlite3_stmt *s;
  int r, i;
  if(!(s = Tl_report_prep(c,
       "SELECT evidence, path, object_id, executable, deleted, rule, "
       /* 6 */ "si_created_ns, si_modified_ns, si_changed_ns, "
       "si_accessed_ns, fn_created_ns, fn_modified_ns, fn_changed_ns, "
       "fn_accessed_ns, fs_created_ns, acquired_ns, "
       /* 16 */ "acquired_from, detail FROM x_file_anomaly"
       TL_FILE_ANOMALY_ORDER)))
    return c->errcode;
  fputs("evidence,path,object_id,executable,deleted,rule,si_created,"
        "si_modified,si_changed,si_accessed,fn_created,fn_modified,"
        "fn_changed,fn_accessed,fs_created,acquired,acquired_from,"
        "detail\r\n", o);
  while((r = sqlite3_step(s)) == SQLITE_ROW) {
    field(o, (const char *)sqlite3_column_text(s, 0));
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 1));
    for(i = 2; i <= 4; i++) {
      fputc(',', o);
      field_int(o, s, i);
    }
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 5));
    for(i = 6; i <= 15; i++) {
      fputc(',', o);
      field_time(o, s, i);
    }
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 16));
    fputc(',', o);
    field(o, (const char *)sqlite3_column_text(s, 17));
    fputs("\r\n", o);
  }
  return Tl_report_done(c, s, r);
}
