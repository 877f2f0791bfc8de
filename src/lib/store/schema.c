/*
** The case database schema: version 1, and what version 2 adds. docs/internals/SCHEMA.md explains
** each table and column; keep the two in step. A later version adds a
** migration step in store.c (Tl_store_migrate) from each older version.
*/
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "store/store_int.h"

const char Tl_schema_v1[] =
  "CREATE TABLE case_meta(\n"
  "  key TEXT PRIMARY KEY,\n"
  "  value TEXT\n"
  ");\n"
  "CREATE TABLE run(\n"
  "  run_id INTEGER PRIMARY KEY,\n"
  "  tool_version TEXT NOT NULL,\n"
  "  command_line TEXT,\n"
  "  host TEXT,\n"
  "  started_ns INTEGER NOT NULL,\n"
  "  ended_ns INTEGER,\n"
  "  status TEXT NOT NULL DEFAULT 'running',\n"
  "  message TEXT\n"
  ");\n"
  "CREATE TABLE evidence(\n"
  "  evidence_id INTEGER PRIMARY KEY,\n"
  "  label TEXT NOT NULL UNIQUE,\n"
  "  division TEXT,\n"
  "  container_type TEXT NOT NULL,\n"
  "  media_size INTEGER NOT NULL,\n"
  "  sector_size INTEGER NOT NULL,\n"
  "  md5 TEXT,\n"
  "  sha1 TEXT,\n"
  "  sha256 TEXT,\n"
  "  stored_md5 TEXT,\n"
  "  stored_sha1 TEXT,\n"
  "  verification TEXT NOT NULL,\n"
  "  read_errors INTEGER NOT NULL DEFAULT 0,\n"
  "  fat_tz TEXT NOT NULL DEFAULT 'UTC',\n"
  "  run_id INTEGER REFERENCES run(run_id),\n"
  "  ingested_ns INTEGER NOT NULL,\n"
  "  n_objects INTEGER NOT NULL DEFAULT 0,\n"
  "  n_events INTEGER NOT NULL DEFAULT 0,\n"
  "  n_corrupt INTEGER NOT NULL DEFAULT 0\n"
  ");\n"
  "CREATE TABLE evidence_file(\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  seq INTEGER NOT NULL,\n"
  "  path TEXT NOT NULL,\n"
  "  real_path TEXT NOT NULL,\n"
  "  size INTEGER NOT NULL,\n"
  "  PRIMARY KEY(evidence_id, seq)\n"
  ");\n"
  "CREATE INDEX evidence_file_real_path ON evidence_file(real_path);\n"
  "CREATE TABLE evidence_meta(\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  key TEXT NOT NULL,\n"
  "  value TEXT,\n"
  "  PRIMARY KEY(evidence_id, key)\n"
  ");\n"
  "CREATE TABLE volume(\n"
  "  volume_id INTEGER PRIMARY KEY,\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  vs_type TEXT NOT NULL,\n"
  "  addr INTEGER NOT NULL,\n"
  "  start_sector INTEGER NOT NULL,\n"
  "  n_sectors INTEGER NOT NULL,\n"
  "  offset_bytes INTEGER NOT NULL,\n"
  "  description TEXT,\n"
  "  flags TEXT NOT NULL\n"
  ");\n"
  "CREATE TABLE filesystem(\n"
  "  fs_id INTEGER PRIMARY KEY,\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  volume_id INTEGER REFERENCES volume(volume_id),\n"
  "  pool_volume TEXT,\n"
  "  pool_block INTEGER,\n"
  "  offset_bytes INTEGER NOT NULL,\n"
  "  fs_type TEXT NOT NULL,\n"
  "  block_size INTEGER,\n"
  "  block_count INTEGER,\n"
  "  root_inum INTEGER,\n"
  "  first_inum INTEGER,\n"
  "  last_inum INTEGER,\n"
  "  local_times INTEGER NOT NULL DEFAULT 0,\n"
  "  time_zone TEXT NOT NULL DEFAULT 'UTC',\n"
  "  n_objects INTEGER NOT NULL DEFAULT 0,\n"
  "  n_corrupt INTEGER NOT NULL DEFAULT 0\n"
  ");\n"
  "CREATE TABLE object(\n"
  "  object_id INTEGER PRIMARY KEY,\n"
  "  evidence_id INTEGER NOT NULL,\n"
  "  fs_id INTEGER NOT NULL,\n"
  "  path TEXT NOT NULL,\n"
  "  path_bytes BLOB,\n"
  "  name TEXT NOT NULL,\n"
  "  stream TEXT,\n"
  "  inode INTEGER,\n"
  "  seq INTEGER,\n"
  "  attr_type INTEGER,\n"
  "  attr_id INTEGER,\n"
  "  parent_inode INTEGER,\n"
  "  parent_seq INTEGER,\n"
  "  name_type TEXT NOT NULL,\n"
  "  meta_type TEXT,\n"
  "  size INTEGER,\n"
  "  alloc TEXT NOT NULL,\n"
  "  deleted INTEGER NOT NULL,\n"
  "  mode INTEGER,\n"
  "  uid INTEGER,\n"
  "  gid INTEGER,\n"
  "  nlink INTEGER,\n"
  "  owner_sid TEXT,\n"
  "  dtime_ns INTEGER\n"
  ");\n"
  "CREATE TABLE ntfs_filename(\n"
  "  object_id INTEGER NOT NULL REFERENCES object(object_id),\n"
  "  attr_id INTEGER NOT NULL,\n"
  "  namespace TEXT NOT NULL,\n"
  "  name TEXT NOT NULL,\n"
  "  parent_inode INTEGER NOT NULL,\n"
  "  parent_seq INTEGER NOT NULL,\n"
  "  flags INTEGER NOT NULL,\n"
  "  alloc_size INTEGER NOT NULL,\n"
  "  real_size INTEGER NOT NULL,\n"
  "  crtime_raw INTEGER NOT NULL,\n"
  "  mtime_raw INTEGER NOT NULL,\n"
  "  ctime_raw INTEGER NOT NULL,\n"
  "  atime_raw INTEGER NOT NULL,\n"
  "  PRIMARY KEY(object_id, attr_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE event(\n"
  "  event_id INTEGER PRIMARY KEY,\n"
  "  object_id INTEGER NOT NULL REFERENCES object(object_id),\n"
  "  evidence_id INTEGER NOT NULL,\n"
  "  t_ns INTEGER NOT NULL,\n"
  "  source TEXT NOT NULL,\n"
  "  macb TEXT NOT NULL,\n"
  "  attr_id INTEGER,\n"
  "  raw INTEGER,\n"
  "  clamped INTEGER NOT NULL DEFAULT 0\n"
  ");\n"
  "CREATE TABLE warning(\n"
  "  warning_id INTEGER PRIMARY KEY,\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  fs_id INTEGER,\n"
  "  volume_id INTEGER,\n"
  "  kind TEXT NOT NULL,\n"
  "  message TEXT NOT NULL\n"
  ");\n";

/* The secondary indexes of the object and event tables: part of version 1.
** An ingest into an empty case drops those in Tl_index_drop and builds
** them at the end (Tl_index_create, IF NOT EXISTS): a B-tree is cheaper
** built once from sorted keys than grown one random key at a time. Not
** event_object: the walk writes events in object_id order, so its keys
** arrive in ascending order and each one is an append to the right-most
** leaf, done by the writer thread while the walker reads the next entries
** (docs/internals/WRITE-PATH.md). */
const char Tl_index_create[] =
  "CREATE INDEX IF NOT EXISTS event_time ON event(t_ns);\n"
  "CREATE INDEX IF NOT EXISTS event_object ON event(object_id);\n"
  "CREATE INDEX IF NOT EXISTS object_name ON object(name COLLATE NOCASE);\n"
  "CREATE INDEX IF NOT EXISTS object_fs_inode ON object(fs_id, inode);\n";
const char Tl_index_drop[] =
  "DROP INDEX IF EXISTS event_time;\n"
  "DROP INDEX IF EXISTS object_name;\n"
  "DROP INDEX IF EXISTS object_fs_inode;\n";

/* Tl_index_create with SQLite's sorter in parallel: CREATE INDEX sorts its
** keys in runs ("PMAs") of at most cache_size bytes; with PRAGMA threads
** the runs are sorted and merged by worker threads while the statement
** reads on. With the case's 64 MiB cache the 717,624 keys of a 100,000-file
** ingest fit one run and one thread sorts them all; a 4 MiB cache cuts
** them into runs for the workers (event_time 0.95-1.06 s -> 0.52-0.59 s
** wall on two cores, about the same CPU; docs/internals/WRITE-PATH.md).
** The cache is restored after: the setting is per connection and the
** later stages want it. */
tl_rc
Tl_index_build(tl_case *c)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  char sql[120];
  tl_rc rc, rc2;
  int cache = -65536;
  sqlite3_stmt *s;

  if(sqlite3_prepare_v2(c->db, "PRAGMA cache_size", -1, &s, NULL) ==
     SQLITE_OK) {
    if(sqlite3_step(s) == SQLITE_ROW)
      cache = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
  }
  snprintf(sql, sizeof(sql), "PRAGMA threads = %ld; PRAGMA cache_size = "
           "-4096", n < 2 ? 0 : n > 4 ? 4 : n);
  if((rc = Tl_exec(c, sql)))
    return rc;
  rc = Tl_exec(c, Tl_index_create);
  snprintf(sql, sizeof(sql), "PRAGMA threads = 0; PRAGMA cache_size = %d",
           cache);
  rc2 = Tl_exec(c, sql);
  return rc ? rc : rc2;
}

/* Version 2: the target register, its matches, division mapping and the
** content hashes computed for matching. Applied on top of version 1, both
** to new cases and to migrate version-1 cases. */
const char Tl_schema_v2_delta[] =
  "ALTER TABLE object ADD COLUMN link_target TEXT;\n"
  "CREATE TABLE target(\n"
  "  target_id INTEGER PRIMARY KEY,\n"
  "  line INTEGER NOT NULL,\n"
  "  path TEXT,\n"
  "  name TEXT,\n"
  "  size INTEGER,\n"
  "  md5 TEXT,\n"
  "  sha1 TEXT,\n"
  "  sha256 TEXT,\n"
  "  partner TEXT,\n"
  "  classification TEXT,\n"
  "  division TEXT,\n"
  "  evidence TEXT,\n"
  "  note TEXT,\n"
  "  pattern TEXT,\n"
  "  is_glob INTEGER NOT NULL DEFAULT 0\n"
  ");\n"
  "CREATE TABLE target_match(\n"
  "  target_id INTEGER NOT NULL,\n"
  "  object_id INTEGER NOT NULL,\n"
  "  how TEXT NOT NULL,\n"
  "  PRIMARY KEY(target_id, object_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX target_match_object ON target_match(object_id);\n"
  "CREATE TABLE division_map(\n"
  "  evidence TEXT NOT NULL,\n"
  "  path_prefix TEXT NOT NULL,\n"
  "  division TEXT NOT NULL,\n"
  "  line INTEGER,\n"
  "  PRIMARY KEY(evidence, path_prefix)\n"
  ");\n"
  "CREATE TABLE object_hash(\n"
  "  object_id INTEGER PRIMARY KEY,\n"
  "  md5 TEXT,\n"
  "  sha1 TEXT,\n"
  "  sha256 TEXT,\n"
  "  error TEXT\n"
  ");\n";

/* Version 3 (docs/internals/SCHEMA.md, "Version 3"): runs recorded outside
** the item's transaction, evidence identity (how each container file was
** found, its size, SHA-256 and mtime), items marked incomplete, every
** $FILE_NAME of an entry kept (attribute lists may repeat an attribute id),
** the stored UTC offset of exFAT times, and the indexes that reports need
** built with the schema (a report never writes the case). Object ids come
** from a high-water mark in case_meta('next_object_id') and are never
** reused. Applied on top of version 2. */
const char Tl_schema_v3_delta[] =
  "ALTER TABLE run ADD COLUMN pid INTEGER;\n"
  "ALTER TABLE run ADD COLUMN label TEXT;\n"
  "ALTER TABLE run ADD COLUMN evidence_id INTEGER;\n"
  "ALTER TABLE evidence ADD COLUMN incomplete TEXT;\n"
  "ALTER TABLE evidence_file ADD COLUMN origin TEXT NOT NULL "
  "DEFAULT 'given';\n"
  "ALTER TABLE evidence_file ADD COLUMN sha256 TEXT;\n"
  "ALTER TABLE evidence_file ADD COLUMN mtime_ns INTEGER;\n"
  "ALTER TABLE event ADD COLUMN fn_ord INTEGER;\n"
  "ALTER TABLE event ADD COLUMN tz_offset_s INTEGER;\n"
  "CREATE TABLE ntfs_filename_v3(\n"
  "  object_id INTEGER NOT NULL REFERENCES object(object_id),\n"
  "  ord INTEGER NOT NULL,\n"
  "  attr_id INTEGER NOT NULL,\n"
  "  namespace TEXT NOT NULL,\n"
  "  name TEXT NOT NULL,\n"
  "  parent_inode INTEGER NOT NULL,\n"
  "  parent_seq INTEGER NOT NULL,\n"
  "  flags INTEGER NOT NULL,\n"
  "  alloc_size INTEGER NOT NULL,\n"
  "  real_size INTEGER NOT NULL,\n"
  "  crtime_raw INTEGER NOT NULL,\n"
  "  mtime_raw INTEGER NOT NULL,\n"
  "  ctime_raw INTEGER NOT NULL,\n"
  "  atime_raw INTEGER NOT NULL,\n"
  "  PRIMARY KEY(object_id, ord)\n"
  ") WITHOUT ROWID;\n"
  "INSERT INTO ntfs_filename_v3 SELECT object_id, attr_id, attr_id, "
  "namespace, name, parent_inode, parent_seq, flags, alloc_size, "
  "real_size, crtime_raw, mtime_raw, ctime_raw, atime_raw FROM "
  "ntfs_filename;\n"
  "DROP TABLE ntfs_filename;\n"
  "ALTER TABLE ntfs_filename_v3 RENAME TO ntfs_filename;\n"
  "UPDATE event SET fn_ord = attr_id WHERE source = '$FN';\n"
  "CREATE INDEX IF NOT EXISTS object_name ON object(name COLLATE NOCASE);\n"
  "CREATE INDEX IF NOT EXISTS object_fs_inode ON object(fs_id, inode);\n"
  "CREATE INDEX IF NOT EXISTS object_hash_sha256 ON object_hash(sha256);\n"
  "CREATE INDEX IF NOT EXISTS object_hash_md5 ON object_hash(md5);\n"
  "INSERT OR REPLACE INTO case_meta VALUES('next_object_id', "
  "(SELECT coalesce(max(object_id), 0) + 1 FROM object));\n"
  "PRAGMA application_id = 1953260385;\n"
  /* rows that version 2 left behind when it replaced an item: derived
  ** rows of objects that no longer exist go (the high-water mark above
  ** then passes every id a table names); the sha1 index of copy detection */
  "DELETE FROM object_hash WHERE object_id NOT IN (SELECT object_id FROM "
  "object);\n"
  "DELETE FROM target_match WHERE object_id NOT IN (SELECT object_id FROM "
  "object);\n"
  "DELETE FROM ntfs_filename WHERE object_id NOT IN (SELECT object_id FROM "
  "object);\n"
  "DELETE FROM event WHERE object_id NOT IN (SELECT object_id FROM "
  "object);\n"
  "CREATE INDEX IF NOT EXISTS object_hash_sha1 ON object_hash(sha1);\n"
  /* a register's division is the owner of the file, not a scope (issue
  ** 9); a version-2 case scoped its rows by division: keep its meaning by
  ** copying division into scope (a new case has no rows yet) */
  "ALTER TABLE target ADD COLUMN scope TEXT;\n"
  "UPDATE target SET scope = division WHERE division IS NOT NULL;\n"
  /* artifact parsers (issue 10, docs/PLUGIN-ABI.md): the parsers a run
  ** used (plugin), each artifact file parsed (artifact_file: status and
  ** counts, so a failure is said), the events of artifacts apart from the
  ** file-system events (artifact_event: a reference the host could not
  ** resolve keeps object_id NULL and the path as written) with their
  ** details (artifact_attr); per-parser counts of a run (run.plugins) */
  "CREATE TABLE plugin(\n"
  "  plugin_id INTEGER PRIMARY KEY,\n"
  "  run_id INTEGER REFERENCES run(run_id),\n"
  "  name TEXT NOT NULL,\n"
  "  version TEXT NOT NULL,\n"
  "  abi TEXT NOT NULL,\n"
  "  sha256 TEXT,\n"
  "  path TEXT,\n"
  "  builtin INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE artifact_file(\n"
  "  artifact_file_id INTEGER PRIMARY KEY,\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  run_id INTEGER REFERENCES run(run_id),\n"
  "  plugin_id INTEGER REFERENCES plugin(plugin_id),\n"
  "  parser TEXT NOT NULL,\n"
  "  path TEXT NOT NULL,\n"
  "  object_id INTEGER,\n"
  "  size INTEGER,\n"
  "  sha256 TEXT,\n"
  "  status TEXT NOT NULL,\n"
  "  n_events INTEGER NOT NULL DEFAULT 0,\n"
  "  n_corrupt INTEGER NOT NULL DEFAULT 0,\n"
  "  n_refused INTEGER NOT NULL DEFAULT 0,\n"
  "  message TEXT\n"
  ");\n"
  "CREATE TABLE artifact_event(\n"
  "  event_id INTEGER PRIMARY KEY,\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  artifact_file_id INTEGER NOT NULL "
  "REFERENCES artifact_file(artifact_file_id),\n"
  "  object_id INTEGER,\n"
  "  resolved_by TEXT,\n"
  "  t_ns INTEGER NOT NULL,\n"
  "  raw INTEGER,\n"
  "  clamped INTEGER NOT NULL DEFAULT 0,\n"
  "  kind TEXT NOT NULL,\n"
  "  what TEXT,\n"
  "  ref_kind TEXT,\n"
  "  path TEXT,\n"
  "  mft_entry INTEGER,\n"
  "  mft_seq INTEGER,\n"
  "  parent_path TEXT,\n"
  "  parent_mft_entry INTEGER,\n"
  "  parent_mft_seq INTEGER,\n"
  "  name TEXT,\n"
  "  actor TEXT,\n"
  "  parser TEXT NOT NULL,\n"
  "  parser_version TEXT NOT NULL,\n"
  "  artifact_object_id INTEGER,\n"
  "  artifact_path TEXT NOT NULL,\n"
  "  record_offset INTEGER\n"
  ");\n"
  "CREATE TABLE artifact_attr(\n"
  "  event_id INTEGER NOT NULL,\n"
  "  ord INTEGER NOT NULL,\n"
  "  key TEXT NOT NULL,\n"
  "  value TEXT,\n"
  "  PRIMARY KEY(event_id, ord)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX artifact_event_time ON artifact_event(t_ns);\n"
  "CREATE INDEX artifact_event_object ON artifact_event(object_id);\n"
  "ALTER TABLE run ADD COLUMN plugins TEXT;\n";

/* Version 4 (issues 11-12): facts a parser states about a whole evidence
** item (plugin ABI 1.1 api->fact: host name, NTFS last-access updating,
** share definitions, which audit events a log holds). One row per
** statement: two copies of a hive may disagree, and both are kept with
** the artifact they came from. Applied on top of version 3. Later
** additions of this release append here. */
const char Tl_schema_v4_delta[] =
  "CREATE TABLE evidence_fact(\n"
  "  fact_id INTEGER PRIMARY KEY,\n"
  "  evidence_id INTEGER NOT NULL REFERENCES evidence(evidence_id),\n"
  "  key TEXT NOT NULL,\n"
  "  value TEXT NOT NULL,\n"
  "  parser TEXT NOT NULL,\n"
  "  artifact_file_id INTEGER REFERENCES artifact_file(artifact_file_id),\n"
  "  artifact_path TEXT\n"
  ");\n"
  "CREATE INDEX evidence_fact_key ON evidence_fact(evidence_id, key);\n"
  /* cloud matching (issue 11): the site-to-share map the user gives
  ** (`targets CASE sitemap import`), SharePoint site or library URL ->
  ** the UNC path of the share it holds the files of */
  "CREATE TABLE cloud_sitemap(\n"
  "  site_url TEXT NOT NULL PRIMARY KEY,\n"
  "  unc_prefix TEXT NOT NULL,\n"
  "  line INTEGER\n"
  ");\n";
