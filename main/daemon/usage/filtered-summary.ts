import { addToHistogram, binOf, histogramPercentile, type Histogram } from './histogram.js';
import { measuresOf, rollupRowFromDb } from './rollup.js';
import { matchedRawRows, matchedSumsBy, onlyRolledUp } from './match-sums.js';
import { emptySums, type Span, type Sums } from './rollup-read.js';
import { fromResponseCache } from './rollup-schema.js';
import type { RequestMatch } from './request-list.js';
import type { Db } from './schema.js';
import { coverage, type UsageSummary } from './summary.js';
import { totalsFromSums, usageTotals } from './totals.js';
import type { Window } from './window.js';

/** Measure sums over the span of the requests the filter matches (roll-ups where they can answer). */
export function matchedSums(db: Db, span: Span, now: number, match: RequestMatch): Sums {
  return matchedSumsBy(db, span, now, match, null).get('') ?? emptySums();
}

/**
 * The summary of the requests a filter matches. Project, model and cache outcome are dimensions of
 * the `rollup` table, so a filter of only those reads the roll-ups; status, session and search are
 * not, so those read the raw rows (kept 90 days, longer than any range). A model is the served
 * model, else the requested one, as the roll-ups and the models table count it. Latency and time
 * to first byte come from the raw rows either way (their histograms are not kept per dimension).
 */
export function queryFilteredSummary(db: Db, w: Window, now: number, match: RequestMatch): UsageSummary {
  const rolledUp = onlyRolledUp(match);
  const sums = rolledUp ? matchedSums(db, w, now, match) : emptySums();
  const latency: Histogram = new Map();
  const ttfb: Histogram = new Map();
  for (const row of matchedRawRows(db, w, match)) {
    const r = rollupRowFromDb(row);
    if (!rolledUp) addMeasures(sums, measuresOf(r), r.startedAt);
    // The roll-ups' rule (rollup.ts), so a filter matching everything shows the unfiltered figures.
    if (!fromResponseCache(r.outcome)) addToHistogram(latency, binOf(r.latencyMs), 1);
    if (r.ttfbMs !== null) addToHistogram(ttfb, binOf(r.ttfbMs), 1);
  }
  return {
    ...coverage(w, now),
    ...usageTotals(totalsFromSums(sums)),
    latencyMs: { p50: histogramPercentile(latency, 0.5), p95: histogramPercentile(latency, 0.95) },
    ttfbMs: { p50: histogramPercentile(ttfb, 0.5), p95: histogramPercentile(ttfb, 0.95) },
  };
}

function addMeasures(into: Sums, sums: readonly number[], lastSeen: number | null): void {
  for (let i = 0; i < sums.length; i++) into.sums[i] = into.sums[i]! + sums[i]!;
  if (lastSeen !== null && (into.lastSeen === null || lastSeen > into.lastSeen)) into.lastSeen = lastSeen;
}
