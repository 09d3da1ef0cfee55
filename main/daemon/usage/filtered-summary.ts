import { addToHistogram, binOf, histogramPercentile, type Histogram } from './histogram.js';
import { latestTimings, sampleOf, sumsBy } from './match-sums.js';
import { emptySums, type Span, type Sums } from './rollup-read.js';
import type { RequestMatch } from './request-list.js';
import type { Db } from './schema.js';
import { coverage, type UsageSummary } from './summary.js';
import { totalsFromSums, usageTotals } from './totals.js';
import type { Window } from './window.js';

/** Measure sums over the span of the requests the filter matches (roll-ups where they can answer). */
export function matchedSums(db: Db, span: Span, now: number, match: RequestMatch): Sums {
  return sumsBy(db, span, now, null, match).get('') ?? emptySums();
}

/**
 * The summary of the requests a filter matches. Project, model and cache outcome are dimensions of
 * the `rollup` table, so a filter of only those reads the roll-ups; status, session and search are
 * not, so those read the raw rows (kept 90 days, longer than any range). A model is the served
 * model, else the requested one, as the roll-ups and the models table count it. Latency and time
 * to first byte come from the latest matching raw rows (TIMING_SAMPLE at most; the answer says
 * when they are a sample): their histograms are not kept per dimension.
 */
export function queryFilteredSummary(db: Db, w: Window, now: number, match: RequestMatch): UsageSummary {
  const sums = matchedSums(db, w, now, match);
  const timed = latestTimings(db, w, match);
  const latency: Histogram = new Map();
  const ttfb: Histogram = new Map();
  for (const t of timed.timings) {
    // The roll-ups' rules (rollup.ts), so a filter matching everything shows the unfiltered figures.
    if (t.transcript) continue;
    if (!t.fromCache) addToHistogram(latency, binOf(t.latencyMs), 1);
    if (t.ttfbMs !== null) addToHistogram(ttfb, binOf(t.ttfbMs), 1);
  }
  const sample = sampleOf(timed);
  return {
    ...coverage(w, now),
    ...usageTotals(totalsFromSums(sums)),
    latencyMs: { p50: histogramPercentile(latency, 0.5), p95: histogramPercentile(latency, 0.95) },
    ttfbMs: { p50: histogramPercentile(ttfb, 0.5), p95: histogramPercentile(ttfb, 0.95) },
    ...(sample ? { timingSample: sample } : {}),
  };
}
