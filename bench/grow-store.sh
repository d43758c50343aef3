#!/usr/bin/env bash
# Grows a silo's SQLite file to about N stored contracts, so a load run can start from a large store
# (bench/run-load-test.sh SEED=...). The contracts already in the file (a load run's) are copied under new ids
# ("<id>~<n>"), with their index entries and their lists of entries (grain_index_entries), in one transaction: the
# tables and their B-trees reach the size a store of N contracts has, which is what a new contract's reads and writes
# go through. The copies are never read: their stored state still names the original contract, so do not list or
# read them through the API. The file must come from a version that keeps the lists (ADR 0012 §13).
#
#   DATA=/tmp/seed-data bench/run-load-test.sh && bench/grow-store.sh /tmp/seed-data/moneta.db 1000000
#
# Needs the sqlite3 command (Debian: apt-get install sqlite3). The silo must not be running on the file.
set -euo pipefail

db=${1:?usage: bench/grow-store.sh DB CONTRACTS}
target=${2:?usage: bench/grow-store.sh DB CONTRACTS}
originals=$(sqlite3 "$db" "select count(*) from grains where grain_type = 'contract' and grain_key not like '%~%'")
(( originals > 0 )) || { echo "No contracts in $db to copy: run a load test on it first." >&2; exit 1; }
copies=$(( (target + originals - 1) / originals - 1 ))
echo "copying $originals contracts $copies times"

sqlite3 -bail "$db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
CREATE TEMP TABLE copy_number AS
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $copies) SELECT i FROM n;
INSERT INTO grains (grain_type, grain_key, etag, data, updated_at, expires_at)
  SELECT g.grain_type, g.grain_key || '~' || c.i, g.etag, g.data, g.updated_at, g.expires_at
  FROM grains g, copy_number c
  WHERE g.grain_type = 'contract' AND g.grain_key NOT LIKE '%~%';
INSERT INTO grain_index (grain_type, index_name, index_key, sort_key, grain_key)
  SELECT x.grain_type, x.index_name, x.index_key, x.sort_key, x.grain_key || '~' || c.i
  FROM grain_index x, copy_number c
  WHERE x.grain_type = 'contract' AND x.grain_key NOT LIKE '%~%';
-- A copy's entries are its original's (the list names no grain key), so the copy gets its original's list.
INSERT INTO grain_index_entries (grain_rowid, entries)
  SELECT copy.rowid, e.entries
  FROM grains original
  JOIN grain_index_entries e ON e.grain_rowid = original.rowid
  JOIN copy_number c
  JOIN grains copy ON copy.grain_type = original.grain_type AND copy.grain_key = original.grain_key || '~' || c.i
  WHERE original.grain_type = 'contract' AND original.grain_key NOT LIKE '%~%';
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "$(sqlite3 "$db" "select count(*) from grains where grain_type = 'contract'") contracts, $(( $(stat -c %s "$db") / 1048576 )) MB"
