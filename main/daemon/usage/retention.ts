import type { Db } from './schema.js';
import { MEASURE_COLUMNS, RAW_SUMS } from './totals.js';

export const DAY_MS = 86_400_000;

/** Rows before this are rolled up: whole UTC days only, so a `daily` row never overlaps raw rows. */
export function retentionCutoff(now: number, retentionDays: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - retentionDays * DAY_MS;
}

const ROLL_UP_SQL = `
  INSERT INTO daily (day, day_start, project, model, provider, ${MEASURE_COLUMNS.join(', ')}, last_seen)
  SELECT strftime('%Y-%m-%d', day_start / 1000, 'unixepoch'), day_start, project, model, provider,
         ${MEASURE_COLUMNS.join(', ')}, last_seen
  FROM (
    SELECT (started_at / ${DAY_MS}) * ${DAY_MS} AS day_start, project,
           COALESCE(served_model, requested_model, '') AS model, provider, ${RAW_SUMS}
    FROM requests WHERE started_at < :cutoff
    GROUP BY 1, 2, 3, 4
  ) WHERE true
  ON CONFLICT (day, project, model, provider) DO UPDATE SET
    ${MEASURE_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')},
    last_seen = MAX(last_seen, excluded.last_seen)`;

export interface PruneResult {
  /** Raw rows folded into `daily` and deleted. */
  pruned: number;
}

/**
 * Folds raw rows older than the cutoff into the `daily` aggregates, then deletes them, in one
 * transaction: a crash in between can neither lose nor double-count a day.
 */
export function pruneRequests(db: Db, cutoff: number): PruneResult {
  const rollUp = db.prepare(ROLL_UP_SQL);
  const remove = db.prepare('DELETE FROM requests WHERE started_at < :cutoff');
  return db.transaction(() => {
    rollUp.run({ cutoff });
    return { pruned: remove.run({ cutoff }).changes };
  }).immediate();
}
