import { addToHistogram, binOf, histogramPercentile, type Histogram } from './histogram.js';
import { measuresOf, rollupRowFromDb } from './rollup.js';
import { emptySums, planRange, ROLLUP_SOURCE_COLUMNS, type Span, type Sums } from './rollup-read.js';
import { fromResponseCache, ROLLUP_MEASURES } from './rollup-schema.js';
import { matchClauses, type RequestMatch } from './request-list.js';
import type { Db } from './schema.js';
import { coverage, type UsageSummary } from './summary.js';
import { totalsFromSums, usageTotals } from './totals.js';
import type { Window } from './window.js';

/**
 * The summary of the requests a filter matches. Project, model and cache outcome are dimensions of
 * the `rollup` table, so a filter of only those reads the roll-ups; status, session and search are
 * not, so those read the raw rows (kept 90 days, longer than any range). A model is the served
 * model, else the requested one, as the roll-ups and the models table count it. Latency and time
 * to first byte come from the raw rows either way (their histograms are not kept per dimension).
 */
/** Measure sums over the span of the requests the filter matches (roll-ups where they can answer). */
export function matchedSums(db: Db, span: Span, now: number, match: RequestMatch): Sums {
  if (onlyRolledUp(match)) return rolledUpSums(db, span, now, match);
  const sums = emptySums();
  for (const row of rawRows(db, span, match)) {
    const r = rollupRowFromDb(row);
    add(sums, measuresOf(r), r.startedAt);
  }
  return sums;
}

function onlyRolledUp(match: RequestMatch): boolean {
  return match.status === undefined && match.session === undefined && match.search === undefined;
}

export function queryFilteredSummary(db: Db, w: Window, now: number, match: RequestMatch): UsageSummary {
  const rolledUp = onlyRolledUp(match);
  const sums = rolledUp ? rolledUpSums(db, w, now, match) : emptySums();
  const latency: Histogram = new Map();
  const ttfb: Histogram = new Map();
  for (const row of rawRows(db, w, match)) {
    const r = rollupRowFromDb(row);
    if (!rolledUp) add(sums, measuresOf(r), r.startedAt);
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

function add(into: Sums, sums: readonly number[], lastSeen: number | null): void {
  for (let i = 0; i < sums.length; i++) into.sums[i] = into.sums[i]! + sums[i]!;
  if (lastSeen !== null && (into.lastSeen === null || lastSeen > into.lastSeen)) into.lastSeen = lastSeen;
}

/** The raw rows in the span that the filter matches. */
function rawRows(db: Db, span: Span, match: RequestMatch): Array<Record<string, unknown>> {
  const params: Record<string, string | number> = { from: span.from, to: span.to };
  const where = ['started_at >= :from', 'started_at < :to', ...matchClauses(match, params)];
  if (match.model !== undefined) {
    where.push('COALESCE(served_model, requested_model, \'\') = :model');
    params.model = match.model;
  }
  return db.prepare(`SELECT ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE ${where.join(' AND ')}`)
    .all(params) as Array<Record<string, unknown>>;
}

/** Sums from the `rollup` table, narrowed by project, model and outcome; raw rows for the newest minute. */
function rolledUpSums(db: Db, span: Span, now: number, match: RequestMatch): Sums {
  const sums = emptySums();
  const terms: string[] = [];
  const args: string[] = [];
  if (match.project !== undefined) {
    terms.push('project = ?');
    args.push(match.project);
  }
  if (match.model !== undefined) {
    terms.push('model = ?');
    args.push(match.model);
  }
  if (match.cache !== undefined) {
    terms.push('outcome = ?');
    args.push(match.cache);
  }
  const select = ROLLUP_MEASURES.map((m) => `SUM(${m}) AS ${m}`).join(', ');
  for (const p of planRange(span, now)) {
    if (p.res === null) {
      for (const row of rawRows(db, p, match)) {
        const r = rollupRowFromDb(row);
        add(sums, measuresOf(r), r.startedAt);
      }
      continue;
    }
    const sql = `SELECT ${select}, MAX(last_seen) AS last_seen FROM rollup
      WHERE res = ? AND bucket >= ? AND bucket < ?${terms.map((t) => ` AND ${t}`).join('')}`;
    const row = db.prepare(sql).get([p.res, p.from, p.to, ...args]) as Record<string, unknown> | undefined;
    if (!row || row.requests === null) continue;
    add(sums, ROLLUP_MEASURES.map((m) => Number(row[m] ?? 0)), row.last_seen === null ? null : Number(row.last_seen));
  }
  return sums;
}
