/* Shared pieces of the touchline tool (not installed). */
#ifndef TL_TOOL_H
#define TL_TOOL_H

#include <stdio.h>
#include <touchline/touchline.h>

/* A one-line progress display redrawn in place on a terminal. */
struct tl_progress_view {
  FILE *out;
  int drawn;
};

void tl_progress_init(struct tl_progress_view *v, FILE *out);
void tl_progress_draw(const struct tl_progress *p, void *ctx);
void tl_progress_clear(struct tl_progress_view *v);

/* `-o FILE` written safely: open a temporary file beside FILE (path NULL
** or "-": stdout), then commit (flush, rename over FILE; -1 with errno
** set on failure, the temporary file removed) or abort (remove it). An
** existing FILE is untouched until commit succeeds. */
struct tl_output {
  FILE *f;
  const char *path;
  char *tmp;
};

FILE *tl_output_open(struct tl_output *o, const char *path);
int tl_output_commit(struct tl_output *o);
void tl_output_abort(struct tl_output *o);

/* Read --tz, --from and --to (from, to NULL for an open end: INT64_MIN /
** INT64_MAX) as every reporting command does: the zone checked even
** without times, a time without an offset read in tz, an empty window
** refused. On error prints "touchline CMD: ..." and returns -1. */
int tl_tool_window(const char *cmd, const char *tz, const char *from,
                   const char *to, int64_t *from_ns, int64_t *to_ns);

/* Open the case read-only, write a report into -o FILE (outpath; NULL or
** "-" for stdout) through write(c, sink, arg), print what failed; returns
** the exit status (0, 1, or 2 for a usage error). */
int tl_run_report(const char *case_path, const char *outpath,
                  tl_rc (*write)(tl_case *c, const struct tl_sink *s,
                                 void *arg),
                  void *arg);

/* After a writing command opened the case: say on stderr when the open
** upgraded an older case (main.c). */
void tl_tool_note_upgrade(tl_case *c, const char *path);

/* A sink over a stdio stream (fwrite; refuses once the stream has an
** error). The caller flushes and closes f. */
void tl_sink_stdio(struct tl_sink *s, FILE *f);

/* Warn on stderr, one line per cause, about targets that match nothing
** (cmd_targets.c); what names the input that changed. */
void tl_tool_coverage(tl_case *c, const char *what);

/* Subcommands implemented in their own files: argv[0] is the command. */
int cmd_timeline(int argc, char **argv);
int cmd_targets(int argc, char **argv);
int cmd_divisions(int argc, char **argv);
int cmd_exposure(int argc, char **argv);
int cmd_anomalies(int argc, char **argv);
int cmd_artifacts(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
/* ingest --manifest (cmd_ingest_manifest.c): argv[0] is "ingest" */
int tl_argv_has_manifest(int argc, char **argv);
int cmd_ingest_manifest(int argc, char **argv, const char *cmdline);
void tl_usage_ingest_manifest(FILE *o);

/* case copy (cmd_case.c): argv[0] is "case" */
int cmd_case(int argc, char **argv);
void tl_usage_case(FILE *o);
int cmd_queue(int argc, char **argv);
int cmd_worker(int argc, char **argv, int full_argc, char **full_argv);
void tl_usage_queue(FILE *o);
/* `ingest URI IMAGE`, `targets URI ...`, `divisions URI ...` on a
** PostgreSQL case (cmd_case.c, docs/POSTGRESQL.md). */
struct tl_ingest_opts;
int tl_tool_pg_ingest(const char *uri, int n_images, char **images,
                      struct tl_ingest_opts *o, int full_argc,
                      char **full_argv, int quiet);
int tl_tool_pg_register(int argc, char **argv, int (*cmd)(int, char **));
int tl_tool_pg_manifest(const char *uri, const char *manifest,
                        const tl_manifest *m, int jobs,
                        struct tl_ingest_opts *io, const char *cmdline,
                        int quiet);

#endif
