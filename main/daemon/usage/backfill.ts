import { BusterJudge } from './busters.js';
import { addToDelta, addV5ToDelta, applyDelta, emptyDelta, rollupRowFromDb } from './rollup.js';
import { ROLLUP_SOURCE_COLUMNS } from './rollup-read.js';
import type { Db } from './schema.js';

/** Progress of an upgrade's backfill: raw rows done of all that need it. */
export type BackfillProgress = (done: number, total: number) => void;

const BATCH_ROWS = 20_000;

function meta(db: Db, key: string): number {
  const row = db.prepare('SELECT value FROM usage_meta WHERE key = ?').get([key]) as { value: number } | undefined;
  return row ? Number(row.value) : 0;
}

/**
 * What an upgrade found to do: raw rows to add to the roll-ups (`backfill_*`, a v2 file) and raw
 * rows to judge as prompt-cache busters (`buster_*`, a v4 file), each the ids in (next, until].
 */
interface Cursors {
  rollups: { next: number; until: number };
  busters: { next: number; until: number };
}

function cursors(db: Db): Cursors {
  return {
    rollups: { next: meta(db, 'backfill_next'), until: meta(db, 'backfill_until') },
    busters: { next: meta(db, 'buster_next'), until: meta(db, 'buster_until') },
  };
}

/** The ids the remaining work spans; null when there is none. */
function span(c: Cursors): { from: number; until: number } | null {
  const open = [c.rollups, c.busters].filter((k) => k.next < k.until);
  if (open.length === 0) return null;
  return { from: Math.min(...open.map((k) => k.next)), until: Math.max(...open.map((k) => k.until)) };
}

/** Whether an upgrade still has raw rows to add: until then none may be pruned (retention.ts). */
export function backfillPending(db: Db): boolean {
  return span(cursors(db)) !== null;
}

/** Raw rows still to be added to the roll-ups (an older file being upgraded); 0 once done. */
export function backfillRemaining(db: Db): number {
  const s = span(cursors(db));
  if (s === null) return 0;
  const row = db.prepare('SELECT COUNT(*) AS n FROM requests WHERE id > ? AND id <= ?').get([s.from, s.until]) as { n: number };
  return Number(row.n);
}

const within = (id: number, k: { next: number; until: number }) => id > k.next && id <= k.until;

/** One batch, oldest id first: sums added, and calls linked in id order, as the writer links them. */
function backfillBatch(db: Db, batchRows: number, now: number): number {
  const c = cursors(db);
  const s = span(c);
  if (s === null) return 0;
  const rows = db
    .prepare(`SELECT id, ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`)
    .all([s.from, s.until, batchRows]) as Array<Record<string, unknown>>;
  const delta = emptyDelta();
  const judge = new BusterJudge(db, delta, now);
  for (const row of rows) {
    const id = Number(row.id);
    const r = rollupRowFromDb(row);
    if (within(id, c.rollups)) addToDelta(delta, r, now);
    else if (within(id, c.busters)) addV5ToDelta(delta, r, now);
    if (within(id, c.busters)) judge.add(id, r);
  }
  judge.finish();
  applyDelta(db, delta);
  const last = rows.length > 0 ? Number(rows[rows.length - 1]!.id) : s.until;
  const move = db.prepare('UPDATE usage_meta SET value = MAX(value, MIN(?, ?)) WHERE key = ?');
  move.run([last, c.rollups.until, 'backfill_next']);
  move.run([last, c.busters.until, 'buster_next']);
  return rows.length;
}

/**
 * Brings an upgraded file's roll-ups up to date, a batch per transaction. The cursors move in the
 * same transaction as the batch, so a kill at any point resumes where it stopped, never counting a
 * row twice; two processes upgrading the same file take turns. Rows written after the upgrade
 * were handled when they were written.
 */
export function backfillRollups(db: Db, progress?: BackfillProgress, now = Date.now(), batchRows = BATCH_ROWS): void {
  const total = backfillRemaining(db);
  if (total === 0) return;
  widenCacheForBackfill(db);
  let done = 0;
  progress?.(0, total);
  for (;;) {
    const added = backfillStep(db, now, batchRows);
    if (added === 0) return;
    done += added;
    progress?.(Math.min(done, total), total);
  }
}

/**
 * Rows per batch when the daemon upgrades while it serves. A batch holds the writer thread for
 * up to a second: new rows wait that long to be committed, while the proxy and the reads (WAL
 * readers) never wait. Smaller batches cost more than they save (each merges its roll-up buckets).
 */
export const BACKGROUND_BATCH_ROWS = BATCH_ROWS;

/** A larger page cache while the roll-ups are built: their pages are touched in no order. */
export function widenCacheForBackfill(db: Db): void {
  db.exec('PRAGMA cache_size = -65536');
}

/** One batch in one transaction; the number of raw rows it added (0: the upgrade is complete). */
export function backfillStep(db: Db, now: number, batchRows = BACKGROUND_BATCH_ROWS): number {
  return db.transaction(() => backfillBatch(db, batchRows, now)).immediate();
}
