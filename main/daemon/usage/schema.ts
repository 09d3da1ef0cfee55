import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import { ensurePrivateDir, makePrivate, touchPrivateFile } from '../../common/private-fs.js';
import { backfillRollups, type BackfillProgress } from './backfill.js';
import { CHAIN_TABLE } from './busters.js';
import { ROLLUP_TABLES, V5_ROLLUP_TABLES } from './rollup-schema.js';

export type Db = Database.Database;

/** Each entry moves the schema from version `index` to `index + 1`. Append only, never edit. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE requests (
     id INTEGER PRIMARY KEY,
     started_at INTEGER NOT NULL,
     project TEXT NOT NULL,
     session TEXT NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     requested_model TEXT,
     served_model TEXT,
     provider TEXT NOT NULL,
     status INTEGER NOT NULL,
     error_type TEXT,
     cache TEXT NOT NULL,
     streaming INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cache_creation_tokens INTEGER NOT NULL,
     cache_read_tokens INTEGER NOT NULL,
     latency_ms INTEGER NOT NULL,
     ttfb_ms INTEGER,
     request_bytes INTEGER NOT NULL,
     response_bytes INTEGER NOT NULL,
     cost_usd REAL,
     saved_usd REAL,
     cost_estimated INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX requests_started_at ON requests (started_at);
   CREATE INDEX requests_project ON requests (project, started_at);
   CREATE TABLE daily (
     day TEXT NOT NULL,
     day_start INTEGER NOT NULL,
     project TEXT NOT NULL,
     model TEXT NOT NULL,
     provider TEXT NOT NULL,
     requests INTEGER NOT NULL,
     hits INTEGER NOT NULL,
     misses INTEGER NOT NULL,
     errors INTEGER NOT NULL,
     unpriced INTEGER NOT NULL,
     input_tokens INTEGER NOT NULL,
     output_tokens INTEGER NOT NULL,
     cache_creation_tokens INTEGER NOT NULL,
     cache_read_tokens INTEGER NOT NULL,
     cost_usd REAL NOT NULL,
     saved_usd REAL NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (day, project, model, provider)
   );
   CREATE INDEX daily_day_start ON daily (day_start);`,
  // v2: the (project, started_at) index cost about 40 % of each insert (measured: 8.5 -> 6 us a row),
  // on the path of every request, for one rarely used filter (/api/requests?project=), which the
  // started_at index serves well enough newest-first.
  `DROP INDEX IF EXISTS requests_project;`,
  // v3: indexes for the request list's filters. Measured with libsql, batches of 100, roll-ups on:
  // the five add about 30 us (+40 %) to a row's commit (63..70 -> 95..97 us CPU), on the writer
  // thread, never the proxy's. Then the dimensions later features fill (transcripts, quota, cost split) as nullable
  // columns, and the roll-ups every report reads, kept by the writer in the same transaction as the rows.
  // `usage_meta.backfill_until` marks raw rows (id <= it) whose roll-ups are still being backfilled.
  `ALTER TABLE requests ADD COLUMN source TEXT NOT NULL DEFAULT 'proxy';
   ALTER TABLE requests ADD COLUMN session_id TEXT;
   ALTER TABLE requests ADD COLUMN git_branch TEXT;
   ALTER TABLE requests ADD COLUMN agent_type TEXT;
   ALTER TABLE requests ADD COLUMN is_sidechain INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE requests ADD COLUMN cache_write_5m_tokens INTEGER;
   ALTER TABLE requests ADD COLUMN cache_write_1h_tokens INTEGER;
   ALTER TABLE requests ADD COLUMN credential_fingerprint TEXT;
   ALTER TABLE requests ADD COLUMN upstream_request_id TEXT;
   ALTER TABLE requests ADD COLUMN service_tier TEXT;
   ALTER TABLE requests ADD COLUMN billing TEXT NOT NULL DEFAULT 'payg';
   CREATE INDEX requests_project ON requests (project, started_at);
   CREATE INDEX requests_served_model ON requests (served_model, started_at);
   CREATE INDEX requests_requested_model ON requests (requested_model, started_at);
   CREATE INDEX requests_session ON requests (COALESCE(session_id, session), started_at);
   CREATE INDEX requests_status ON requests (status, started_at);
   ${ROLLUP_TABLES}
   CREATE TABLE usage_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
   INSERT INTO usage_meta (key, value) SELECT 'backfill_until', COALESCE(MAX(id), 0) FROM requests;
   INSERT INTO usage_meta (key, value) VALUES ('backfill_next', 0);`,
  // v4: each API response counts once. Transcript rows are unique on (message id, request id) (the
  // unique index), and a proxied row and a transcript line of the same response meet on the
  // upstream request id (the partial index the writer looks each new row up in).
  `ALTER TABLE requests ADD COLUMN message_id TEXT;
   CREATE UNIQUE INDEX requests_response ON requests (message_id, COALESCE(upstream_request_id, ''))
     WHERE message_id IS NOT NULL;
   CREATE INDEX requests_upstream_request_id ON requests (upstream_request_id) WHERE upstream_request_id IS NOT NULL;`,
  // v5: what reports still read raw rows for, kept at write time: prompt-cache busters (busters.ts),
  // HTTP statuses, and latency by model. The kept rows get them from the upgrade's backfill
  // (`buster_next` up to `buster_until`); older days keep what they had.
  `ALTER TABLE requests ADD COLUMN cache_buster INTEGER NOT NULL DEFAULT 0;
   ${V5_ROLLUP_TABLES}
   ${CHAIN_TABLE}
   INSERT INTO usage_meta (key, value) SELECT 'buster_until', COALESCE(MAX(id), 0) FROM requests;
   INSERT INTO usage_meta (key, value) VALUES ('buster_next', 0);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

// The API is synchronous, so waiting on a lock blocks the event loop: keep it short. Only another
// process writing the same file (a user's SQLite browser) can hold the lock at all.
export const BUSY_TIMEOUT_MS = 1000;

export class UsageDatabaseError extends Error {
  override name = 'UsageDatabaseError';
}

/** libsql's `pragma()` neither plucks nor strips `_metadata`, so read the one named column. */
function pragmaValue(db: Db, name: string, assign?: string): unknown {
  const row = db.prepare(`PRAGMA ${name}${assign === undefined ? '' : ` = ${assign}`}`).get() as
    | Record<string, unknown>
    | undefined;
  return row?.[name];
}

function schemaVersion(db: Db): number {
  return Number(pragmaValue(db, 'user_version'));
}

function migrate(db: Db, file: string): void {
  const found = schemaVersion(db);
  // Only possible before the first table exists: a new file gives freed pages back after a prune.
  if (found === 0) db.exec('PRAGMA auto_vacuum = INCREMENTAL');
  if (found > SCHEMA_VERSION) {
    throw new UsageDatabaseError(
      `${file} has usage schema version ${found}, but this CCO only knows up to version ${SCHEMA_VERSION}: ` +
        'it was written by a newer CCO. Upgrade CCO, or move the file aside to start a new one.',
    );
  }
  for (let version = found; version < SCHEMA_VERSION; version++) {
    // user_version lives in the file header, so it commits or rolls back with the migration.
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    }).immediate();
  }
}

function configure(db: Db, busyTimeoutMs: number): void {
  db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  const mode = String(pragmaValue(db, 'journal_mode', 'WAL'));
  if (mode.toLowerCase() !== 'wal') throw new UsageDatabaseError(`cannot switch to WAL (journal mode stays "${mode}")`);
  // WAL + NORMAL: a crash can lose the last commits but never corrupts the file.
  db.exec('PRAGMA synchronous = NORMAL');
}

/**
 * Opens (creating if needed) and migrates the usage database of one daemon instance. Upgrading an
 * older file backfills its roll-ups from the raw rows, reporting `progress` (resumable if killed):
 * here, or `later` by the caller (the daemon does it on its writer thread while it serves).
 */
export function openUsageDatabase(
  file: string,
  busyTimeoutMs = BUSY_TIMEOUT_MS,
  progress?: BackfillProgress,
  backfill: 'at-open' | 'later' = 'at-open',
): Db {
  ensurePrivateDir(dirname(file));
  // SQLite gives its -wal and -shm files the database file's mode: a private file keeps all three private.
  for (const side of ['', '-wal', '-shm']) makePrivate(file + side);
  if (!existsSync(file)) touchPrivateFile(file);
  const db = new Database(file);
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    // Checked before any pragma that writes, so a newer file is left exactly as it was.
    migrate(db, file);
    configure(db, busyTimeoutMs);
    if (backfill === 'at-open') backfillRollups(db, progress);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof UsageDatabaseError) throw error;
    throw new UsageDatabaseError(`cannot open the usage database ${file}: ${(error as Error).message}`);
  }
}

/** A second connection for long reads (exports), so they never hold up the writer. */
export function openReader(file: string, busyTimeoutMs = BUSY_TIMEOUT_MS): Db {
  const db = new Database(file);
  db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  return db;
}
