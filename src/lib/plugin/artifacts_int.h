/*
** Artifact events into the case: resolution of the references they make
** (MFT references, Windows and UNC paths) to objects of the case, and the
** statements that store them. Used by `artifacts add` (artifacts.c) and
** by the walk's in-image claims.
*/
#ifndef TL_PLUGIN_ARTIFACTS_INT_H
#define TL_PLUGIN_ARTIFACTS_INT_H

#include "base/strmap_int.h"
#include "plugin/host_int.h"
#include "store/case_int.h"

/* Load the built-in parsers, the plugin folder, TOUCHLINE_PLUGIN_PATH and
** po's files; on failure err says which file and why. */
tl_rc Tl_phost_open(const struct tl_plugin_opts *po, Tl_phost **out,
                    char *err, size_t errlen);

typedef struct Tl_resolver {
  tl_case *c;
  int64_t evidence_id;    /* the item references resolve against */
  sqlite3_stmt *q_mft, *q_name, *q_label, *q_path;
  sqlite3_stmt *q_unc;    /* UNC host and share through evidence_fact */
  int failed;             /* a lookup failed (SQLite), not "not found" */
  /* a staged run (Tl_art_stage): the objects of an item pulled into the
  ** case before they are looked up; NULL otherwise */
  tl_rc (*need_item)(void *ctx, int64_t evidence_id);
  void *need_ctx;
  /* the last folder Tl_resolve_folder() looked up (records of one folder
  ** come in runs) */
  int64_t pf_fs;
  uint64_t pf_entry;
  uint32_t pf_seq;
  int pf_valid, pf_found;
  char pf_path[4096];
} Tl_resolver;

tl_rc Tl_resolver_init(tl_case *c, Tl_resolver *r, int64_t evidence_id);
tl_rc Tl_resolve_unc_pending(tl_case *c, uint64_t *n);
void Tl_resolver_free(Tl_resolver *r);

/* The object a reference names, 0 when unresolved (none, or more than one
** candidate with no single allocated one). fs_id > 0: the file system the
** artifact lies on, tried first for paths and the only one for MFT
** references; 0: every file system of the item. *how: "mft", "path",
** "share" or NULL.
**  - MFT: entry + sequence of the data stream on an NTFS file system;
**  - a Windows path: the drive letter dropped, compared without regard to
**    case on case-blind file systems;
**  - \\host\share\rest: on the evidence item labelled host or whose
**    host.name fact is host: through the share.<share> fact's local path
**    (its drive letter dropped) when the item states one, else as
**    /share/rest, else /rest. */
int64_t Tl_resolve(Tl_resolver *r, const struct tl_file_ref *f,
                   int64_t fs_id, const char **how);

/* The path of the folder an MFT reference names (an event's parent), or
** NULL when it does not resolve; valid until the next call. */
const char *Tl_resolve_folder(Tl_resolver *r, const struct tl_file_ref *f,
                              int64_t fs_id);

/* The artifact file being parsed. */
typedef struct Tl_artfile {
  int64_t evidence_id;
  int64_t artifact_file_id;
  int64_t fs_id;          /* 0 for a file outside an image */
  int64_t object_id;      /* the artifact's own object, 0 when none */
  const char *path;
  const Tl_preg *parser;
} Tl_artfile;

typedef struct Tl_artstore {
  tl_case *c;
  Tl_resolver *res;       /* may be NULL: nothing resolved */
  sqlite3_stmt *ins_event, *ins_attr, *ins_fact;
  /* the artifact file's own word on paths: "entry:seq" -> the last path
  ** an event of that MFT reference had (index into jp), for folders the
  ** case no longer has (a USN journal's records of a deleted folder) */
  int64_t jp_file;
  Tl_strmap jp_map;
  char **jp;
  int n_jp, cap_jp;
} Tl_artstore;

tl_rc Tl_artstore_init(tl_case *c, Tl_artstore *s);
void Tl_artstore_free(Tl_artstore *s);
/* Store one event (and its attributes); *resolved is 1 when it names an
** object. */
tl_rc Tl_artstore_event(Tl_artstore *s, const Tl_artfile *af,
                        const struct tl_artifact_event *ev, int *resolved);

/* Store one fact about the item (api->fact). */
tl_rc Tl_artstore_fact(Tl_artstore *s, const Tl_artfile *af, const char *key,
                       const char *value);

/* Record every registered parser of h in the plugin table for run. */
tl_rc Tl_record_plugins(tl_case *c, const Tl_phost *h, int64_t run);

/* Per-parser counts of a run (run.plugins). */
typedef struct Tl_pcount {
  const char *parser;     /* borrowed from the registry */
  uint64_t files, events, corrupt, refused, failed;
} Tl_pcount;

Tl_pcount *Tl_pcount_get(Tl_pcount **list, int *n, const char *parser);
char *Tl_pcount_json(const Tl_pcount *l, int n);

/* `artifacts add` run on a staging SQLite case for another case store
** (ingest/pgartifacts.c, a PostgreSQL case): the same code, with these
** calls at its steps. */
typedef struct Tl_art_stage {
  /* the run row: its id, given (and committed) by the case the staging
  ** case stands for; the staging case's row gets the same id and values */
  tl_rc (*run_id)(void *ctx, const char *command_line, const char *host,
                  int64_t started_ns, int64_t pid, const char *label,
                  int64_t *run_id);
  /* the write transaction has begun on the staging case: take the case's
  ** lock and refresh what the staging case holds of it */
  tl_rc (*begin)(void *ctx);
  /* the objects of an evidence item, before the resolver reads them */
  tl_rc (*need_item)(void *ctx, int64_t evidence_id);
  void *ctx;
} Tl_art_stage;

/* tl_artifacts_add() with stage (NULL: a plain SQLite case). */
tl_rc Tl_artifacts_add_staged(tl_case *c, int n_files,
                              const char *const *files,
                              const struct tl_artifacts_opts *opts,
                              struct tl_artifacts_result *res,
                              const Tl_art_stage *stage);
tl_rc Tl_resolve_unc_pending_staged(tl_case *c, const Tl_art_stage *stage,
                                    uint64_t *n);

#endif
