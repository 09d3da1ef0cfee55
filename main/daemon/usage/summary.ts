import type { SummaryResponse } from '../../../shared/api.js';
import { histogramPercentile } from './histogram.js';
import { sumsBy } from './match-sums.js';
import { histogramSince, type Span } from './rollup-read.js';
import { METRIC_LATENCY, METRIC_TTFB } from './rollup-schema.js';
import type { Db } from './schema.js';
import { emptyTotals, totalsFromSums, usageTotals, type Totals } from './totals.js';
import type { Window } from './window.js';

/** The summary as `GET /api/stats/summary` serves it, before the cache counters are added. */
export type UsageSummary = Omit<SummaryResponse, 'cache'>;
export type LatencyPercentiles = UsageSummary['latencyMs'];

/** Totals of every request in the span, from the roll-ups. */
export function totalsSince(db: Db, span: Span, now: number): Totals {
  const s = sumsBy(db, span, now, null).get('');
  return s ? totalsFromSums(s) : emptyTotals();
}

/** p50 and p95 from the histograms: within 2 % of the exact nearest-rank figures. */
export function percentilesSince(db: Db, span: Span, now: number, metric: number): LatencyPercentiles {
  const h = histogramSince(db, span, now, metric);
  return { p50: histogramPercentile(h, 0.5), p95: histogramPercentile(h, 0.95) };
}

/** Where a summary says it covers: null from for all time, and `to` no later than now. */
export function coverage(w: Window, now: number): { range: Window['range']; from: number | null; to: number } {
  return { range: w.range, from: w.from <= Number.MIN_SAFE_INTEGER ? null : w.from, to: Math.min(w.to, now) };
}

export function querySummary(db: Db, w: Window, now: number): UsageSummary {
  return {
    ...coverage(w, now),
    ...usageTotals(totalsSince(db, w, now)),
    latencyMs: percentilesSince(db, w, now, METRIC_LATENCY),
    ttfbMs: percentilesSince(db, w, now, METRIC_TTFB),
  };
}
