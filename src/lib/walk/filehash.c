/*
** Content hashes of individual objects, read through libtsk, for hash
** targets and copy detection. Only the candidates are hashed, never every
** file; results are kept in object_hash so a hash is computed once.
*/
#include "config.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_int.h"
#include "analysis/match_int.h"

typedef struct open_fs {
  int64_t fs_id;
  Tl_image im;
  const TSK_POOL_INFO *pool;
  TSK_IMG_INFO *pimg;
  TSK_FS_INFO *fs;
} open_fs;

static void
close_fs(open_fs *o)
{
  if(o->fs)
    tsk_fs_close(o->fs);
  if(o->pimg)
    tsk_img_close(o->pimg);
  if(o->pool)
    tsk_pool_close(o->pool);
  Tl_image_close(&o->im);
  memset(o, 0, sizeof(*o));
}

/* Open the file system fs_id of the case, by its evidence's image files:
** reopened by the real_path recorded at ingest and refused when they are
** no longer the files that were ingested (Tl_image_reopen), so that the
** working directory does not matter and another file now at that path is
** never hashed into the case. */
static tl_rc
open_case_fs(tl_case *c, int64_t fs_id, open_fs *o, int *not_at_hand)
{
  sqlite3_stmt *s = NULL;
  char te[512];
  int64_t off = 0, pool_block = -1, ev = 0;
  tl_rc rc = TL_OK;

  memset(o, 0, sizeof(*o));
  o->fs_id = fs_id;
  if(sqlite3_prepare_v2(c->db, "SELECT evidence_id, offset_bytes, "
                        "coalesce(pool_block, -1) FROM filesystem WHERE "
                        "fs_id=?", -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "query");
  sqlite3_bind_int64(s, 1, fs_id);
  if(sqlite3_step(s) == SQLITE_ROW) {
    ev = sqlite3_column_int64(s, 0);
    off = sqlite3_column_int64(s, 1);
    pool_block = sqlite3_column_int64(s, 2);
  }
  sqlite3_finalize(s);
  if(!ev)
    return Tl_set_error(c, TL_FAILED, "file system %lld is not in the case",
                        (long long)fs_id);
  /* the image (or its file system) cannot be read here: not a fault of
  ** the case; the caller may leave its objects for later */
  *not_at_hand = 1;
  if((rc = Tl_image_reopen(c, ev, &o->im)))
    return rc;
  tsk_error_reset();
  if(pool_block >= 0) {
    o->pool = tsk_pool_open_img_sing(o->im.img, off, TSK_POOL_TYPE_DETECT);
    if(o->pool)
      o->pimg = o->pool->get_img_info(o->pool, (TSK_DADDR_T)pool_block);
    if(o->pimg)
      o->fs = tsk_fs_open_img(o->pimg, 0, TSK_FS_TYPE_DETECT);
  }
  else
    o->fs = tsk_fs_open_img(o->im.img, (TSK_OFF_T)off, TSK_FS_TYPE_DETECT);
  if(!o->fs) {
    rc = Tl_set_error(c, TL_FAILED, "%s: cannot reopen file system at "
                      "offset %lld: %s", o->im.segments[0], (long long)off,
                      Tl_tsk_errstr(te, sizeof(te)));
    close_fs(o);
  }
  if(!rc)
    *not_at_hand = 0;
  return rc;
}

/* Hash one attribute (or the default data) of inode; 0 on success. */
static int
hash_one(TSK_FS_INFO *fs, uint64_t inode, int attr_type, int attr_id,
         char md5[33], char sha1[41], char sha256[65], char *err,
         size_t errlen)
{
  TSK_FS_FILE *f;
  const TSK_FS_ATTR *a;
  EVP_MD_CTX *m[3];
  const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  char *buf, te[400];
  unsigned char dg[EVP_MAX_MD_SIZE];
  unsigned dl;
  TSK_OFF_T off = 0;
  int i, rc = 0;

  tsk_error_reset();
  if(!(f = tsk_fs_file_open_meta(fs, NULL, (TSK_INUM_T)inode))) {
    snprintf(err, errlen, "cannot open inode %llu: %s",
             (unsigned long long)inode, Tl_tsk_errstr(te, sizeof(te)));
    return -1;
  }
  a = attr_type >= 0 ? tsk_fs_file_attr_get_type(f,
                                                  (TSK_FS_ATTR_TYPE_ENUM)
                                                  attr_type,
                                                  (uint16_t)attr_id, 1)
                     : tsk_fs_file_attr_get(f);
  if(!a) {
    tsk_fs_file_close(f);
    tsk_error_reset();
    /* no content attribute: the hash of nothing */
    a = NULL;
  }
  buf = malloc(65536);
  for(i = 0; i < 3; i++) {
    m[i] = EVP_MD_CTX_new();
    if(m[i])
      EVP_DigestInit_ex(m[i], md[i], NULL);
  }
  if(!buf || !m[0] || !m[1] || !m[2]) {
    snprintf(err, errlen, "out of memory");
    rc = -1;
  }
  while(!rc && a && off < a->size) {
    size_t want = a->size - off < 65536 ? (size_t)(a->size - off) : 65536;
    ssize_t got = tsk_fs_attr_read(a, off, buf, want,
                                   TSK_FS_FILE_READ_FLAG_NONE);
    if(got <= 0) {
      snprintf(err, errlen, "read failed at offset %lld: %s",
               (long long)off, Tl_tsk_errstr(te, sizeof(te)));
      rc = -1;
      break;
    }
    for(i = 0; i < 3; i++)
      EVP_DigestUpdate(m[i], buf, (size_t)got);
    off += got;
  }
  if(!rc) {
    EVP_DigestFinal_ex(m[0], dg, &dl);
    Tl_hex(dg, dl, md5);
    EVP_DigestFinal_ex(m[1], dg, &dl);
    Tl_hex(dg, dl, sha1);
    EVP_DigestFinal_ex(m[2], dg, &dl);
    Tl_hex(dg, dl, sha256);
  }
  for(i = 0; i < 3; i++)
    EVP_MD_CTX_free(m[i]);
  free(buf);
  if(a)
    tsk_fs_file_close(f);
  return rc;
}

static int
cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* Keep id among those left (the count made distinct at the end of each
** pass: two passes of one match may meet the same file). */
static tl_rc
left_add(tl_case *c, Tl_hash_left *left, int64_t id)
{
  if(left->n == left->cap) {
    int64_t *ni = realloc(left->ids, sizeof(*ni) *
                          (left->cap = left->cap * 2 + 64));
    if(!ni)
      return Tl_set_error(c, TL_NOMEM, "out of memory");
    left->ids = ni;
  }
  left->ids[left->n++] = id;
  return TL_OK;
}

static void
left_distinct(Tl_hash_left *left)
{
  size_t i, k = 0;
  qsort(left->ids, (size_t)left->n, sizeof(*left->ids), cmp_i64);
  for(i = 0; i < left->n; i++)
    if(!k || left->ids[i] != left->ids[k - 1])
      left->ids[k++] = left->ids[i];
  left->n = k;
}

void
Tl_hash_left_free(Tl_hash_left *left)
{
  free(left->ids);
  left->ids = NULL;
  left->n = left->cap = 0;
}

tl_rc
Tl_hash_objects(tl_case *c, const int64_t *ids_in, size_t n,
                uint64_t *n_hashed, Tl_hash_left *left)
{
  sqlite3_stmt *q = NULL, *ins = NULL;
  open_fs o;
  int64_t *ids, skip_fs = 0;
  int skipping = 0;
  size_t i;
  tl_rc rc = TL_OK;

  memset(&o, 0, sizeof(o));
  if(!n)
    return TL_OK;
  /* object ids follow the walk: sorting groups them by file system */
  if(!(ids = malloc(n * sizeof(*ids))))
    return Tl_set_error(c, TL_NOMEM, "out of memory");
  memcpy(ids, ids_in, n * sizeof(*ids));
  qsort(ids, n, sizeof(*ids), cmp_i64);
  if(sqlite3_prepare_v2(c->db, "SELECT o.fs_id, o.inode, "
                        "coalesce(o.attr_type, -1), coalesce(o.attr_id, 0) "
                        "FROM object o WHERE o.object_id=? AND NOT EXISTS "
                        "(SELECT 1 FROM object_hash h WHERE h.object_id="
                        "o.object_id)", -1, &q, NULL) != SQLITE_OK ||
     sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO object_hash VALUES"
                        "(?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK) {
    rc = Tl_set_sqlite_error(c, "prepare");
    goto out;
  }
  for(i = 0; i < n && !rc; i++) {
    char md5[33], sha1[41], sha256[65], err[600] = "";
    int64_t fs_id;
    int st;
    if(i && ids[i] == ids[i - 1])
      continue;
    sqlite3_bind_int64(q, 1, ids[i]);
    if((st = sqlite3_step(q)) != SQLITE_ROW) {
      if(st != SQLITE_DONE)
        rc = Tl_set_sqlite_error(c, "query object");
      sqlite3_reset(q);
      continue;
    }
    fs_id = sqlite3_column_int64(q, 0);
    if(skipping && fs_id == skip_fs) {
      sqlite3_reset(q);         /* its image is not at hand */
      if((rc = left_add(c, left, ids[i])))
        break;
      continue;
    }
    if(o.fs_id != fs_id) {
      int not_at_hand = 0;
      close_fs(&o);
      if((rc = open_case_fs(c, fs_id, &o, &not_at_hand))) {
        sqlite3_reset(q);
        if(!left || !not_at_hand || rc == TL_NOMEM)
          break;
        if(!left->n && !left->why[0])
          snprintf(left->why, sizeof(left->why), "%s", tl_case_errmsg(c));
        skip_fs = fs_id;
        skipping = 1;
        if((rc = left_add(c, left, ids[i])))
          break;
        continue;
      }
    }
    if(hash_one(o.fs, (uint64_t)sqlite3_column_int64(q, 1),
                sqlite3_column_int(q, 2), sqlite3_column_int(q, 3), md5,
                sha1, sha256, err, sizeof(err))) {
      sqlite3_bind_null(ins, 2);
      sqlite3_bind_null(ins, 3);
      sqlite3_bind_null(ins, 4);
      sqlite3_bind_text(ins, 5, err, -1, SQLITE_STATIC);
    }
    else {
      sqlite3_bind_text(ins, 2, md5, -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 3, sha1, -1, SQLITE_STATIC);
      sqlite3_bind_text(ins, 4, sha256, -1, SQLITE_STATIC);
      sqlite3_bind_null(ins, 5);
    }
    sqlite3_reset(q);
    sqlite3_bind_int64(ins, 1, ids[i]);
    if(sqlite3_step(ins) != SQLITE_DONE)
      rc = Tl_set_sqlite_error(c, "insert object_hash");
    sqlite3_reset(ins);
    (*n_hashed)++;
  }
out:
  close_fs(&o);
  sqlite3_finalize(q);
  sqlite3_finalize(ins);
  free(ids);
  if(left && left->n)
    left_distinct(left);
  return rc;
}
