import type { SummaryResponse } from '../../../shared/api.js';
import { histogramPercentile } from './histogram.js';
import { summaryStart, type SummaryRange } from './ranges.js';
import { histogramSince, sumsBy } from './rollup-read.js';
import { METRIC_LATENCY, METRIC_TTFB } from './rollup-schema.js';
import type { Db } from './schema.js';
import { emptyTotals, totalsFromSums, usageTotals, type Totals } from './totals.js';

/** The summary as `GET /api/stats/summary` serves it, before the cache counters are added. */
export type UsageSummary = Omit<SummaryResponse, 'cache'>;
export type LatencyPercentiles = UsageSummary['latencyMs'];

/** Totals of every request since `from` (epoch ms), from the roll-ups. */
export function totalsSince(db: Db, from: number, now: number): Totals {
  const s = sumsBy(db, from, now, null).get('');
  return s ? totalsFromSums(s) : emptyTotals();
}

/** p50 and p95 from the histograms: within 2 % of the exact nearest-rank figures. */
export function percentilesSince(db: Db, from: number, now: number, metric: number): LatencyPercentiles {
  const h = histogramSince(db, from, now, metric);
  return { p50: histogramPercentile(h, 0.5), p95: histogramPercentile(h, 0.95) };
}

export function querySummary(db: Db, range: SummaryRange, now: number): UsageSummary {
  const from = summaryStart(range, now);
  const t = totalsSince(db, from, now);
  return {
    range,
    from: range === 'all' ? null : from,
    to: now,
    ...usageTotals(t),
    latencyMs: percentilesSince(db, from, now, METRIC_LATENCY),
    ttfbMs: percentilesSince(db, from, now, METRIC_TTFB),
  };
}
