/*
** touchline: public interface of libtouchline.
**
** Anything not declared here is not API and may change. The header carries
** no libtsk, libewf or sqlite3 types, so a caller needs none of their headers.
**
** Conventions (docs/internals/API.md):
**  - every function that can fail returns tl_rc; TL_OK is 0;
**  - details of the last failure live on the handle: tl_case_errmsg();
**  - a returned const char * is borrowed: valid until the next call on the
**    same handle or until it is closed;
**  - options and result structs start with struct_size: a caller sets it to
**    the sizeof it was compiled with; the library accepts a smaller one
**    (an older caller) and defaults the fields it lacks, and fills a result
**    only as far as its struct_size reaches.
**
** This header also includes <touchline/sink.h> (struct tl_sink, where text
** output goes) and <touchline/query.h> (filters, events, objects, the
** timeline export).
*/
#ifndef TOUCHLINE_H
#define TOUCHLINE_H

#include <stdint.h>
#include <stdio.h>
#include <touchline/version.h>
#include <touchline/sink.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes. Append only: values never move, retired ones become
** TL_E_OBSOLETEnn. */
typedef enum {
  TL_OK = 0,
  TL_WARN = 1,          /* partial result; what was produced is kept */
  TL_CORRUPT = 2,       /* a record or structure is bad; skipped, counted */
  TL_FAILED = 3,        /* this input cannot be processed */
  TL_FATAL = 4,         /* the handle is unusable */
  TL_NOMEM = 5,
  TL_IO = 6,            /* reading an input or writing the case failed */
  TL_UNSUPPORTED = 7,   /* format or feature not supported */
  TL_ABI = 8,           /* version mismatch */
  TL_STOP = 9,          /* a callback asked to stop; not an error */
  TL_EXISTS = 10,       /* the evidence is already in the case */
  TL_INTERRUPTED = 11,  /* cancelled by the user (signal) */
  TL_USAGE = 12,        /* bad argument */
  TL_E_LAST             /* never use */
} tl_rc;

/* Static English text for a code. */
const char *tl_strerror(tl_rc rc);

/* A case database. Opaque. */
typedef struct tl_case tl_case;

/* How tl_case_open() opens a case (bit flags). */
#define TL_OPEN_READWRITE 0x0 /* an existing case, migrated when older */
#define TL_OPEN_CREATE    0x1 /* read-write; a new case when absent */
#define TL_OPEN_READONLY  0x2 /* never writes the file, never migrates */
/* With TL_OPEN_CREATE, for a handle whose first write is tl_case_ingest():
** an absent case is built in a private file and appears at its path only
** when that first item ends (committed, or failed with its run row), or at
** tl_case_close(). The first item is written without a journal on disk and
** without syncs (one fsync before the case appears): a bulk load, with no
** WAL copy and no checkpoint. Other processes see no case until then; when
** one of them creates the case meanwhile, the item is ingested again into
** that case. An existing case opens as with TL_OPEN_CREATE alone. */
#define TL_OPEN_BULK      0x4

/* Open the case database at path with flags (TL_OPEN_*). On success *out
** is a handle to free with tl_case_close(). On failure *out is NULL and, when
** errmsg is not NULL, *errmsg points to static or thread-owned text valid until
** the next tl_case_open() call from the same thread. */
tl_rc tl_case_open(const char *path, unsigned flags, tl_case **out,
                   const char **errmsg);

/* The schema version the case had before this open upgraded it (writers
** migrate an older case, readers never do), or 0 when it was current. */
int tl_case_upgraded_from(tl_case *c);

/* Run-time version of the library: "0.1.0" and 0*1000000+1*1000+0. Compare
** with TL_VERSION / TL_VERSION_NUMBER of the header compiled against. */
const char *tl_version(void);
int tl_version_number(void);

/* Close the handle; NULL is accepted and ignored. */
void tl_case_close(tl_case *c);

/* Text of the last failure on this handle (borrowed), "" when none. */
const char *tl_case_errmsg(tl_case *c);

/* A warning the last tl_case_ingest(), tl_targets_import() or
** tl_case_match() on this handle left while succeeding (borrowed, one
** line), "" when none: e.g. files that may match a hash target or be a
** copy, not hashed because another item's image cannot be opened. */
const char *tl_case_note(tl_case *c);

/* Progress snapshot handed to a progress callback (borrowed, call only). */
struct tl_progress {
  uint32_t struct_size;     /* what the library filled: read a later field
                            ** only when struct_size covers it */
  const char *label;        /* evidence label */
  const char *stage;        /* "walk", "hash", "index", "commit", "publish"
                            ** (a new case's first item, TL_OPEN_BULK) */
  uint64_t n_objects;       /* objects stored so far */
  uint64_t n_events;        /* events stored so far */
  uint64_t bytes_done;      /* media bytes hashed so far */
  uint64_t bytes_total;     /* media size */
  double elapsed_s;
};

struct tl_plugin_opts;      /* below, with the artifact parsers */

/* Options for tl_case_ingest(). Zero-initialise, then set struct_size. */
struct tl_ingest_opts {
  uint32_t struct_size;     /* sizeof(struct tl_ingest_opts) */
  const char *label;        /* evidence label; default: image base name */
  const char *division;     /* organisational division; may be NULL */
  const char *fat_tz;       /* zone FAT local times are read in; "UTC" */
  int no_hash;              /* skip MD5/SHA-256 of the media stream */
  int replace;              /* replace an item with the same path or hash */
  const char *command_line; /* recorded in the run row; may be NULL */
  /* Called about four times a second while ingesting; may be NULL. */
  void (*progress)(const struct tl_progress *p, void *ctx);
  void *progress_ctx;
  /* Polled during the walk; when it becomes non-zero the ingest stops,
  ** rolls back and returns TL_INTERRUPTED. May be NULL. */
  volatile int *cancel;
  /* While another process holds the case's write lock: wait up to wait_s
  ** seconds (0: do not wait, < 0: forever), telling on_wait (may be NULL)
  ** who holds it. The lock is taken before the walk starts. */
  int wait_s;
  void (*on_wait)(const char *msg, void *ctx);
  void *wait_ctx;
  /* Artifact parsers to load besides the built-in ones, the plugin folder
  ** and TOUCHLINE_PLUGIN_PATH (docs/PLUGIN-ABI.md); may be NULL. The
  ** files they claim are parsed during the walk. */
  const struct tl_plugin_opts *plugins;
};

/* Summary of one finished ingest, filled by tl_case_ingest(). */
struct tl_ingest_result {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  int64_t evidence_id;
  uint64_t n_objects;
  uint64_t n_events;
  uint64_t n_volumes;
  uint64_t n_filesystems;
  uint64_t n_corrupt;       /* records skipped as corrupt */
  uint64_t n_warnings;      /* warnings recorded in the case */
  const char *verification; /* borrowed: "verified", "mismatch", ... */
  uint32_t n_files;         /* container files of the item */
  uint32_t n_files_found;   /* of those, found next to the one given */
  /* files of other items that may match a hash target or be a copy, not
  ** hashed: their image cannot be opened (tl_case_note says which; the
  ** item is stored, a warning row records it) */
  uint64_t n_unhashed;
};

/* Ingest one evidence item given by its image path(s). With one path, the
** other segments of a split raw or EWF set are found from the first. The
** item is stored in one transaction: a failure or interruption leaves the
** case as it was, except for the run row that records the attempt. */
tl_rc tl_case_ingest(tl_case *c, int n_paths, const char *const *paths,
                     const struct tl_ingest_opts *opts,
                     struct tl_ingest_result *result);

/* Write a description of the case to out: text, or JSON when json != 0. */
tl_rc tl_case_info(tl_case *c, const struct tl_sink *out, int json);

/* ---- targets, divisions, matching (docs/TARGETS.md) ------------------ */

/* Options for importing a CSV file. Zero-initialise, set struct_size. */
struct tl_import_opts {
  uint32_t struct_size;     /* sizeof(struct tl_import_opts) */
  int append;               /* add to the register instead of replacing */
  int skip_bad;             /* import the good rows when some are bad */
  /* Called for each malformed row (and for notes), with its line number
  ** (1 = the header). msg is borrowed for the call only. */
  void (*on_error)(const char *file, long line, const char *msg, void *ctx);
  void *ctx;
  /* While another process holds the case's write lock (an ingest): wait
  ** up to wait_s seconds (0: do not wait, < 0: forever), telling on_wait
  ** (may be NULL) who holds it when the wait starts and about every ten
  ** seconds. A caller built before these fields (a smaller struct_size)
  ** waits 5 seconds, as it did. */
  int wait_s;
  void (*on_wait)(const char *msg, void *ctx);
  void *wait_ctx;
};

struct tl_import_result {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  uint64_t n_rows;          /* data rows read */
  uint64_t n_imported;
  uint64_t n_bad;
  uint64_t n_matches;       /* target occurrences after matching */
  uint64_t n_hashed;        /* objects whose content was hashed */
  uint64_t n_unhashed;      /* not hashed: their item's image cannot be
                            ** opened (tl_case_note says which) */
};

/* Import the target register (columns path, name, size, md5, sha1,
** sha256, partner, classification, division, evidence, note) and match it
** against every object in the case. Nothing is imported when a row is bad,
** unless skip_bad. */
tl_rc tl_targets_import(tl_case *c, const char *csv_path,
                        const struct tl_import_opts *o,
                        struct tl_import_result *res);
/* The register as tab-separated text, or statistics of it and its matches. */
tl_rc tl_targets_list(tl_case *c, const struct tl_sink *out);
tl_rc tl_targets_stats(tl_case *c, const struct tl_sink *out);

/* Import the division map (columns evidence, path_prefix, division): which
** division a path inside an evidence item belongs to. Re-runs matching. */
tl_rc tl_divisions_import(tl_case *c, const char *csv_path,
                          const struct tl_import_opts *o,
                          struct tl_import_result *res);

/* Import the site-to-share map (columns site_url, unc_prefix): which file
** share a SharePoint site or library holds the files of, so that the
** files the Microsoft 365 audit log names by URL match targets by their
** path on the share (docs/TARGETS.md, "Cloud files"). Replaces the map
** unless append; nothing is imported when a row is bad, unless skip_bad.
** n_matches and n_hashed stay 0 (cloud files are matched by the exposure
** analysis). */
tl_rc tl_sitemap_import(tl_case *c, const char *csv_path,
                        const struct tl_import_opts *o,
                        struct tl_import_result *res);

/* Coverage (docs/TARGETS.md, "Coverage"): why targets match no file. warn
** is called once per cause with a count ("412 rows are scoped to 'X',
** which no evidence item or share map names ..."); nothing is called
** when every target is found. Reads only. */
tl_rc tl_targets_coverage(tl_case *c,
                          void (*warn)(const char *msg, void *ctx),
                          void *ctx);

/* Re-run matching of the whole register against the whole case (waits
** up to 5 seconds for the write lock). */
tl_rc tl_case_match(tl_case *c, struct tl_import_result *res);

/* ---- exposure analysis (docs/EXPOSURE.md) ----------------------------- */

struct tl_exposure_opts {
  uint32_t struct_size;     /* sizeof(struct tl_exposure_opts) */
  int64_t from_ns, to_ns;   /* the window [from, to) */
  int burst_count;          /* targets touched ... (default 50) */
  int64_t burst_window_ns;  /* ... within this interval (default 10 min) */
  const char *format;       /* "text", "csv", "json", "html" */
};

/* Analyse the window and write the report to out. */
tl_rc tl_case_exposure(tl_case *c, const struct tl_exposure_opts *o,
                       const struct tl_sink *out);

/* ---- timestomping indicators on every file (docs/EXPOSURE.md) -------- */

struct tl_anomaly_opts {
  uint32_t struct_size;     /* sizeof(struct tl_anomaly_opts) */
  int64_t from_ns, to_ns;   /* files with a $SI/$FN time in [from, to);
                            ** INT64_MIN / INT64_MAX for an open end */
  const char *format;       /* "text", "csv", "json" */
};

/* Every file of the case with a $SI or $FN time in the window that shows
** a timestomping indicator, programs and libraries first, written to out.
** Reads only (TEMP tables). A NULL format is "text". */
tl_rc tl_case_anomalies(tl_case *c, const struct tl_anomaly_opts *o,
                        const struct tl_sink *out);

/* ---- artifact parsers (docs/PLUGIN-ABI.md) ---------------------------- */

/* Which plugins a call loads: the built-in parsers, every "*.so" in the
** install's plugin folder and in the folders (or files) of
** TOUCHLINE_PLUGIN_PATH, and the files given here; nothing else (only
** the files given here with no_plugins). */
struct tl_plugin_opts {
  uint32_t struct_size;     /* sizeof(struct tl_plugin_opts) */
  const char *const *plugins;   /* shared objects (--plugin FILE) */
  int n_plugins;
  /* non-zero: load none but plugins[], no built-in parser, nothing from
  ** the plugin folder or TOUCHLINE_PLUGIN_PATH (ingest --no-plugins;
  ** appended: a smaller struct_size reads as 0) */
  int no_plugins;
};

/* Write one line per parser: name, version, ABI, where it comes from
** (built-in or the file), and what it claims, tab-separated. On failure
** (a plugin that does not load) *errmsg (when not NULL) is text of the
** calling thread naming the file and the cause. */
tl_rc tl_plugins_list(const struct tl_plugin_opts *po,
                      const struct tl_sink *out, const char **errmsg);

/* Options for tl_artifacts_add(). Zero-initialise, set struct_size. */
struct tl_artifacts_opts {
  uint32_t struct_size;     /* sizeof(struct tl_artifacts_opts) */
  const char *evidence;     /* attach to the item with this label; paths
                            ** in the artifacts resolve against it */
  const char *label;        /* or: a new item holding only artifacts, */
  const char *division;     /* with this division (may be NULL) */
  const char *parser;       /* parse every file with this parser; NULL:
                            ** by claims on the file name, then by bid */
  const struct tl_plugin_opts *plugins;   /* may be NULL */
  const char *command_line; /* recorded in the run row; may be NULL */
  int wait_s;               /* as tl_import_opts.wait_s */
  void (*on_wait)(const char *msg, void *ctx);
  void *wait_ctx;
  /* Told about each file when it is done (msg: the first problem, or
  ** NULL); may be NULL. */
  void (*on_file)(const char *file, const char *parser, const char *status,
                  uint64_t n_events, const char *msg, void *ctx);
  void *ctx;
};

struct tl_artifacts_result {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  int64_t evidence_id;
  uint64_t n_files;
  uint64_t n_events;        /* events stored */
  uint64_t n_resolved;      /* of those, naming an object of the case */
  uint64_t n_corrupt;       /* records the parsers skipped */
  uint64_t n_refused;       /* malformed events refused */
  uint64_t n_failed;        /* files whose parse failed: their events are
                            ** not kept */
};

/* Parse artifact files collected outside an image into the case, one
** transaction; a parser that fails on one file loses that file's events
** only (counted in the result, the run row and `info`). Every file is
** checked (readable, a parser for it) before anything is written.
** Returns TL_OK, TL_WARN when records or files were lost, or an error. */
tl_rc tl_artifacts_add(tl_case *c, int n_files, const char *const *files,
                       const struct tl_artifacts_opts *o,
                       struct tl_artifacts_result *res);

/* Parse an ISO 8601 date ("2023-06-01") or date-time with optional
** fraction to 1 ns and zone ("2023-06-01T12:00:00.5+02:00", "...Z") into
** ns since 1970, checked against the calendar (no 2023-02-30, no 24:59,
** no +99:99; years outside what int64 ns can hold are refused). A time
** without a zone is UTC. Returns TL_OK or TL_USAGE. */
tl_rc tl_parse_time(const char *s, int64_t *ns);

/* The same, with a time without a zone read in `zone` (an IANA name such
** as "Europe/Berlin"; NULL or "UTC": UTC), the one zone-aware parser of
** the API (exposure and timeline --from/--to use it). The zone is read
** from the zone database ($TZDIR is not consulted: /usr/share/zoneinfo);
** the process TZ is neither read nor set, so the call is thread-safe. A
** wall-clock time that a change of offset skips or repeats is read with
** the offset in effect before the change. Returns TL_OK, or TL_USAGE for
** a malformed time or an unknown zone; *why (when not NULL) is then a
** message of the calling thread saying what is wrong ("no such day in
** that month", "Mars/Olympus: unknown time zone"). */
tl_rc tl_parse_time_zone(const char *s, const char *zone, int64_t *ns,
                         const char **why);

/* 1 when the NUL-terminated s is valid UTF-8 (no overlongs, surrogates or
** code points above U+10FFFF). Labels, divisions and imported CSV values
** must be. */
int tl_utf8_valid(const char *s);

/* Time representation used in the case: signed 64-bit nanoseconds since
** 1970-01-01T00:00:00Z. See docs/internals/SCHEMA.md for out-of-range rules. */
#define TL_NS_PER_SEC INT64_C(1000000000)

/* Schema version this library writes (PRAGMA user_version of a case). */
#define TL_SCHEMA_VERSION 4

/* ---- many evidence items at once (docs/MANIFEST.md) ------------------ */

/* A list of evidence items: label, division, image. Opaque. */
typedef struct tl_manifest tl_manifest;

/* One item of a manifest (borrowed from it, valid until it is freed). */
struct tl_manifest_entry {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  const char *label;
  const char *division;     /* NULL: none */
  const char *image;        /* the image (first segment); a relative path
                            ** in a manifest file is taken relative to the
                            ** file's folder */
  long line;                /* its line in the manifest file; 0 when added
                            ** with tl_manifest_add() */
};

/* Read a manifest file: one item per line, three tab-separated fields
** (label, division (empty: none), image path); lines starting with # and
** blank lines are skipped. Every line is checked before anything is kept:
** on_error (may be NULL) is called for each bad line with its number
** (0: the file itself) and the cause, and the call returns TL_USAGE (bad
** lines, or no item at all), TL_IO (unreadable) or TL_NOMEM; *out is then
** NULL. Otherwise *out is a manifest to free with tl_manifest_free(). */
tl_rc tl_manifest_read(const char *path, tl_manifest **out,
                       void (*on_error)(const char *file, long line,
                                        const char *msg, void *ctx),
                       void *ctx);
/* An empty manifest, for callers that build the list themselves. */
tl_rc tl_manifest_new(tl_manifest **out);
/* Append an item (strings are copied; image as given). TL_USAGE, with
** *why (when not NULL; text of the calling thread) saying what is wrong:
** an empty or non-UTF-8 label or division, a label or image already in
** the list. */
tl_rc tl_manifest_add(tl_manifest *m, const char *label,
                      const char *division, const char *image,
                      const char **why);
int tl_manifest_count(const tl_manifest *m);
/* Item i (0-based) into *e; TL_USAGE when i is out of range. */
tl_rc tl_manifest_get(const tl_manifest *m, int i,
                      struct tl_manifest_entry *e);
void tl_manifest_free(tl_manifest *m);

/* Progress of tl_case_ingest_manifest(), handed to opts->progress about
** four times a second, always from the calling thread (borrowed, call
** only). */
struct tl_manifest_progress {
  uint32_t struct_size;     /* what the library filled */
  uint32_t n_items;
  uint32_t n_complete;      /* items stored in the case */
  uint32_t n_failed;        /* items that failed or were refused */
  uint32_t n_active;        /* items being walked or stored: items[] */
  uint32_t n_queued;        /* items not started yet */
  double elapsed_s;
  /* the active items, each as tl_case_ingest() reports one; stage is
  ** "queued" (its run row is written, a walker will take it next),
  ** "open", "walk", "artifacts", "hash", "staged" (walked), "waiting"
  ** (for the writer), "copy" (being stored), "index", "match" */
  const struct tl_progress *items;
};

/* One finished item (borrowed, call only). */
struct tl_manifest_item {
  uint32_t struct_size;     /* what the library filled */
  int index;                /* in the manifest, 0-based */
  long line;                /* in the manifest file */
  const char *label;
  const char *image;
  /* "complete", "failed", "exists" (already in the case: refused),
  ** "interrupted" or "not-started" (cancelled before its walk) */
  const char *status;
  tl_rc rc;                 /* TL_OK for complete */
  const char *message;      /* why it is not complete; NULL when it is */
  int64_t evidence_id;      /* complete items */
  int64_t run_id;           /* its run row, 0 when none was written */
  uint64_t n_objects;
  uint64_t n_events;
  const char *verification; /* complete items, else NULL */
  double elapsed_s;         /* from the start of its walk to its commit */
  const char *note;         /* a complete item's warning (tl_case_note),
                            ** else NULL */
};

/* Options for tl_case_ingest_manifest(). Zero-initialise, set
** struct_size; NULL: every default. */
struct tl_manifest_opts {
  uint32_t struct_size;     /* sizeof(struct tl_manifest_opts) */
  int jobs;                 /* items walked at once; 0: the number of
                            ** online processors */
  /* what every item is ingested with: fat_tz, no_hash, replace,
  ** command_line, cancel, wait_s, on_wait, plugins (label, division,
  ** progress are the manifest's and this struct's); may be NULL */
  const struct tl_ingest_opts *ingest;
  void (*progress)(const struct tl_manifest_progress *p, void *ctx);
  void (*on_item)(const struct tl_manifest_item *it, void *ctx);
  void *ctx;                /* for progress and on_item */
};

struct tl_manifest_result {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  uint32_t n_items;
  uint32_t n_complete;
  uint32_t n_failed;
  uint32_t n_exists;
  uint32_t n_interrupted;   /* interrupted or not started */
  uint64_t n_objects;       /* of the complete items */
  uint64_t n_events;
  double elapsed_s;
};

/* Ingest every item of m: `jobs` walkers at once, each into a private
** staging case next to the case (CASE.stage-PID-N, removed after), and
** this thread as the one writer, which copies each walked item into the
** case in one transaction of its own (and matches the register against
** it). Each item is atomic as with tl_case_ingest() and has its own run
** row; an item that fails (an unreadable image) fails alone. The case's
** write lock is taken for each run row and each copy, waiting as
** ingest->wait_s says; never during the walks. Callbacks come from this
** thread. Returns TL_OK when every item is complete, TL_EXISTS when the
** only ones not stored were already in the case, TL_FAILED when any
** failed (the others are kept), TL_INTERRUPTED when ingest->cancel was
** raised, or another code when the batch could not start (the message is
** on the handle). */
tl_rc tl_case_ingest_manifest(tl_case *c, const tl_manifest *m,
                              const struct tl_manifest_opts *opts,
                              struct tl_manifest_result *result);


/* Case stores (docs/POSTGRESQL.md). A case is a SQLite file (a path, the
** default) or a PostgreSQL database named by a libpq URI
** (postgresql://... or postgres://...: libpq's environment, service and
** password files apply; a password is never stored or printed). */

/* 1 when s names a PostgreSQL case (postgresql:// or postgres://). */
int tl_case_is_uri(const char *s);

/* uri into out (n bytes) with its password replaced by "***" (the
** user:PASSWORD@ part and a password= parameter); anything else as it is.
** For command lines and messages that are recorded or shown. */
void tl_case_redact_uri(const char *uri, char *out, size_t n);

/* 1 when this library was built with PostgreSQL support (libpq). */
int tl_postgresql_built(void);

struct tl_copy_opts {
  uint32_t struct_size;     /* sizeof(struct tl_copy_opts) */
  int replace;              /* empty a destination that has rows first
                            ** (else it is refused) */
  const struct tl_sink *report; /* one line per table: name, rows,
                            ** SHA-256 of its rows (NULL: none) */
  volatile int *cancel;     /* raised: stop, roll back (TL_INTERRUPTED) */
};

struct tl_copy_result {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  uint32_t n_tables;
  uint64_t n_rows;          /* rows copied, all tables */
  double copy_s;            /* the copy itself */
  double check_s;           /* counting and hashing both sides */
};

/* Copy the whole case src into dst (each a path or a PostgreSQL URI; a
** SQLite destination is created when absent, a PostgreSQL one gets the
** schema when it has none) in one transaction, then check it: every
** table's row count and the SHA-256 of its rows in primary-key order,
** computed alike on both sides, must be equal, else nothing is kept and
** the call fails naming the table. src must be a case of this schema
** version (TL_SCHEMA_VERSION). On failure *errmsg (when not NULL) is one
** line (thread-owned, valid until the next call in this thread). */
tl_rc tl_case_copy(const char *src, const char *dst,
                   const struct tl_copy_opts *opts,
                   struct tl_copy_result *result, const char **errmsg);


/* The work queue of a PostgreSQL case (docs/POSTGRESQL.md, "The work
** queue"): the items of manifest m recorded in the case's queue (created
** with the case schema when absent); an item whose label is queued
** already is left as it is. *n_added: how many were new. */
tl_rc tl_queue_add(const char *uri, const tl_manifest *m, uint32_t *n_added,
                   const char **errmsg);

/* One tab-separated line per queued item (label, division, state, the
** worker host:pid, attempts, objects, events, seconds, note, image), then
** the totals and the throughput. */
tl_rc tl_queue_status(const char *uri, const struct tl_sink *out,
                      const char **errmsg);

struct tl_worker_opts {
  uint32_t struct_size;     /* sizeof(struct tl_worker_opts) */
  uint32_t jobs;            /* items at once (threads); 0: 1 */
  int drain;                /* exit when nothing is waiting or running */
  int stale_s;              /* a claim whose heartbeat is older is taken
                            ** again (0: 60 s) */
  const char *stage_dir;    /* staging cases go here (NULL: /tmp) */
  const char *command_line; /* recorded in each run row (redact it) */
  const struct tl_ingest_opts *ingest; /* fat_tz, no_hash, plugins... */
  volatile int *cancel;
  /* each item claimed, done, failed, lost or interrupted; from the
  ** worker threads, one at a time; may be NULL */
  void (*on_item)(const char *label, const char *status, const char *msg,
                  void *ctx);
  void *ctx;
};

struct tl_worker_result {
  uint32_t struct_size;
  uint32_t n_done;
  uint32_t n_failed;
};

/* Work the queue of the case at uri: claim an item (FOR UPDATE SKIP
** LOCKED), ingest it into a local staging case, copy it into the case in
** one transaction with its run row and its queue row (on_item "warning":
** a warning of the passes after the copy, before its "done"); until cancelled,
** or with drain until nothing is waiting or running. TL_FAILED when an
** item failed (the others are kept). */
tl_rc tl_worker_run(const char *uri, const struct tl_worker_opts *opts,
                    struct tl_worker_result *result, const char **errmsg);

/* Ingest one image into the PostgreSQL case at uri directly (`touchline
** ingest URI IMAGE`): as a worker does with a queued item, the ordinary
** ingest into a staging SQLite case in stage_dir (NULL: TMPDIR, else
** /tmp), the case's register matched there, and the item copied in one
** transaction with its run row. TL_EXISTS: the label or the media is in
** the case already (nothing written but the run row). TL_OK with a
** non-empty *errmsg: stored, and that one line is a warning of the passes
** after the copy (copy candidates whose image could not be opened here:
** `targets URI match` hashes them). */
tl_rc tl_pg_ingest(const char *uri, const char *image,
                   const struct tl_ingest_opts *opts, const char *stage_dir,
                   struct tl_ingest_result *result, const char **errmsg);

/* The register commands on a PostgreSQL case (docs/POSTGRESQL.md, "The
** register"): what the matcher and the register reports read of the case
** (the register, the division and site maps, the matches, the items'
** objects, file systems, hashes and creation and modification events) is
** pulled into a temporary SQLite case; fn runs on its path (a SQLite
** command: import, match, list) and returns an exit status, kept in
** *fn_status. When write is set and fn returned 0, the register, the maps
** and the matches replace the case's and the content hashes fn computed
** are added, in one transaction under the lock item copies take (so no
** item arrives unmatched meanwhile). */
tl_rc tl_pg_register_edit(const char *uri, int write,
                          int (*fn)(const char *path, void *ctx), void *ctx,
                          int *fn_status, const char **errmsg);

/* tl_artifacts_add() on the PostgreSQL case at uri (`touchline artifacts
** URI add`, docs/POSTGRESQL.md, "Artifacts"): the same parse, checks,
** resolution and rows as on a SQLite case, run on a staging SQLite case in
** TMPDIR (else /tmp) and copied into the case in one transaction under
** the lock item copies take; the run row is the case's. The role needs
** INSERT on the case (an examiner). Returns as tl_artifacts_add();
** *errmsg: one line of the calling thread. */
tl_rc tl_pg_artifacts_add(const char *uri, int n_files,
                          const char *const *files,
                          const struct tl_artifacts_opts *opts,
                          struct tl_artifacts_result *res,
                          const char **errmsg);

struct tl_tidy_result {
  uint32_t struct_size;     /* set by the caller: sizeof(...) */
  uint32_t n_dropped;       /* empty event partitions of item copies that
                            ** did not finish, dropped */
  uint32_t n_in_flight;     /* partitions of copies in flight: left alone */
  uint32_t n_busy;          /* of dead copies, but `event` stayed busy
                            ** (copies, readers) past the wait: left */
  uint32_t n_full;          /* without their item but holding rows: left */
  int is_sqlite;            /* a SQLite case: nothing of the kind */
};

/* `touchline case tidy CASE` (docs/POSTGRESQL.md, "Tidy"): in a
** PostgreSQL case, the empty event partitions that item copies which
** failed or were killed left behind (their item not in the case, no copy
** of it in flight) dropped; busy ones tried again for up to wait_s
** seconds. The names of those dropped into dropped (n bytes, may be NULL).
** A SQLite case (checked to be one) has nothing to tidy: is_sqlite. Makes
** the case's tidy function when absent (the owner). */
tl_rc tl_case_tidy(const char *case_path, int wait_s,
                   struct tl_tidy_result *result, char *dropped, size_t n,
                   const char **errmsg);

/* `touchline upgrade URI`: PostgreSQL cases are made at the current
** schema version, so no migration applies yet (*from_version 0: already
** current); makes the case's functions of this version when absent (the
** owner). TL_ABI: a newer case; TL_FAILED: not a case, or an older one. */
tl_rc tl_pg_upgrade(const char *uri, int *from_version, const char **errmsg);

#ifdef __cplusplus
}
#endif

#include <touchline/query.h>

#endif /* TOUCHLINE_H */
