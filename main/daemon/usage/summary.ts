import type { SummaryResponse } from '../../../shared/api.js';
import { DAY_MS } from './retention.js';
import { summaryStart, type SummaryRange } from './ranges.js';
import { percentileOffset } from './percentile.js';
import type { Db } from './schema.js';
import { addTotals, DAILY_SUMS, RAW_SUMS, totalsFromRow, usageTotals, type Totals } from './totals.js';

/** The summary as `GET /api/stats/summary` serves it, before the cache counters are added. */
export type UsageSummary = Omit<SummaryResponse, 'cache'>;
export type LatencyPercentiles = UsageSummary['latencyMs'];

/** Raw rows since `from`, plus the rolled-up days that overlap the range. */
export function totalsSince(db: Db, from: number): Totals {
  const raw = db.prepare(`SELECT ${RAW_SUMS} FROM requests WHERE started_at >= :from`).get({ from });
  const daily = db.prepare(`SELECT ${DAILY_SUMS} FROM daily WHERE day_start + ${DAY_MS} > :from`).get({ from });
  return addTotals(
    totalsFromRow(raw as Record<string, unknown> | undefined),
    totalsFromRow(daily as Record<string, unknown> | undefined),
  );
}

/** Requests answered by an upstream call: cache hits take a millisecond and would drag p50 to nothing. */
const UPSTREAM = "started_at >= :from AND cache NOT IN ('hit', 'coalesced')";

export function latencySince(db: Db, from: number): LatencyPercentiles {
  const counted = db.prepare(`SELECT COUNT(*) AS n FROM requests WHERE ${UPSTREAM}`).get({ from }) as { n: number };
  const count = Number(counted.n);
  const at = (q: number): number | null => {
    if (count === 0) return null;
    const row = db
      .prepare(`SELECT latency_ms FROM requests WHERE ${UPSTREAM} ORDER BY latency_ms LIMIT 1 OFFSET :offset`)
      .get({ from, offset: percentileOffset(count, q) }) as { latency_ms: number } | undefined;
    return row ? Number(row.latency_ms) : null;
  };
  return { p50: at(0.5), p95: at(0.95) };
}

export function querySummary(db: Db, range: SummaryRange, now: number): UsageSummary {
  const from = summaryStart(range, now);
  const t = totalsSince(db, from);
  return { range, from: range === 'all' ? null : from, to: now, ...usageTotals(t), latencyMs: latencySince(db, from) };
}
