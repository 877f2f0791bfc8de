/*
** The public query API (include/touchline/query.h) on a real case: the
** sample image samples/evidence/WS17.E01 (NTFS at sector 2048) ingested
** into a temporary case, then read back through tl_query_objects(),
** tl_query_events() and tl_timeline_export(), compared with fls and istat.
** Also the struct_size rule: older, smaller options and result structs are
** accepted; a newer one with unknown non-zero fields is refused.
*/
#define _GNU_SOURCE
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <touchline/touchline.h>
#include "tap.h"

#define TODO "/Users/mbauer/Desktop/ToDo.txt"

static char image[4096];
static int have_tsk;

/* ---- collectors ------------------------------------------------------- */

struct objs {
  int n, n_deleted;
  char **paths;
  int cap;
  int stop_after;           /* > 0: stop after that many */
  int64_t todo_inode, todo_size;
  int todo_attr_type, todo_attr_id, todo_deleted;
  char todo_alloc[32], todo_fs[16];
  uint32_t struct_size;
};

static int
on_obj(const struct tl_object *o, void *ctx)
{
  struct objs *s = ctx;
  if(s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->paths = realloc(s->paths, (size_t)s->cap * sizeof(char *));
  }
  s->paths[s->n++] = strndup(o->path, o->path_len);
  s->n_deleted += o->deleted;
  s->struct_size = o->struct_size;
  if(!strcmp(o->path, TODO)) {
    s->todo_inode = o->inode;
    s->todo_size = o->size;
    s->todo_attr_type = o->has_attr ? o->attr_type : -1;
    s->todo_attr_id = o->attr_id;
    s->todo_deleted = o->deleted;
    snprintf(s->todo_alloc, sizeof(s->todo_alloc), "%s", o->alloc);
    snprintf(s->todo_fs, sizeof(s->todo_fs), "%s", o->fs_type);
  }
  return s->stop_after > 0 && s->n >= s->stop_after;
}

static void
objs_free(struct objs *s)
{
  int i;
  for(i = 0; i < s->n; i++)
    free(s->paths[i]);
  free(s->paths);
  memset(s, 0, sizeof(*s));
}

struct evs {
  int n, n_si, n_fn, n_clamped, n_raw;
  int64_t last_t;
  int ordered;
  /* the events of ToDo.txt, in the order they came */
  int nt;
  int64_t t[8], raw[8];
  char src[8][8], macb[8][5];
  int fn_attr[8], filetime[8];
  int64_t obj_id;
};

static int
on_ev(const struct tl_event *e, void *ctx)
{
  struct evs *s = ctx;
  if(s->n && e->t_ns < s->last_t)
    s->ordered = 0;
  s->last_t = e->t_ns;
  s->n++;
  s->n_si += !strcmp(e->source, "$SI");
  s->n_fn += !strcmp(e->source, "$FN");
  s->n_clamped += e->clamped;
  s->n_raw += e->has_raw;
  if(!strcmp(e->object->path, TODO) && s->nt < 8) {
    s->t[s->nt] = e->t_ns;
    s->raw[s->nt] = e->raw;
    snprintf(s->src[s->nt], sizeof(s->src[0]), "%s", e->source);
    snprintf(s->macb[s->nt], sizeof(s->macb[0]), "%s", e->macb);
    s->fn_attr[s->nt] = e->fn_attr_id;
    s->filetime[s->nt] = e->filetime;
    s->obj_id = e->object->object_id;
    s->nt++;
  }
  return 0;
}

/* A sink into memory; refuses once over `limit` bytes when limit > 0. */
struct mem {
  char *buf;
  size_t n, cap, limit;
};

static int
mem_write(void *ctx, const void *buf, size_t len)
{
  struct mem *m = ctx;
  if(m->limit && m->n + len > m->limit)
    return -1;
  if(m->n + len + 1 > m->cap) {
    m->cap = (m->n + len + 1) * 2;
    m->buf = realloc(m->buf, m->cap);
  }
  memcpy(m->buf + m->n, buf, len);
  m->n += len;
  m->buf[m->n] = '\0';
  return 0;
}

static int
count_lines(const char *s)
{
  int n = 0;
  for(; s && *s; s++)
    n += *s == '\n';
  return n;
}

/* ---- the TSK side ------------------------------------------------------- */

/* fls -r -m / lines that are objects: all but the " ($FILE_NAME)" ones. */
static int
fls_objects(char ***paths, int *n_deleted)
{
  char cmd[4200], line[8192];
  FILE *p;
  int n = 0, cap = 0;
  *paths = NULL;
  *n_deleted = 0;
  snprintf(cmd, sizeof(cmd), "fls -r -m / -o 2048 '%s'", image);
  if(!(p = popen(cmd, "r")))
    return -1;
  while(fgets(line, sizeof(line), p)) {
    char *a = strchr(line, '|'), *b;
    size_t l;
    if(!a || !(b = strchr(a + 1, '|')))
      continue;
    *b = '\0';
    a++;
    if(strstr(a, " ($FILE_NAME)"))
      continue;
    l = strlen(a);
    if(l > 10 && !strcmp(a + l - 10, " (deleted)")) {
      a[l - 10] = '\0';
      ++*n_deleted;
    }
    if(n == cap) {
      cap = cap ? cap * 2 : 64;
      *paths = realloc(*paths, (size_t)cap * sizeof(char *));
    }
    (*paths)[n++] = strdup(a);
  }
  return pclose(p) ? -1 : n;
}

/* istat's $STANDARD_INFORMATION times of entry 121 (ToDo.txt), in m, a,
** c, b order, as ns since 1970. */
static int
istat_si(int64_t t[4])
{
  static const char *const key[4] = {"File Modified:", "Accessed:",
                                     "MFT Modified:", "Created:"};
  char cmd[4200], line[1024];
  FILE *p;
  int in_si = 0, got = 0, i;
  snprintf(cmd, sizeof(cmd), "istat -o 2048 '%s' 121", image);
  if(!(p = popen(cmd, "r")))
    return -1;
  while(fgets(line, sizeof(line), p)) {
    if(!strncmp(line, "$STANDARD_INFORMATION Attribute Values", 38))
      in_si = 1;
    else if(!strncmp(line, "$FILE_NAME Attribute Values", 27))
      in_si = 0;
    if(!in_si)
      continue;
    for(i = 0; i < 4; i++) {
      struct tm tm;
      long frac;
      char *v;
      if(strncmp(line, key[i], strlen(key[i])))
        continue;
      v = line + strlen(key[i]);
      memset(&tm, 0, sizeof(tm));
      if(!(v = strptime(v, " %Y-%m-%d %H:%M:%S", &tm)) ||
         sscanf(v, ".%ld", &frac) != 1)
        continue;
      t[i] = (int64_t)timegm(&tm) * TL_NS_PER_SEC + frac;
      got |= 1 << i;
    }
  }
  pclose(p);
  return got == 15 ? 0 : -1;
}

/* ---- the tests ---------------------------------------------------------- */

int
main(void)
{
  const char *src = getenv("TL_SRCDIR");
  char dir[] = "/tmp/tl-query.XXXXXX", path[256];
  const char *err = NULL, *paths[1];
  struct tl_ingest_opts io;
  struct tl_ingest_result ir;
  struct tl_filter f;
  struct tl_timeline_opts to;
  struct tl_timeline_result tr;
  struct tl_sink sink;
  struct mem mem;
  struct objs os;
  struct evs es;
  tl_case *c = NULL;
  char **fls = NULL;
  int n_fls = -1, fls_del = 0, i, j;
  int64_t si[4];
  tl_rc rc;

  snprintf(image, sizeof(image), "%s/samples/evidence/WS17.E01",
           src ? src : ".");
  if(access(image, R_OK)) {
    printf("1..0 # SKIP %s not found\n", image);
    return 0;
  }
  have_tsk = !system("command -v fls >/dev/null 2>&1 && "
                     "command -v istat >/dev/null 2>&1");
  if(!mkdtemp(dir)) {
    printf("1..0 # SKIP no temporary directory\n");
    return 0;
  }
  snprintf(path, sizeof(path), "%s/case.db", dir);

  /* ingest with an options struct of an older caller: it ends before
  ** fat_tz (no fat_tz, no_hash, replace, command line, progress, cancel) */
  rc = tl_case_open(path, TL_OPEN_CREATE, &c, &err);
  is_int(rc, TL_OK, "create the case");
  memset(&io, 0xa5, sizeof(io));          /* garbage beyond struct_size */
  io.struct_size = (uint32_t)offsetof(struct tl_ingest_opts, fat_tz);
  io.label = "WS17";
  io.division = "Administration";
  memset(&ir, 0x5a, sizeof(ir));
  ir.struct_size = (uint32_t)offsetof(struct tl_ingest_result, n_events);
  paths[0] = image;
  rc = tl_case_ingest(c, 1, paths, &io, &ir);
  is_int(rc, TL_OK, "ingest accepts an older, smaller tl_ingest_opts (%s)",
         tl_case_errmsg(c));
  ok(ir.evidence_id > 0, "older result: evidence_id filled");
  is_int(ir.n_objects, 134, "older result: n_objects filled");
  ok(ir.n_events == (uint64_t)0x5a5a5a5a5a5a5a5aULL,
     "older result: nothing written past its struct_size");
  is_int(ir.struct_size, offsetof(struct tl_ingest_result, n_events),
         "older result: its struct_size kept");
  tl_case_close(c);
  c = NULL;

  /* a newer caller's struct: larger, with a field this library lacks */
  {
    unsigned char big[sizeof(struct tl_ingest_opts) + 16];
    struct tl_ingest_opts *bo = (struct tl_ingest_opts *)(void *)big;
    rc = tl_case_open(path, TL_OPEN_READWRITE, &c, &err);
    memset(big, 0, sizeof(big));
    bo->struct_size = sizeof(big);
    bo->label = "WS17b";
    big[sizeof(struct tl_ingest_opts) + 3] = 1;
    memset(&ir, 0, sizeof(ir));
    ir.struct_size = sizeof(ir);
    rc = tl_case_ingest(c, 1, paths, bo, &ir);
    is_int(rc, TL_ABI, "a larger opts struct with an unknown field set: "
           "TL_ABI");
    ok(strstr(tl_case_errmsg(c), "struct_size") != NULL,
       "... and the message names struct_size: %s", tl_case_errmsg(c));
    tl_case_close(c);
    c = NULL;
  }

  rc = tl_case_open(path, TL_OPEN_READONLY, &c, &err);
  is_int(rc, TL_OK, "reopen read-only");

  /* ---- objects against fls -r -m / -------------------------------- */
  memset(&os, 0, sizeof(os));
  rc = tl_query_objects(c, NULL, on_obj, &os);
  is_int(rc, TL_OK, "tl_query_objects, no filter");
  is_int(os.struct_size, sizeof(struct tl_object),
         "tl_object.struct_size is the library's");
  if(have_tsk)
    n_fls = fls_objects(&fls, &fls_del);
  if(n_fls >= 0) {
    int missing = 0;
    is_int(os.n, n_fls, "as many objects as fls -r -m / has lines "
           "(without $FILE_NAME lines)");
    for(i = 0; i < n_fls; i++) {
      for(j = 0; j < os.n && strcmp(os.paths[j], fls[i]); j++)
        ;
      if(j == os.n) {
        if(!missing++)
          printf("# not among the objects: %s\n", fls[i]);
      }
    }
    is_int(missing, 0, "every fls path is an object path");
    is_int(os.n_deleted, fls_del, "deleted objects: as many as fls "
           "marks (deleted)");
  }
  else {
    ok(1, "# SKIP fls not installed");
    ok(1, "# SKIP fls not installed");
    ok(1, "# SKIP fls not installed");
  }
  is_int(os.n, 134, "134 objects");
  is_int(os.todo_inode, 121, TODO ": inode 121 (fls: 121-128-2)");
  is_int(os.todo_attr_type, 128, TODO ": $DATA");
  is_int(os.todo_attr_id, 2, TODO ": attribute id 2");
  is_int(os.todo_size, 383, TODO ": 383 bytes");
  is_int(os.todo_deleted, 0, TODO ": allocated");
  is_str(os.todo_alloc, "allocated", TODO ": alloc text");
  is_str(os.todo_fs, "ntfs", TODO ": on ntfs");
  objs_free(&os);

  /* stop from the callback */
  memset(&os, 0, sizeof(os));
  os.stop_after = 3;
  rc = tl_query_objects(c, NULL, on_obj, &os);
  is_int(rc, TL_STOP, "a callback that returns non-zero: TL_STOP");
  is_int(os.n, 3, "... after exactly 3 objects");
  objs_free(&os);

  /* filters */
  memset(&f, 0, sizeof(f));
  f.struct_size = sizeof(f);
  f.path_glob = "/users/*/DESKTOP/*.pdf";
  memset(&os, 0, sizeof(os));
  rc = tl_query_objects(c, &f, on_obj, &os);
  is_int(rc, TL_OK, "objects by glob");
  is_int(os.n, 2, "glob without case on NTFS: two PDFs on the desktop");
  if(os.n == 2) {
    /* object order is walk order: fls order */
    is_str(os.paths[0], "/Users/mbauer/Desktop/"
           "Lumen_Laser_Terminal_Performance_Spec_RevF.pdf", "first PDF");
    is_str(os.paths[1], "/Users/mbauer/Desktop/Phone_List.pdf",
           "second PDF");
  }
  objs_free(&os);
  memset(&f, 0, sizeof(f));
  f.struct_size = sizeof(f);
  f.alloc = TL_ALLOC_DELETED;
  memset(&os, 0, sizeof(os));
  rc = tl_query_objects(c, &f, on_obj, &os);
  is_int(os.n, n_fls >= 0 ? fls_del : 9, "TL_ALLOC_DELETED: the deleted "
         "ones");
  is_int(os.n_deleted, os.n, "... and all of them deleted");
  objs_free(&os);
  {
    const char *ev[1] = {"WS17"}, *dv[1] = {"Research"};
    memset(&f, 0, sizeof(f));
    f.struct_size = sizeof(f);
    f.evidence = ev;
    f.n_evidence = 1;
    memset(&os, 0, sizeof(os));
    tl_query_objects(c, &f, on_obj, &os);
    is_int(os.n, 134, "evidence WS17: all 134");
    objs_free(&os);
    f.division = dv;
    f.n_division = 1;
    memset(&os, 0, sizeof(os));
    tl_query_objects(c, &f, on_obj, &os);
    is_int(os.n, 0, "evidence WS17 and division Research: none (it is "
           "Administration)");
    objs_free(&os);
  }

  /* ---- events against istat -------------------------------------- */
  memset(&es, 0, sizeof(es));
  es.ordered = 1;
  rc = tl_query_events(c, NULL, on_ev, &es);
  is_int(rc, TL_OK, "tl_query_events, no filter");
  is_int(es.n, 507, "507 events");
  is_int(es.n_si + es.n_fn, es.n, "NTFS: every event is $SI or $FN");
  is_int(es.n_raw, es.n, "NTFS: every event keeps its raw FILETIME");
  is_int(es.n_clamped, 0, "no clamped time in WS17");
  ok(es.ordered, "events in time order");
  is_int(es.nt, 4, TODO ": four events");
  if(es.nt == 4) {
    /* time order; the $SI b and $FN macb share an instant: path, then
    ** event id */
    is_str(es.src[0], "$SI", "1st: $SI");
    is_str(es.macb[0], "...b", "1st: created");
    is_int(es.t[0], INT64_C(1655484138784201500),
           "1st: 2022-06-17 16:42:18.784201500");
    is_str(es.src[1], "$FN", "2nd: $FN");
    is_str(es.macb[1], "macb", "2nd: all four");
    is_int(es.t[1], es.t[0], "2nd: the same instant");
    ok(es.fn_attr[1] >= 0 && es.fn_attr[0] == -1,
       "$FN carries its attribute id, $SI -1");
    is_str(es.macb[2], "m.c.", "3rd: modified and MFT changed");
    is_int(es.t[2], INT64_C(1655484172068255900),
           "3rd: 2022-06-17 16:42:52.068255900");
    is_str(es.macb[3], ".a..", "4th: accessed");
    for(i = 0; i < 4; i++)
      if(es.raw[i] != es.t[i] / 100 + INT64_C(116444736000000000))
        break;
    is_int(i, 4, "raw is the FILETIME of t_ns (100 ns since 1601)");
    ok(es.filetime[0] && es.filetime[3], "FILETIME precision flagged");
    if(have_tsk && !istat_si(si)) {
      int64_t want[4] = {0, 0, 0, 0};
      want[0] = es.t[2];          /* m */
      want[1] = es.t[3];          /* a */
      want[2] = es.t[2];          /* c */
      want[3] = es.t[0];          /* b */
      for(i = 0; i < 4 && si[i] == want[i]; i++)
        ;
      is_int(i, 4, "istat 121: the four $SI times to the ns");
      if(i < 4)
        printf("#   istat %lld, query %lld\n", (long long)si[i],
               (long long)want[i]);
    }
    else
      ok(1, "# SKIP istat not installed");
  }

  /* window and sources on events */
  {
    const char *srcs[1] = {"$FN"};
    struct evs w;
    memset(&f, 0, sizeof(f));
    f.struct_size = sizeof(f);
    f.has_from = f.has_to = 1;
    f.from_ns = INT64_C(1655484138784201500);
    f.to_ns = INT64_C(1655484138784201600);
    f.path_glob = "ToDo.txt";
    memset(&w, 0, sizeof(w));
    tl_query_events(c, &f, on_ev, &w);
    is_int(w.n, 2, "a 100 ns window and a relative glob: $SI b and $FN");
    f.source = srcs;
    f.n_source = 1;
    memset(&w, 0, sizeof(w));
    tl_query_events(c, &f, on_ev, &w);
    is_int(w.n_fn, 1, "... with source $FN: the $FN one");
    is_int(w.n, 1, "... only");
    f.to_ns = f.from_ns;
    memset(&w, 0, sizeof(w));
    tl_query_events(c, &f, on_ev, &w);
    is_int(w.n, 0, "an empty window [t, t): nothing");

    /* an older, smaller filter: up to the path glob, no alloc */
    memset(&f, 0, sizeof(f));
    f.struct_size = (uint32_t)offsetof(struct tl_filter, alloc);
    f.alloc = 77;               /* beyond its size: must be ignored */
    f.path_glob = "ToDo.txt";
    memset(&w, 0, sizeof(w));
    rc = tl_query_events(c, &f, on_ev, &w);
    is_int(rc, TL_OK, "an older tl_filter without alloc is accepted");
    is_int(w.n, 4, "... and filters by its glob");
    memset(&f, 0, sizeof(f));
    f.struct_size = sizeof(f);
    f.alloc = 77;
    rc = tl_query_events(c, &f, on_ev, &w);
    is_int(rc, TL_USAGE, "a bad alloc value is a usage error");
  }

  /* ---- the export through a sink --------------------------------- */
  memset(&mem, 0, sizeof(mem));
  sink.struct_size = sizeof(sink);
  sink.write = mem_write;
  sink.ctx = &mem;
  memset(&to, 0, sizeof(to));
  /* an older caller: format only */
  to.struct_size = (uint32_t)offsetof(struct tl_timeline_opts, tz);
  to.format = TL_TIMELINE_CSV;
  to.fractional = 1;            /* beyond its size: must be ignored */
  memset(&tr, 0, sizeof(tr));
  tr.struct_size = sizeof(tr);
  rc = tl_timeline_export(c, NULL, &to, &sink, &tr);
  is_int(rc, TL_OK, "export csv with an older tl_timeline_opts (%s)",
         tl_case_errmsg(c));
  is_int(tr.n_lines, 507, "n_lines: one per event");
  is_int(count_lines(mem.buf), 508, "507 lines and the header");
  ok(mem.buf && !strncmp(mem.buf, "datetime,timestamp_desc,", 24) &&
     strstr(mem.buf, ",t_ns,clamped,raw\r\n"), "csv header with clamped,raw");
  ok(mem.buf && strstr(mem.buf, "2022-06-17T16:42:18.7842015Z,$SI Created,"
                       "...b,$SI,Administration,WS17,"),
     "ToDo.txt $SI Created in the csv, 100 ns digits");
  ok(mem.buf && strstr(mem.buf, ",1655484138784201500,0,"
                       "132999577387842015\r\n"),
     "... with t_ns, clamped 0 and the raw FILETIME");
  mem.n = 0;
  memset(&to, 0, sizeof(to));
  to.struct_size = sizeof(to);
  to.format = TL_TIMELINE_BODYFILE;
  memset(&f, 0, sizeof(f));
  f.struct_size = sizeof(f);
  f.path_glob = TODO;
  rc = tl_timeline_export(c, &f, &to, &sink, &tr);
  /* fls -r -m / -o 2048 WS17.E01 prints these two lines */
  is_str(mem.buf, "0|" TODO "|121-128-2|r/rrwxrwxrwx|48|0|383|1659623269|"
         "1655484172|1655484172|1655484138\n"
         "0|" TODO " ($FILE_NAME)|121-48-3|r/rrwxrwxrwx|48|0|82|1655484138|"
         "1655484138|1655484138|1655484138\n",
         "bodyfile of ToDo.txt as fls -m prints it");
  mem.n = 0;
  mem.limit = 100;
  to.format = TL_TIMELINE_JSONL;
  rc = tl_timeline_export(c, NULL, &to, &sink, &tr);
  is_int(rc, TL_IO, "a sink that refuses: TL_IO");
  is_int(tr.n_lines, 0, "... nothing counted as written");
  /* info through the same sink, and a sink that refuses */
  mem.limit = 0;
  mem.n = 0;
  rc = tl_case_info(c, &sink, 1);
  is_int(rc, TL_OK, "tl_case_info to a sink");
  ok(mem.buf && !strncmp(mem.buf, "{\"case\":", 8) &&
     strstr(mem.buf, "\"label\":\"WS17\",\"division\":\"Administration\""),
     "info JSON names WS17 of Administration");
  mem.n = 0;
  mem.limit = 10;
  rc = tl_case_info(c, &sink, 0);
  is_int(rc, TL_IO, "tl_case_info to a sink that refuses: TL_IO");
  mem.limit = 0;
  sink.struct_size = 4;
  rc = tl_timeline_export(c, NULL, &to, &sink, &tr);
  is_int(rc, TL_USAGE, "a sink without write/ctx: usage error");
  /* struct_size 0: not a struct this library can read */
  sink.struct_size = sizeof(sink);
  memset(&to, 0, sizeof(to));
  rc = tl_timeline_export(c, NULL, &to, &sink, &tr);
  is_int(rc, TL_USAGE, "tl_timeline_opts with struct_size 0: TL_USAGE");
  tr.struct_size = 0;
  to.struct_size = sizeof(to);
  rc = tl_timeline_export(c, NULL, &to, &sink, &tr);
  is_int(rc, TL_USAGE, "a result with struct_size 0: TL_USAGE");

  /* an older tl_exposure_opts: the window only, no bursts, no format
  ** (exposure needs a read-write handle: it keeps its analysis tables) */
  tl_case_close(c);
  rc = tl_case_open(path, TL_OPEN_READWRITE, &c, &err);
  {
    struct tl_exposure_opts xo;
    memset(&xo, 0x77, sizeof(xo));
    xo.struct_size = (uint32_t)offsetof(struct tl_exposure_opts,
                                        burst_count);
    tl_parse_time("2022-01-01", &xo.from_ns);
    tl_parse_time("2024-01-01", &xo.to_ns);
    mem.n = 0;
    rc = tl_case_exposure(c, &xo, &sink);
    is_int(rc, TL_OK, "exposure with an older tl_exposure_opts (%s)",
           tl_case_errmsg(c));
    ok(mem.buf && !strncmp(mem.buf, "touchline exposure report\n", 26) &&
       strstr(mem.buf, "Window:     2022-01-01 00:00:00 .. 2024-01-01 "
              "00:00:00 (UTC"), "... the text report (format's default) "
       "of the window");
    ok(mem.buf && strstr(mem.buf, "Bursts (at least 50 targets touched "
                         "within 10 minutes)"),
       "... with the default burst rule, not the bytes past struct_size");
  }
  free(mem.buf);
  tl_case_close(c);

  /* an older tl_import_opts and tl_import_result: divisions map */
  {
    struct tl_import_opts mo;
    struct tl_import_result mr;
    char csvp[300];
    FILE *fc;
    snprintf(csvp, sizeof(csvp), "%s/div.csv", dir);
    fc = fopen(csvp, "w");
    fputs("evidence,path_prefix,division\nWS17,/Users,Finance\n", fc);
    fclose(fc);
    rc = tl_case_open(path, TL_OPEN_READWRITE, &c, &err);
    memset(&mo, 0x33, sizeof(mo));
    mo.struct_size = (uint32_t)offsetof(struct tl_import_opts, on_error);
    mo.append = 0;
    mo.skip_bad = 0;
    memset(&mr, 0x44, sizeof(mr));
    mr.struct_size = (uint32_t)offsetof(struct tl_import_result, n_bad);
    rc = tl_divisions_import(c, csvp, &mo, &mr);
    is_int(rc, TL_OK, "divisions import with an older tl_import_opts "
           "(no on_error) (%s)", tl_case_errmsg(c));
    is_int(mr.n_rows, 1, "older result: n_rows");
    is_int(mr.n_imported, 1, "older result: n_imported");
    ok(mr.n_bad == (uint64_t)0x4444444444444444ULL,
       "older result: n_bad beyond its size untouched");
    unlink(csvp);
  }

  tl_case_close(c);

  /* zones and local times (the --tz of the command) */
  {
    int64_t ns = 0;
    ok(tl_zone_known("UTC") && tl_zone_known("Europe/Berlin"),
       "UTC and Europe/Berlin are zones");
    ok(!tl_zone_known("Mars/Olympus") && !tl_zone_known("../etc/passwd"),
       "an unknown zone or a path is not");
    is_int(tl_parse_time_tz("2004-02-29T21:00:17.2151472", "Europe/Berlin",
                            &ns), TL_OK, "a local time in Europe/Berlin");
    is_int(ns, INT64_C(1078084817215147200), "... is 20:00:17.2151472Z");
    is_int(tl_parse_time_tz("2004-02-29", "Mars/Olympus", &ns),
           TL_UNSUPPORTED, "an unknown zone: TL_UNSUPPORTED");
    is_int(tl_parse_time_tz("yesterday", NULL, &ns), TL_USAGE,
           "not ISO 8601: TL_USAGE");
  }
  for(i = 0; i < n_fls; i++)
    free(fls[i]);
  free(fls);
  unlink(path);
  rmdir(dir);
  return done_testing();
}
