/*
** touchline: the artifact parser ABI (docs/PLUGIN-ABI.md).
**
** A plugin is a shared object with one exported symbol, tl_plugin_init
** (TL_PLUGIN_ENTRY below). The host calls it with a table of host
** functions; inside it the plugin registers one or more parsers, each a
** static const descriptor saying which files it claims. During an ingest
** the host hands every claimed file to the parser's parse(), which reads
** it through the table and emits events. The parsers that touchline ships
** (plugins/<name>/) are built through exactly this header.
**
** The promise (docs/PLUGIN-ABI.md): within one TL_PLUGIN_ABI_MAJOR the
** host table and the descriptor only grow at their end; a plugin built
** against 1.n runs on every host 1.m with m >= n. A plugin that needs a
** function added in 1.n checks api->abi_minor >= n first.
**
** Ownership: everything the host hands a plugin (the input, paths, the
** table) is borrowed for the duration of the call. Everything a plugin
** hands the host (an event, its strings and attributes) is copied before
** the call returns, so it may live on the plugin's stack. Memory the
** host returns is freed with api->free.
**
** A plugin never sees SQLite, libtsk or libewf: the case store and the
** image layer may change under it.
*/
#ifndef TOUCHLINE_PLUGIN_H
#define TOUCHLINE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <touchline/touchline.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TL_PLUGIN_ABI_MAJOR 1
#define TL_PLUGIN_ABI_MINOR 1

/* The host's context of one registration (inside init) and of one claimed
** file (inside parse). Opaque. */
typedef struct tl_plugin_ctx tl_plugin_ctx;
typedef struct tl_input tl_input;
struct tl_host_api;

/* What happened. Append only: values never move (stored in the case as
** their names, docs/PLUGIN-ABI.md lists them). */
enum tl_event_kind {
  TL_EV_NONE = 0,
  TL_EV_CREATED = 1,      /* the file came into being */
  TL_EV_MODIFIED = 2,     /* its content was written */
  TL_EV_ACCESSED = 3,     /* read (a file-system access time, a log) */
  TL_EV_OPENED = 4,       /* opened by a user (LNK, jump list, MRU) */
  TL_EV_EXECUTED = 5,     /* run as a program (prefetch, UserAssist) */
  TL_EV_RENAMED = 6,      /* its name changed (old/new in attributes) */
  TL_EV_DELETED = 7,      /* removed (USN, Recycle Bin) */
  TL_EV_COPIED = 8,       /* a copy was made */
  TL_EV_DOWNLOADED = 9,   /* taken out (M365 FileDownloaded, ...) */
  TL_EV_SHARED = 10,      /* made available to others */
  TL_EV_CHANGED = 11,     /* its metadata changed (attributes, security) */
  TL_EV_OBSERVED = 12,    /* a time the artifact recorded about the file
                          ** (the target times stored in a LNK file) */
  TL_EV_LOGON = 13,
  TL_EV_LOGOFF = 14,
  /* ABI 1.1 and later */
  TL_EV_LOADED = 15,      /* read by a program as it ran (prefetch's file
                          ** list) */
  TL_EV_UPLOADED = 16,    /* put into a store from elsewhere (M365
                          ** FileUploaded) */
  TL_EV_PREVIEWED = 17,   /* shown without being opened in full (M365
                          ** FilePreviewed; a browser may prefetch it) */
  TL_EV_LAST              /* never use: a host rejects kinds >= its own
                          ** TL_EV_LAST, so check api->abi_minor >= 1
                          ** before emitting a kind of ABI 1.1 */
};

/* A reference to a file as the artifact names it. */
enum tl_ref_kind {
  TL_REF_NONE = 0,
  TL_REF_MFT = 1,         /* mft_entry + mft_seq on the file system the
                          ** artifact was found on (USN journal) */
  TL_REF_PATH = 2         /* path as written: "C:\\Users\\x\\a.docx",
                          ** "\\\\fs01\\share\\a.docx", "E:\\a.docx" */
};

struct tl_file_ref {
  uint32_t kind;          /* enum tl_ref_kind */
  uint64_t mft_entry;
  uint32_t mft_seq;
  const char *path;       /* UTF-8; NULL unless TL_REF_PATH */
};

/* One key/value detail of an event (access mask, USN reason flags, run
** count, volume serial, ...). UTF-8 text. */
struct tl_attr {
  const char *key;
  const char *value;
};

/* One event, handed to api->emit(). Zero it, set struct_size, fill what
** the artifact says. (struct tl_event of query.h is an event as the case
** returns it; this is one a parser gives the host.) */
struct tl_artifact_event {
  uint32_t struct_size;   /* sizeof(struct tl_artifact_event) */
  uint32_t kind;          /* enum tl_event_kind */
  int64_t t_ns;           /* the instant: ns since 1970-01-01T00:00:00Z */
  int has_raw;            /* raw below is set */
  int64_t raw;            /* the on-disk value (a FILETIME, ...) */
  int clamped;            /* t_ns was clamped (api->filetime_to_ns) */
  struct tl_file_ref file;    /* the file the event concerns */
  struct tl_file_ref parent;  /* its folder, when the artifact names it */
  const char *name;       /* the file's name when no full path is known */
  const char *actor;      /* account, SID or profile; NULL when unknown */
  uint64_t record_offset; /* where the record starts in the artifact */
  const char *what;       /* short text for people: "USN: file create,
                          ** close", "LNK: target opened" */
  const struct tl_attr *attrs;
  size_t n_attrs;
};

/* What a parser claims: the host notes these files during its one pass
** over each file system and hands each to the parser once. NULL-terminated
** lists; NULL for none. */
struct tl_claim {
  const char *const *globs;   /* path globs on the volume, case-blind on
                              ** Windows file systems: "/Users/ * /AppData/
                              ** Roaming/Microsoft/Windows/Recent/ *.lnk"
                              ** (without the blanks), "** / *.lnk" */
  const char *const *names;   /* file names in any folder: "INFO2" */
  const char *const *streams; /* NTFS special files and named streams:
                              ** "/$Extend/$UsnJrnl:$J" */
  const uint8_t *signature;   /* content signature at signature_off */
  size_t signature_len;
  uint64_t signature_off;
};

/* Capability bits of a parser. Never reuse a bit. */
#define TL_CAP_THREADSAFE (1u << 0)  /* parse() may run in several threads */

/* The parser descriptor: static const in the plugin; the host copies it. */
#define TL_PARSER_STRUCT_VERSION 1
struct tl_parser {
  uint32_t struct_version;    /* TL_PARSER_STRUCT_VERSION */
  const char *name;           /* short, unique: "usnjrnl", "lnk" */
  const char *version;        /* the parser's own version: "1.0.0" */
  const char *description;
  uint32_t caps;              /* TL_CAP_* */
  struct tl_claim claim;
  /* Optional. Given the first len bytes of a candidate file, return the
  ** number of bits of it verified as this format, 0 for "not mine". No
  ** I/O, no allocation (libarchive's bidding rule). */
  int (*bid)(const uint8_t *head, size_t len);
  /* Parse one claimed file: read it with api->read_at, emit its events.
  ** Return TL_OK; TL_CORRUPT when records were skipped (each reported
  ** with api->corrupt); TL_FAILED when nothing of it could be used. A
  ** parse that fails loses that file's events only. */
  tl_rc (*parse)(const struct tl_host_api *api, tl_input *in);
};

/* The host's table: append only, under "ABI 1.n and later" markers. */
struct tl_host_api {
  uint32_t abi_major;         /* TL_PLUGIN_ABI_MAJOR of the host */
  uint32_t abi_minor;
  uint32_t struct_size;       /* sizeof(struct tl_host_api) of the host */

  /* Inside init only: register a parser (the descriptor is copied).
  ** TL_USAGE outside init or for a bad descriptor, TL_EXISTS for a name
  ** already registered, TL_ABI for a struct_version the host lacks. */
  tl_rc (*register_parser)(tl_plugin_ctx *ctx, const struct tl_parser *p);

  /* The claimed file. */
  uint64_t (*input_size)(tl_input *in);
  /* Read up to len bytes at off into buf; *got is what was read (less at
  ** the end of the file; sparse ranges read as zeros). TL_IO on a read
  ** error. */
  tl_rc (*read_at)(tl_input *in, uint64_t off, void *buf, size_t len,
                   size_t *got);
  /* The file's path: inside the evidence ("/Users/x/.../a.lnk", streams
  ** as "path:stream") or, for a file added with `artifacts add`, as
  ** given. Borrowed for the call. */
  const char *(*input_path)(tl_input *in);
  /* The user profile the file lies in ("x" for /Users/x/...), or NULL. */
  const char *(*input_profile)(tl_input *in);

  /* Results. emit copies the event: TL_OK, TL_USAGE for a malformed event
  ** (counted as corrupt), TL_STOP when the host wants no more. */
  tl_rc (*emit)(tl_input *in, const struct tl_artifact_event *ev);
  /* A record at off is bad and was skipped (counted, shown in `info`). */
  void (*corrupt)(tl_input *in, uint64_t off, const char *why);
  /* A note for the examiner (a warning row of the evidence item). */
  void (*warn)(tl_input *in, const char *msg);

  /* Helpers. */
  int64_t (*filetime_to_ns)(uint64_t filetime, int *clamped);
  void *(*alloc)(size_t n);
  void (*free)(void *p);

  /* ABI 1.1 and later (check api->abi_minor >= 1). */

  /* A fact about the evidence item the file belongs to, not about one
  ** file: "host.name" = "FS01", "ntfs.last_access" = "off",
  ** "share.Space" = "C:\\Shares\\Space", "evtx.security.ids" = "4624 4663".
  ** key: 1-128 bytes of [a-z0-9._-] then, after the first '.', any UTF-8
  ** without control characters (share names keep their case); value:
  ** UTF-8, at most 4096 bytes. The host copies both and stores them with
  ** the parser and the artifact file (`info` shows them; the resolver
  ** reads "share.*" and "host.name"). Documented keys: docs/PLUGIN-ABI.md.
  ** TL_OK, TL_USAGE for a bad key or value. */
  tl_rc (*fact)(tl_input *in, const char *key, const char *value);

  /* ABI 1.2 and later: append here. */
};

/* The entry point: the one exported symbol of a plugin. Return TL_OK after
** registering; on failure set *errmsg to text allocated with api->alloc
** (the host frees it) or leave it NULL. A plugin checks
** api->abi_major == TL_PLUGIN_ABI_MAJOR first and returns TL_ABI when
** it differs. */
typedef tl_rc (*tl_plugin_init_fn)(const struct tl_host_api *api,
                                   tl_plugin_ctx *ctx, char **errmsg);
#define TL_PLUGIN_INIT_SYMBOL "tl_plugin_init"

/* Declare the entry point: TL_PLUGIN_ENTRY(lnk) is tl_plugin_init in a
** plugin built as its own shared object, and tl_builtin_lnk_init when
** built into libtouchline (TL_PLUGIN_BUILTIN defined), so that built-in
** parsers can sit side by side. */
#ifdef TL_PLUGIN_BUILTIN
#define TL_PLUGIN_ENTRY(name) tl_builtin_##name##_init
#define TL_PLUGIN_EXPORT
#else
#define TL_PLUGIN_ENTRY(name) tl_plugin_init
#define TL_PLUGIN_EXPORT __attribute__((visibility("default")))
/* the prototype, so that a plugin builds with -Wmissing-prototypes */
TL_PLUGIN_EXPORT tl_rc tl_plugin_init(const struct tl_host_api *api,
                                      tl_plugin_ctx *ctx, char **errmsg);
#endif

#ifdef __cplusplus
}
#endif
#endif /* TOUCHLINE_PLUGIN_H */
