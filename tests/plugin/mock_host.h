/*
** A mock of the plugin host (include/touchline/plugin.h) for parser unit
** tests: it registers parsers, runs one on a file or a memory buffer and
** keeps a deep copy of every event it emits, so a test can assert values
** without an image or a case. Not thread-safe; one run at a time.
*/
#ifndef TL_MOCK_HOST_H
#define TL_MOCK_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <touchline/plugin.h>

#define MOCK_MAX_ATTRS 32

/* One emitted event, copied. */
struct mock_event {
  struct tl_artifact_event ev;           /* strings below point into this copy */
  char *file_path, *parent_path, *name, *actor, *what;
  struct tl_attr attrs[MOCK_MAX_ATTRS];
  size_t n_attrs;
};

struct mock_run {
  tl_rc rc;                     /* what parse() returned */
  struct mock_event *events;
  size_t n_events;
  size_t n_corrupt;             /* api->corrupt calls */
  size_t n_warn;                /* api->warn calls */
  size_t n_bad_emit;            /* emits the host refused as malformed */
  char **fact_keys, **fact_values; /* api->fact calls (ABI 1.1), copied */
  size_t n_facts;
  char last_corrupt[256], last_warn[256];
};

/* The host table every mock run uses (abi 1.1). */
extern const struct tl_host_api mock_api;

/* Call a plugin's init function with the mock table; returns its rc. The
** parsers it registers are kept (up to 16) and found by name. */
tl_rc mock_init(tl_plugin_init_fn init);
const struct tl_parser *mock_parser(const char *name);

/* Run parser p on len bytes at data, as if found at path (profile may be
** NULL). Results go to *r (free with mock_run_free). */
void mock_run_buf(const struct tl_parser *p, const void *data, size_t len,
                  const char *path, const char *profile, struct mock_run *r);
/* A whole file in a malloc'd buffer (one NUL byte after its *len bytes),
** or NULL when it cannot be read whole. */
unsigned char *mock_slurp(const char *file, size_t *len);
/* The same on a file read whole; returns -1 when it cannot be read. */
int mock_run_file(const struct tl_parser *p, const char *file,
                  const char *profile, struct mock_run *r);
void mock_run_free(struct mock_run *r);

/* The value of attribute key of event e, or NULL. */
const char *mock_attr(const struct mock_event *e, const char *key);

/* The value of the last fact key stated in r, or NULL. */
const char *mock_fact(const struct mock_run *r, const char *key);

/* ISO 8601 UTC with 7 fractional digits ("2023-06-05T10:11:12.1234567Z")
** of t_ns, into buf (96 bytes). */
const char *mock_time(int64_t t_ns, char *buf);

/* Under the sanitizers (TL_SANITIZERS=yes): execute the test again with
** the fast unwinder and without leak checks (mock_host.c says why). */
void mock_fast_unwind(char **argv);

#endif
