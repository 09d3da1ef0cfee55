import { addToHistogram, binOf, type Histogram } from './histogram.js';
import { measuresOf, rollupRowFromDb } from './rollup.js';
import {
  DAY_MS, fromResponseCache, HOUR_MS, METRIC_HIT_LATENCY, METRIC_TTFB, MINUTE_MS, ROLLUP_MEASURES, WEEK_MS,
} from './rollup-schema.js';
import type { Db } from './schema.js';

/** How long the finer roll-ups are kept (see retention): minutes for 2 days, hours for 32. */
export const MINUTE_KEEP_MS = 2 * DAY_MS;
export const HOUR_KEEP_MS = 32 * DAY_MS;

/** Buckets of resolution `res` older than this may have been pruned. */
export function keptFrom(res: number, now: number): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  if (res === MINUTE_MS) return today - MINUTE_KEEP_MS;
  if (res === HOUR_MS) return today - HOUR_KEEP_MS;
  return Number.MIN_SAFE_INTEGER;
}

/** One part of a range: raw rows or one roll-up resolution, over [from, to). */
export interface Piece {
  res: number | null;
  from: number;
  to: number;
}

const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

/**
 * Splits [from, ∞) into the coarsest pieces that cover it exactly: raw rows up to the next minute,
 * minutes up to the next hour, hours up to the next UTC day, days up to the next week, then weeks
 * (or days to the end, when a query groups by day). A query costs what its answer costs (a few
 * hundred buckets), not what the history holds.
 */
export function planRange(from: number, now: number, coarsest: number = WEEK_MS): Piece[] {
  const end = Number.MAX_SAFE_INTEGER;
  if (from <= Number.MIN_SAFE_INTEGER) return [{ res: coarsest, from, to: end }];
  const m1 = ceilTo(from, MINUTE_MS);
  const h1 = ceilTo(from, HOUR_MS);
  const d1 = ceilTo(from, DAY_MS);
  const w1 = coarsest === WEEK_MS ? ceilTo(d1, WEEK_MS) : end;
  const pieces: Piece[] = [];
  if (h1 >= keptFrom(HOUR_MS, now)) {
    if (m1 >= keptFrom(MINUTE_MS, now)) pieces.push({ res: null, from, to: m1 }, { res: MINUTE_MS, from: m1, to: h1 });
    else pieces.push({ res: null, from, to: h1 });
    pieces.push({ res: HOUR_MS, from: h1, to: d1 });
  } else {
    pieces.push({ res: null, from, to: d1 });
  }
  pieces.push({ res: DAY_MS, from: d1, to: w1 }, { res: WEEK_MS, from: w1, to: end });
  // `coarsest` DAY_MS: the week piece is empty (w1 is the end).
  return pieces.filter((p) => p.to > p.from);
}

export type GroupColumn = 'project' | 'model';

/** Sums in ROLLUP_MEASURES order, and the latest request seen. */
export interface Sums {
  sums: number[];
  lastSeen: number | null;
}

export function emptySums(): Sums {
  return { sums: ROLLUP_MEASURES.map(() => 0), lastSeen: null };
}

function addSums(into: Sums, sums: readonly number[], lastSeen: number | null): void {
  for (let i = 0; i < sums.length; i++) into.sums[i] = into.sums[i]! + sums[i]!;
  if (lastSeen !== null && (into.lastSeen === null || lastSeen > into.lastSeen)) into.lastSeen = lastSeen;
}

/** The raw columns the roll-ups are computed from. */
export const ROLLUP_SOURCE_COLUMNS = [
  'started_at', 'project', 'served_model', 'requested_model', 'cache', 'source', 'status', 'error_type',
  'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'cache_write_5m_tokens',
  'cache_write_1h_tokens', 'cost_usd', 'saved_usd', 'cost_estimated', 'billing', 'latency_ms', 'ttfb_ms',
  'session', 'session_id', 'git_branch', 'agent_type', 'cache_buster',
].join(', ');

function rawRows(db: Db, p: Piece): Array<Record<string, unknown>> {
  return db
    .prepare(`SELECT ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE started_at >= ? AND started_at < ?`)
    .all([p.from, p.to]) as Array<Record<string, unknown>>;
}

/** Measure sums over [from, ∞), grouped by the given columns ('' when none). */
export function sumsBy(db: Db, from: number, now: number, group: GroupColumn | null): Map<string, Sums> {
  const out = new Map<string, Sums>();
  const into = (key: string) => {
    let s = out.get(key);
    if (!s) {
      s = emptySums();
      out.set(key, s);
    }
    return s;
  };
  const select = ROLLUP_MEASURES.map((m) => `SUM(${m}) AS ${m}`).join(', ');
  for (const p of planRange(from, now)) {
    if (p.res === null) {
      for (const row of rawRows(db, p)) {
        const r = rollupRowFromDb(row);
        addSums(into(group === null ? '' : group === 'project' ? r.project : r.model), measuresOf(r), r.startedAt);
      }
      continue;
    }
    // Totals and per-project sums read the per-project table, per-model sums the per-model one: far
    // fewer rows per bucket than `rollup`, which has both (and outcome and source).
    const table = group === 'model' ? 'rollup_model' : 'rollup_project';
    const sql = `SELECT ${group ?? "''"} AS g, ${select}, MAX(last_seen) AS last_seen FROM ${table}
      WHERE res = ? AND bucket >= ? AND bucket < ?${group ? ` GROUP BY ${group}` : ''}`;
    for (const row of db.prepare(sql).all([p.res, p.from, p.to]) as Array<Record<string, unknown>>) {
      if (row.requests === null) continue;
      const lastSeen = row.last_seen === null ? null : Number(row.last_seen);
      addSums(into(String(row.g)), ROLLUP_MEASURES.map((m) => Number(row[m] ?? 0)), lastSeen);
    }
  }
  return out;
}

/** The histogram of one metric (rollup-schema.ts: upstream latency, TTFB, cache-hit latency) over [from, ∞). */
export function histogramSince(db: Db, from: number, now: number, metric: number): Histogram {
  const h: Histogram = new Map();
  for (const p of planRange(from, now)) {
    if (p.res === null) {
      for (const row of rawRows(db, p)) {
        const hit = fromResponseCache(String(row.cache));
        const value = metric === METRIC_TTFB ? row.ttfb_ms
          : (metric === METRIC_HIT_LATENCY) === hit ? row.latency_ms : null;
        if (value !== null && value !== undefined) addToHistogram(h, binOf(Number(value)), 1);
      }
      continue;
    }
    const rows = db
      .prepare(`SELECT bin, SUM(count) AS n FROM rollup_hist WHERE res = ? AND metric = ? AND bucket >= ? AND bucket < ?
        GROUP BY bin`)
      .all([p.res, metric, p.from, p.to]) as Array<{ bin: number; n: number }>;
    for (const r of rows) addToHistogram(h, Number(r.bin), Number(r.n));
  }
  return h;
}
