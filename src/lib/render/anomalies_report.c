/*
** `touchline anomalies`: the timestomping indicators of every file in a
** window (analysis/anomalies.c), on their own, in text, CSV or JSON.
*/
#include "base/abi_int.h"
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "render/report_int.h"
#include "base/timeconv_int.h"
#include "store/pgread_int.h"

static void
json_time(FILE *o, const char *key, int64_t ns, int open)
{
  char buf[48];
  if(open)
    fprintf(o, "\"%s_ns\":null,\"%s\":null", key, key);
  else
    fprintf(o, "\"%s_ns\":%lld,\"%s\":\"%s\"", key, (long long)ns, key,
            Tl_format_ns(ns, buf, sizeof(buf)));
}

static tl_rc
write_report(tl_case *c, const struct tl_anomaly_opts *o, FILE *out)
{
  const char *f = o->format ? o->format : "text";
  char a[48], b[48];
  int open_from = o->from_ns == INT64_MIN, open_to = o->to_ns == INT64_MAX;
  if(!strcmp(f, "csv"))
    return Tl_report_file_anomalies_csv(c, out);
  if(!strcmp(f, "json")) {
    tl_rc rc;
    fputs("{\n  \"report\":\"touchline-anomalies\",\"report_version\":1,\n"
          "  \"window\":{", out);
    json_time(out, "from", o->from_ns, open_from);
    fputc(',', out);
    json_time(out, "to", o->to_ns, open_to);
    fprintf(out, "},\n  \"summary\":{\"files\":%lld,\"findings\":%lld,"
            "\"programs\":%lld},\n  ",
            (long long)Tl_report_count(c, "SELECT count(DISTINCT "
                                          "object_id) FROM x_file_anomaly"),
            (long long)Tl_report_count(c, "SELECT count(*) FROM "
                                          "x_file_anomaly"),
            (long long)Tl_report_count(c, "SELECT count(DISTINCT "
                                          "object_id) FROM x_file_anomaly "
                                          "WHERE executable"));
    if((rc = Tl_report_file_anomalies_json(c, out)))
      return rc;
    fputs("\n}\n", out);
    return TL_OK;
  }
  if(strcmp(f, "text"))
    return Tl_set_error(c, TL_USAGE, "anomalies: unknown format '%s' "
                        "(text, csv or json)", f);
  fprintf(out, "touchline anomalies\n  Case:    %s\n  Window:  %s .. %s "
          "(UTC, end excluded)\n", c->path ? c->path : "",
          open_from ? "(open)" : Tl_format_ns(o->from_ns, a, sizeof(a)),
          open_to ? "(open)" : Tl_format_ns(o->to_ns, b, sizeof(b)));
  return Tl_report_file_anomalies_text(c, out, 0);
}

static tl_rc
anomalies_file(tl_case *c, const struct tl_anomaly_opts *o, FILE *out)
{
  tl_rc rc;
  if(o->to_ns <= o->from_ns)
    return Tl_set_error(c, TL_USAGE, "the window is empty: --to must be "
                        "after --from");
  /* a PostgreSQL case: the analysis reads the server's aggregates
  ** (analysis/anomalies.c, store/pgread.c) */
  /* a read transaction: one consistent view */
  if((rc = Tl_exec(c, "BEGIN")))
    return rc;
  rc = Tl_file_anomalies(c, o->from_ns, o->to_ns);
  if(!rc)
    rc = write_report(c, o, out);
  if(!rc && (fflush(out) || ferror(out)))
    rc = Tl_set_error(c, TL_IO, "anomalies: write failed");
  sqlite3_exec(c->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
  return rc;
}

tl_rc
tl_case_anomalies(tl_case *c, const struct tl_anomaly_opts *opts,
                  const struct tl_sink *out)
{
  struct tl_anomaly_opts o;
  FILE *f;
  tl_rc rc;
  if(!c || c->magic != TL_CASE_MAGIC)
    return TL_USAGE;
  if((rc = Tl_opts_in(&o, sizeof(o), opts, sizeof(uint32_t))))
    return Tl_set_error(c, rc, "anomalies: options struct_size not "
                        "understood");
  if(!o.format)
    o.format = "text";
  if(!Tl_sink_ok(out))
    return Tl_set_error(c, TL_USAGE, "anomalies: no output sink");
  if(!(f = Tl_sink_fopen(out)))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  rc = anomalies_file(c, &o, f);
  if(fclose(f) && rc == TL_OK)
    rc = Tl_set_error(c, TL_IO, "anomalies: write failed");
  return rc;
}
