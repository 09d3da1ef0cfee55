import { backfillPending } from './backfill.js';
import { WAITING } from './busters.js';
import { type CompactOutcome, convertToIncremental, fileShape, needsConversion } from './compact.js';
import { keptFrom } from './rollup-read.js';
import { HOUR_MS, METRIC_HIT_LATENCY, METRIC_LATENCY, METRIC_TTFB, MINUTE_MS } from './rollup-schema.js';
import type { Db } from './schema.js';

export { DAY_MS } from './rollup-schema.js';
import { DAY_MS } from './rollup-schema.js';

/** Raw rows before this are deleted: whole UTC days only (the day roll-ups keep their totals). */
export function retentionCutoff(now: number, retentionDays: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - retentionDays * DAY_MS;
}

/** What a prune removes: raw rows, and the finer roll-ups past the time they serve. */
export interface PruneCutoffs {
  raw: number;
  minute: number;
  hour: number;
}

export function pruneCutoffs(now: number, retentionDays: number): PruneCutoffs {
  return { raw: retentionCutoff(now, retentionDays), minute: keptFrom(MINUTE_MS, now), hour: keptFrom(HOUR_MS, now) };
}

export interface PruneResult {
  /** Raw rows deleted (their totals stay in the day roll-ups). */
  pruned: number;
  /** An upgraded file rewritten once so that it shrinks (compact.ts), or why it was not. */
  compacted?: CompactOutcome;
}

/** Rows deleted per transaction: a batch holds the write lock for a few milliseconds at most. */
export const PRUNE_BATCH = 2000;

/**
 * Deletes one small batch of what is past its cutoff, in one transaction. Returns the raw rows
 * deleted and whether anything is left to delete. The roll-ups already hold every raw row's
 * totals (written with it), so deleting raw rows never changes a total.
 */
export function pruneBatch(db: Db, cutoffs: PruneCutoffs, limit = PRUNE_BATCH): { pruned: number; more: boolean } {
  return db.transaction(() => {
    // An upgrade under way has raw rows not yet in the roll-ups: deleting them would lose their
    // totals. The prune after the upgrade catches up.
    if (backfillPending(db)) return { pruned: 0, more: false };
    const raw = db
      .prepare(`DELETE FROM requests WHERE id IN
        (SELECT id FROM requests WHERE started_at < ? ORDER BY started_at LIMIT ?)`)
      .run([cutoffs.raw, limit]).changes;
    let other = 0;
    // Chains whose last call is gone with the raw rows (busters.ts): once, when the raw rows are done.
    if (raw < limit) {
      other += db.prepare(`DELETE FROM cache_chain WHERE (session, model) IN
        (SELECT session, model FROM cache_chain WHERE tail_at < ? AND state <> ${WAITING} LIMIT ?)`).run([cutoffs.raw, limit]).changes;
    }
    // Roll-ups go one bucket (a few hundred rows) per table and resolution at a time.
    for (const [res, before] of [[MINUTE_MS, cutoffs.minute], [HOUR_MS, cutoffs.hour]] as const) {
      // A table's buckets per histogram metric, so each MIN and DELETE walks its primary key.
      const tables = [['rollup', ''], ['rollup_project', ''], ['rollup_model', ''], ['rollup_status', ''], ['rollup_model_hist', ''],
        ...[METRIC_LATENCY, METRIC_TTFB, METRIC_HIT_LATENCY].map((m) => ['rollup_hist', ` AND metric = ${m}`])] as const;
      for (const [table, metric] of tables) {
        const oldest = db.prepare(`SELECT MIN(bucket) AS b FROM ${table} WHERE res = ?${metric}`)
          .get([res]) as { b: number | null };
        if (oldest.b === null || Number(oldest.b) >= before) continue;
        other += db.prepare(`DELETE FROM ${table} WHERE res = ?${metric} AND bucket = ?`).run([res, oldest.b]).changes;
      }
    }
    return { pruned: raw, more: raw + other > 0 };
  }).immediate();
}

/** Gives the freed pages back to the file system (the file shrinks); a no-op unless auto_vacuum is incremental. */
export function releaseFreePages(db: Db, pages = 4096): void {
  db.prepare(`PRAGMA incremental_vacuum(${Math.floor(pages)})`).all();
}

/** The end of a prune: the freed pages go back to the file system, whatever the file's age. */
export function finishPrune(db: Db, file: string, pruned: number): PruneResult {
  releaseFreePages(db, 1 << 30);
  if (pruned === 0 || !needsConversion(fileShape(db))) return { pruned };
  return { pruned, compacted: convertToIncremental(db, file) };
}

/** Prunes everything due in small batches, on the calling thread (tests and tools). */
export function pruneAll(db: Db, file: string, cutoffs: PruneCutoffs): PruneResult {
  let pruned = 0;
  for (;;) {
    const step = pruneBatch(db, cutoffs);
    pruned += step.pruned;
    if (!step.more) break;
  }
  return finishPrune(db, file, pruned);
}
