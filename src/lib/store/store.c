/*
** Case database: schema creation, version check, prepared inserts.
*/
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

#define TL_APPLICATION_ID 1953260385 /* "tlca", PRAGMA application_id */

static int64_t
pragma_int(tl_case *c, const char *sql, int *ok)
{
  sqlite3_stmt *s;
  int64_t v = 0;
  *ok = 0;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return 0;
  if(sqlite3_step(s) == SQLITE_ROW) {
    v = sqlite3_column_int64(s, 0);
    *ok = 1;
  }
  sqlite3_finalize(s);
  return v;
}

static tl_rc
create_schema(tl_case *c)
{
  tl_rc rc;
  if((rc = Tl_exec(c, Tl_schema_v1)) ||
     (rc = Tl_exec(c, Tl_index_create)) ||
     (rc = Tl_exec(c, Tl_schema_v2_delta)) ||
     (rc = Tl_exec(c, Tl_schema_v3_delta)) ||
     (rc = Tl_exec(c, Tl_schema_v4_delta)) ||
     (rc = Tl_exec(c, TL_UNC_PENDING_INDEX)) ||
     (rc = Tl_exec(c, "INSERT INTO case_meta VALUES"
                      "('schema_version','4'),"
                      "('created_by','touchline " TL_VERSION "'),"
                      "('time_representation',"
                      "'int64 ns since 1970-01-01T00:00:00Z')")) ||
     (rc = Tl_exec(c, "PRAGMA user_version = 4")))
    return rc;
  return TL_OK;
}

/* The version of a touchline case, or an error for any other file. A
** version-3 case carries our application_id; versions 1 and 2 predate it
** and are known by their case_meta row. Reads only. */
static tl_rc
identify(tl_case *c, int *version)
{
  int ok, n;
  int64_t app = pragma_int(c, "PRAGMA application_id", &ok);
  if(!ok)
    return Tl_set_sqlite_error(c, "cannot be read");
  *version = (int)pragma_int(c, "PRAGMA user_version", &ok);
  n = (int)pragma_int(c, "SELECT count(*) FROM sqlite_master", &ok);
  if(app && app != TL_APPLICATION_ID)
    return Tl_set_error(c, TL_FAILED, "%s: not a touchline case (an SQLite "
                        "database of another application, application_id "
                        "0x%08llx)", c->path, (long long)app);
  if(!n && !*version)
    return TL_OK;       /* empty: a new case when creating */
  if(!app || *version < 3) {
    if(pragma_int(c, "SELECT count(*) FROM case_meta WHERE key = "
                  "'schema_version'", &ok) != 1 || !*version)
      return Tl_set_error(c, TL_FAILED, "%s: not a touchline case (an "
                          "SQLite database with other tables)", c->path);
  }
  if(*version > TL_SCHEMA_VERSION)
    return Tl_set_error(c, TL_ABI, "%s: case schema version %d is newer "
                        "than this touchline (%d); upgrade touchline",
                        c->path, *version, TL_SCHEMA_VERSION);
  return TL_OK;
}

/* One migration step from version v to v + 1 in its own transaction. */
static tl_rc
migrate_step(tl_case *c, int v)
{
  const char *delta = v == 1 ? Tl_schema_v2_delta :
                      v == 2 ? Tl_schema_v3_delta : Tl_schema_v4_delta;
  char sql[160];
  tl_rc rc;
  int ok;
  if((rc = Tl_exec(c, "BEGIN IMMEDIATE")))
    return rc;
  /* under the lock: another process may have migrated meanwhile */
  if(pragma_int(c, "PRAGMA user_version", &ok) != v)
    return Tl_exec(c, "COMMIT");
  snprintf(sql, sizeof(sql), "UPDATE case_meta SET value='%d' WHERE "
           "key='schema_version'; PRAGMA user_version = %d", v + 1, v + 1);
  if((rc = Tl_exec(c, delta)) || (rc = Tl_exec(c, sql)) ||
     (rc = Tl_exec(c, "COMMIT"))) {
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  return TL_OK;
}

tl_rc
Tl_store_init(tl_case *c)
{
  int version = 0, v;
  tl_rc rc;

  if((rc = identify(c, &version)))
    return rc;
  if(version == TL_SCHEMA_VERSION)
    return TL_OK;
  if(c->readonly) {
    /* a reader never writes: an empty file is not created into, an older
    ** case is not migrated */
    if(!version)
      return Tl_set_error(c, TL_FAILED, "%s: not a touchline case (an "
                          "empty database)", c->path);
    return Tl_set_error(c, TL_ABI, "%s: case schema version %d is older "
                        "than this touchline (%d) and reading does not "
                        "change a case; `touchline upgrade %s` upgrades it",
                        c->path, version, TL_SCHEMA_VERSION, c->path);
  }
  if(!version) {
    if(!c->creating)
      return Tl_set_error(c, TL_FAILED, "%s: not a touchline case (an "
                          "empty database)", c->path);
    /* an empty file: take the lock, look again, then build the schema */
    if((rc = Tl_exec(c, "BEGIN IMMEDIATE")))
      return rc;
    if((rc = identify(c, &version)) ||
       (!version && (rc = create_schema(c))) ||
       (rc = Tl_exec(c, "COMMIT"))) {
      sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
      return rc;
    }
    return TL_OK;
  }
  /* Migrations, one step per version, each in its own transaction. */
  for(v = version; v < TL_SCHEMA_VERSION; v++)
    if((rc = migrate_step(c, v)))
      return rc;
  c->upgraded_from = version;
  return TL_OK;
}

static tl_rc
prep(tl_case *c, sqlite3_stmt **s, const char *sql)
{
  if(sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s,
                        NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "prepare");
  return TL_OK;
}

tl_rc
Tl_store_prepare(tl_case *c, Tl_store *st)
{
  tl_rc rc;
  memset(st, 0, sizeof(*st));
  st->c = c;
  if((rc = prep(c, &st->ins_object,
                "INSERT INTO object(object_id, evidence_id, fs_id, path, "
                "path_bytes, name, stream, inode, seq, attr_type, attr_id, "
                "parent_inode, parent_seq, name_type, meta_type, size, "
                "alloc, deleted, mode, uid, gid, nlink, owner_sid, "
                "dtime_ns, link_target) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,"
                "?,?,?,?,?,?,?,?,?,?,?,?)")) ||
     (rc = prep(c, &st->ins_event,
                "INSERT INTO event(object_id, evidence_id, t_ns, source, "
                "macb, attr_id, raw, clamped, fn_ord, tz_offset_s) "
                "VALUES(?,?,?,?,?,?,?,?,?,?)")) ||
     (rc = prep(c, &st->ins_fn,
                "INSERT INTO ntfs_filename(object_id, attr_id, "
                "namespace, name, parent_inode, parent_seq, flags, "
                "alloc_size, real_size, crtime_raw, mtime_raw, ctime_raw, "
                "atime_raw, ord) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) ||
     (rc = prep(c, &st->ins_volume,
                "INSERT INTO volume(evidence_id, vs_type, addr, "
                "start_sector, n_sectors, offset_bytes, description, flags)"
                " VALUES(?,?,?,?,?,?,?,?)")) ||
     (rc = prep(c, &st->ins_fs,
                "INSERT INTO filesystem(evidence_id, volume_id, pool_volume,"
                " offset_bytes, fs_type, block_size, block_count, "
                "root_inum, first_inum, last_inum, local_times, time_zone,"
                " pool_block) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)")) ||
     (rc = prep(c, &st->ins_warning,
                "INSERT INTO warning(evidence_id, fs_id, volume_id, kind, "
                "message) VALUES(?,?,?,?,?)")) ||
     (rc = prep(c, &st->ins_meta,
                "INSERT OR REPLACE INTO evidence_meta(evidence_id, key, "
                "value) VALUES(?,?,?)"))) {
    Tl_store_finalize(st);
    return rc;
  }
  return TL_OK;
}

void
Tl_store_finalize(Tl_store *st)
{
  sqlite3_finalize(st->ins_object);
  sqlite3_finalize(st->ins_event);
  sqlite3_finalize(st->ins_fn);
  sqlite3_finalize(st->ins_volume);
  sqlite3_finalize(st->ins_fs);
  sqlite3_finalize(st->ins_warning);
  sqlite3_finalize(st->ins_meta);
  memset(st, 0, sizeof(*st));
}

tl_rc
Tl_store_step(Tl_store *st, sqlite3_stmt *s, const char *what)
{
  int r = sqlite3_step(s);
  sqlite3_reset(s);
  if(r != SQLITE_DONE)
    return Tl_set_sqlite_error(st->c, what);
  return TL_OK;
}

void
Tl_bind_text(sqlite3_stmt *s, int i, const char *v)
{
  /* not copied: a copy is an allocation whose failure leaves the value
  ** NULL, and the row would be stored without it */
  if(v)
    sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(s, i);
}

void
Tl_bind_opt_int(sqlite3_stmt *s, int i, int have, int64_t v)
{
  if(have)
    sqlite3_bind_int64(s, i, v);
  else
    sqlite3_bind_null(s, i);
}

tl_rc
Tl_store_warning(Tl_store *st, int64_t evidence_id, int64_t fs_id,
                 int64_t volume_id, const char *kind, const char *msg)
{
  sqlite3_stmt *s = st->ins_warning;
  sqlite3_bind_int64(s, 1, evidence_id);
  Tl_bind_opt_int(s, 2, fs_id > 0, fs_id);
  Tl_bind_opt_int(s, 3, volume_id > 0, volume_id);
  sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, msg, -1, SQLITE_STATIC);
  return Tl_store_step(st, s, "insert warning");
}

tl_rc
Tl_exec_bound(tl_case *c, const char *sql, const char *fmt, ...)
{
  sqlite3_stmt *s;
  va_list ap;
  int i, r;
  if(sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
    return Tl_set_sqlite_error(c, "prepare");
  va_start(ap, fmt);
  for(i = 0; fmt[i]; i++) {
    if(fmt[i] == 't')
      Tl_bind_text(s, i + 1, va_arg(ap, const char *));
    else if(fmt[i] == 'i')
      sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
    else
      sqlite3_bind_null(s, i + 1);
  }
  va_end(ap);
  r = sqlite3_step(s);
  sqlite3_finalize(s);
  if(r != SQLITE_DONE && r != SQLITE_ROW)
    return Tl_set_sqlite_error(c, "write");
  return TL_OK;
}

char *
Tl_col_dup(sqlite3_stmt *s, int i, int *oom)
{
  const unsigned char *v = sqlite3_column_text(s, i);
  char *d = v && *v ? strdup((const char *)v) : NULL;
  if(v && *v && !d)
    *oom = 1;
  return d;
}
