import { addToDelta, applyDelta, emptyDelta, rollupRowFromDb } from './rollup.js';
import { ROLLUP_SOURCE_COLUMNS } from './rollup-read.js';
import type { Db } from './schema.js';

/** Progress of an upgrade's backfill: raw rows done of all that need it. */
export type BackfillProgress = (done: number, total: number) => void;

const BATCH_ROWS = 20_000;

function meta(db: Db, key: string): number {
  const row = db.prepare('SELECT value FROM usage_meta WHERE key = ?').get([key]) as { value: number } | undefined;
  return row ? Number(row.value) : 0;
}

/** Raw rows still to be added to the roll-ups (a v2 file being upgraded); 0 once done. */
export function backfillRemaining(db: Db): number {
  const next = meta(db, 'backfill_next');
  const until = meta(db, 'backfill_until');
  if (next >= until) return 0;
  const row = db.prepare('SELECT COUNT(*) AS n FROM requests WHERE id > ? AND id <= ?')
    .get([next, until]) as { n: number };
  return Number(row.n);
}

/**
 * Adds the raw rows of an upgraded file (ids up to `backfill_until`) to the roll-ups, a batch per
 * transaction. The cursor moves in the same transaction as the batch's roll-ups, so a kill at any
 * point resumes where it stopped, never counting a row twice; two processes upgrading the same
 * file take turns. Rows written after the upgrade got their roll-ups when they were written.
 */
export function backfillRollups(db: Db, progress?: BackfillProgress, now = Date.now(), batchRows = BATCH_ROWS): void {
  const total = backfillRemaining(db);
  // A larger page cache while the roll-ups are built: their pages are touched in no order.
  if (total > 0) db.exec('PRAGMA cache_size = -65536');
  if (total === 0) return;
  let done = 0;
  progress?.(0, total);
  for (;;) {
    const added = db.transaction(() => {
      const next = meta(db, 'backfill_next');
      const until = meta(db, 'backfill_until');
      if (next >= until) return 0;
      const rows = db
        .prepare(`SELECT id, ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`)
        .all([next, until, batchRows]) as Array<Record<string, unknown>>;
      const delta = emptyDelta();
      for (const row of rows) addToDelta(delta, rollupRowFromDb(row), now);
      applyDelta(db, delta);
      const last = rows.length > 0 ? Number(rows[rows.length - 1]!.id) : until;
      db.prepare("UPDATE usage_meta SET value = ? WHERE key = 'backfill_next'").run([last]);
      return rows.length;
    }).immediate();
    if (added === 0) break;
    done += added;
    progress?.(Math.min(done, total), total);
  }
}
