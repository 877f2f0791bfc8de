/*
** The plugin host (docs/PLUGIN-ABI.md): the registry of parsers (built-in
** ones from builtin.c, loaded ones from shared objects), the loader and the
** host table of include/touchline/plugin.h. It knows nothing of cases: a
** caller runs a parser on an input and gets each checked event through a
** callback (plugin/artifacts.c stores them).
*/
#ifndef TL_PLUGIN_HOST_INT_H
#define TL_PLUGIN_HOST_INT_H

#include <stddef.h>
#include <stdint.h>
#include <touchline/plugin.h>

/* Longest plugin path the loader accepts. */
#define TL_PLUGIN_PATH_MAX 4096
/* Most attributes an event may carry; more is a malformed event. */
#define TL_PLUGIN_MAX_ATTRS 256

/* One module: a shared object or a built-in init function. */
typedef struct Tl_pmod {
  char *path;             /* the file loaded, NULL for a built-in */
  void *dl;               /* dlopen handle, NULL for a built-in */
  char sha256[65];        /* of the file; "" for a built-in */
  int builtin;
} Tl_pmod;

/* One registered parser: the descriptor copied, its strings too. */
typedef struct Tl_preg {
  struct tl_parser p;     /* name/version/description point to the copies */
  char *name, *version, *description;
  int mod;                /* index into Tl_phost.mods */
} Tl_preg;

typedef struct Tl_phost {
  Tl_pmod *mods;
  int n_mods;
  Tl_preg *parsers;
  int n_parsers;
  char errmsg[1024];      /* the last failure */
} Tl_phost;

/* A host with the built-in parsers registered (builtin.c). */
tl_rc Tl_phost_new(Tl_phost **out);
void Tl_phost_free(Tl_phost *h);

/* Load one shared object: dlopen(RTLD_NOW|RTLD_LOCAL), its tl_plugin_init
** with the host table. TL_USAGE for an empty or overlong path, TL_IO when
** it cannot be opened, TL_ABI for another major (the plugin said so, or
** it registered nothing and its init returned TL_ABI), TL_FAILED when init
** failed (the module is closed, its registrations dropped). The reason is
** in h->errmsg, naming the file. */
tl_rc Tl_phost_load(Tl_phost *h, const char *path);

/* Load every "*.so" in a folder (sorted by name); a missing folder is no
** error. Stops at the first failure. */
tl_rc Tl_phost_load_dir(Tl_phost *h, const char *dir);

/* TOUCHLINE_PLUGIN_PATH: ':'-separated folders or files, loaded in order;
** unset or empty: nothing. */
tl_rc Tl_phost_load_env(Tl_phost *h);

/* The install's plugin folder (PLUGINDIR of configure). */
const char *Tl_phost_plugindir(void);

const Tl_preg *Tl_phost_find(const Tl_phost *h, const char *name);

/* The parser for a file at path (as found or given) whose first len bytes
** are head: the claims first (names, globs, streams, signature; fold:
** case-blind), then the highest bid(). NULL when none wants it. */
const Tl_preg *Tl_phost_choose(const Tl_phost *h, const char *path,
                               const uint8_t *head, size_t len, int fold);

/* 1 when parser p claims path by name, glob or stream. */
int Tl_preg_claims(const Tl_preg *p, const char *path, int fold);

/* One input handed to a parser. */
typedef struct Tl_pinput_ops {
  uint64_t size;
  /* Read up to len bytes at off. */
  tl_rc (*read)(void *rctx, uint64_t off, void *buf, size_t len,
                size_t *got);
  void *rctx;
  const char *path;
  const char *profile;
  /* Each event that passed the host's checks; the callback copies what it
  ** keeps. A non-OK return stops the parse (emit returns TL_STOP). */
  tl_rc (*on_event)(void *ectx, const struct tl_artifact_event *ev);
  void (*on_warn)(void *ectx, const char *msg);
  /* Each fact that passed the checks (api->fact, ABI 1.1); NULL: facts
  ** are accepted and dropped. Non-OK stops the parse like on_event. */
  tl_rc (*on_fact)(void *ectx, const char *key, const char *value);
  void *ectx;
} Tl_pinput_ops;

/* What one parse did. */
typedef struct Tl_presult {
  tl_rc rc;               /* what parse() returned */
  int failed;             /* rc was neither TL_OK, TL_WARN nor TL_CORRUPT:
                          ** the file's events must be dropped */
  uint64_t n_events;      /* events passed to on_event */
  uint64_t n_corrupt;     /* api->corrupt calls */
  uint64_t n_refused;     /* malformed events the host refused */
  uint64_t n_warn;
  uint64_t n_facts;       /* facts passed to on_fact */
  tl_rc sink_rc;          /* the first non-OK return of on_event */
  char first_problem[256];/* the first corrupt record or refused event */
} Tl_presult;

void Tl_phost_parse(const Tl_preg *p, const Tl_pinput_ops *ops,
                    Tl_presult *r);

/* The name of an event kind ("opened"), NULL for none. */
const char *Tl_event_kind_name(uint32_t kind);

/* The host table (abi 1.1). */
extern const struct tl_host_api Tl_host_api;

/* Built-in modules (builtin.c): NULL-terminated. */
typedef struct Tl_builtin {
  const char *name;
  tl_plugin_init_fn init;
} Tl_builtin;
extern const Tl_builtin Tl_builtins[];

#endif
