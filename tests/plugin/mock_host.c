/*
** The mock plugin host (mock_host.h).
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mock_host.h"

struct tl_plugin_ctx {
  int in_init;
};

struct tl_input {
  const unsigned char *data;
  size_t len;
  const char *path, *profile;
  struct mock_run *r;
};

static struct tl_parser parsers[16];
static int n_parsers;

static tl_rc
m_register(tl_plugin_ctx *ctx, const struct tl_parser *p)
{
  int i;
  if(!ctx || !ctx->in_init || !p || !p->name || !p->parse)
    return TL_USAGE;
  if(p->struct_version != TL_PARSER_STRUCT_VERSION)
    return TL_ABI;
  for(i = 0; i < n_parsers; i++)
    if(!strcmp(parsers[i].name, p->name))
      return TL_EXISTS;
  if(n_parsers == 16)
    return TL_NOMEM;
  parsers[n_parsers++] = *p;
  return TL_OK;
}

static uint64_t
m_size(tl_input *in)
{
  return in->len;
}

static tl_rc
m_read_at(tl_input *in, uint64_t off, void *buf, size_t len, size_t *got)
{
  size_t n = 0;
  if(off < in->len) {
    n = in->len - (size_t)off;
    if(n > len)
      n = len;
    memcpy(buf, in->data + off, n);
  }
  *got = n;
  return TL_OK;
}

static const char *
m_path(tl_input *in)
{
  return in->path;
}

static const char *
m_profile(tl_input *in)
{
  return in->profile;
}

static char *
dup_or_null(const char *s)
{
  return s ? strdup(s) : NULL;
}

static tl_rc
m_emit(tl_input *in, const struct tl_artifact_event *ev)
{
  struct mock_run *r = in->r;
  struct mock_event *e, *ne;
  size_t i;
  if(!ev || ev->struct_size < sizeof(*ev) || !ev->kind ||
     ev->kind >= TL_EV_LAST || ev->n_attrs > MOCK_MAX_ATTRS ||
     (ev->n_attrs && !ev->attrs)) {
    r->n_bad_emit++;
    return TL_USAGE;
  }
  ne = realloc(r->events, sizeof(*ne) * (r->n_events + 1));
  if(!ne)
    return TL_NOMEM;
  r->events = ne;
  e = &r->events[r->n_events++];
  memset(e, 0, sizeof(*e));
  e->ev = *ev;
  e->ev.file.path = e->file_path = dup_or_null(ev->file.path);
  e->ev.parent.path = e->parent_path = dup_or_null(ev->parent.path);
  e->ev.name = e->name = dup_or_null(ev->name);
  e->ev.actor = e->actor = dup_or_null(ev->actor);
  e->ev.what = e->what = dup_or_null(ev->what);
  for(i = 0; i < ev->n_attrs; i++) {
    e->attrs[i].key = dup_or_null(ev->attrs[i].key);
    e->attrs[i].value = dup_or_null(ev->attrs[i].value);
  }
  e->n_attrs = ev->n_attrs;
  e->ev.attrs = e->attrs;
  return TL_OK;
}

static void
m_corrupt(tl_input *in, uint64_t off, const char *why)
{
  in->r->n_corrupt++;
  snprintf(in->r->last_corrupt, sizeof(in->r->last_corrupt), "@%llu: %s",
           (unsigned long long)off, why ? why : "");
}

static void
m_warn(tl_input *in, const char *msg)
{
  in->r->n_warn++;
  snprintf(in->r->last_warn, sizeof(in->r->last_warn), "%s",
           msg ? msg : "");
}

static tl_rc
m_fact(tl_input *in, const char *key, const char *value)
{
  struct mock_run *r = in->r;
  char **k, **v;
  if(!key || !*key || !value)
    return TL_USAGE;
  k = realloc(r->fact_keys, (r->n_facts + 1) * sizeof(*k));
  if(!k)
    return TL_NOMEM;
  r->fact_keys = k;
  v = realloc(r->fact_values, (r->n_facts + 1) * sizeof(*v));
  if(!v)
    return TL_NOMEM;
  r->fact_values = v;
  k[r->n_facts] = strdup(key);
  v[r->n_facts] = strdup(value);
  r->n_facts++;
  return TL_OK;
}

const char *
mock_fact(const struct mock_run *r, const char *key)
{
  size_t i = r->n_facts;
  while(i-- > 0)
    if(!strcmp(r->fact_keys[i], key))
      return r->fact_values[i];
  return NULL;
}

/* FILETIME to ns since 1970 with clamping, like the library's. */
static int64_t
m_filetime(uint64_t ft, int *clamped)
{
  const int64_t epoch = INT64_C(116444736000000000);
  int64_t t = (int64_t)(ft > (uint64_t)INT64_MAX ? INT64_MAX : ft) - epoch;
  if(clamped)
    *clamped = 0;
  if(ft > (uint64_t)INT64_MAX || t > INT64_MAX / 100) {
    if(clamped)
      *clamped = 1;
    return INT64_MAX;
  }
  if(t < INT64_MIN / 100) {
    if(clamped)
      *clamped = 1;
    return INT64_MIN;
  }
  return t * 100;
}

static void *
m_alloc(size_t n)
{
  return malloc(n);
}

static void
m_free(void *p)
{
  free(p);
}

const struct tl_host_api mock_api = {
  TL_PLUGIN_ABI_MAJOR, TL_PLUGIN_ABI_MINOR, sizeof(struct tl_host_api),
  m_register, m_size, m_read_at, m_path, m_profile, m_emit, m_corrupt,
  m_warn, m_filetime, m_alloc, m_free, m_fact
};

tl_rc
mock_init(tl_plugin_init_fn init)
{
  tl_plugin_ctx ctx;
  char *err = NULL;
  tl_rc rc;
  ctx.in_init = 1;
  rc = init(&mock_api, &ctx, &err);
  if(err) {
    fprintf(stderr, "# init: %s\n", err);
    free(err);
  }
  return rc;
}

const struct tl_parser *
mock_parser(const char *name)
{
  int i;
  for(i = 0; i < n_parsers; i++)
    if(!strcmp(parsers[i].name, name))
      return &parsers[i];
  return NULL;
}

void
mock_run_buf(const struct tl_parser *p, const void *data, size_t len,
             const char *path, const char *profile, struct mock_run *r)
{
  struct tl_input in;
  memset(r, 0, sizeof(*r));
  in.data = data;
  in.len = len;
  in.path = path;
  in.profile = profile;
  in.r = r;
  r->rc = p->parse(&mock_api, &in);
}

unsigned char *
mock_slurp(const char *file, size_t *len)
{
  FILE *f = fopen(file, "rb");
  unsigned char *b = NULL;
  long n;
  if(!f)
    return NULL;
  if(!fseek(f, 0, SEEK_END) && (n = ftell(f)) >= 0 &&
     !fseek(f, 0, SEEK_SET) && (b = malloc((size_t)n + 1))) {
    if(fread(b, 1, (size_t)n, f) != (size_t)n) {
      free(b);
      b = NULL;
    }
    else {
      b[n] = 0;
      *len = (size_t)n;
    }
  }
  fclose(f);
  return b;
}

int
mock_run_file(const struct tl_parser *p, const char *file,
              const char *profile, struct mock_run *r)
{
  size_t len = 0;
  unsigned char *buf = mock_slurp(file, &len);
  if(!buf)
    return -1;
  mock_run_buf(p, buf, len, file, profile, r);
  free(buf);
  return 0;
}

void
mock_run_free(struct mock_run *r)
{
  size_t i, j;
  for(i = 0; i < r->n_events; i++) {
    struct mock_event *e = &r->events[i];
    free(e->file_path);
    free(e->parent_path);
    free(e->name);
    free(e->actor);
    free(e->what);
    for(j = 0; j < e->n_attrs; j++) {
      free((char *)e->attrs[j].key);
      free((char *)e->attrs[j].value);
    }
  }
  free(r->events);
  for(i = 0; i < r->n_facts; i++) {
    free(r->fact_keys[i]);
    free(r->fact_values[i]);
  }
  free(r->fact_keys);
  free(r->fact_values);
  memset(r, 0, sizeof(*r));
}

const char *
mock_attr(const struct mock_event *e, const char *key)
{
  size_t i;
  for(i = 0; i < e->n_attrs; i++)
    if(e->attrs[i].key && !strcmp(e->attrs[i].key, key))
      return e->attrs[i].value;
  return NULL;
}

const char *
mock_time(int64_t t_ns, char *buf)
{
  int64_t s = t_ns / 1000000000, f = t_ns % 1000000000;
  time_t tt;
  struct tm tm;
  if(f < 0) {
    f += 1000000000;
    s--;
  }
  tt = (time_t)s;
  gmtime_r(&tt, &tm);
  snprintf(buf, 96, "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           (int)(f / 100));
  return buf;
}

/* Under the sanitizers, for test_evtx: libevtx 20181227 leaks the binary
** XML of damaged records (tests/lsan.supp), and with the fast unwinder the
** harness uses its stacks stop at the allocating libfwevt/libfvalue/
** libcdata function, too short to tell those leaks from any other of that
** library: the test runs again without leak checks. The fuzz replays and
** the end-to-end tests in the touchline process still check the parser's
** own. (Before the harness used the fast unwinder, this also cut the
** test's time from 9 minutes to 30 s.) */
void
mock_fast_unwind(char **argv)
{
  const char *san = getenv("TL_SANITIZERS"), *old = getenv("ASAN_OPTIONS");
  char opts[2048];
  if(!san || strcmp(san, "yes") || getenv("TL_MOCK_REEXEC"))
    return;
  snprintf(opts, sizeof(opts), "%s%sfast_unwind_on_malloc=1:detect_leaks=0",
           old ? old : "", old && *old ? ":" : "");
  setenv("ASAN_OPTIONS", opts, 1);
  setenv("TL_MOCK_REEXEC", "1", 1);
  execv("/proc/self/exe", argv);    /* on failure: on, slowly */
}
