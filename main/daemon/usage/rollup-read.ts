import { addToHistogram, binOf, type Histogram } from './histogram.js';
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

/**
 * The span as the roll-ups answer it cheaply: an edge past the minute roll-ups' keep moves to the
 * nearest hour, and one past the hour roll-ups' keep to the nearest UTC midnight, so hour or day
 * roll-ups answer it where an exact edge would need up to an hour (or a day) of raw rows: 4,600
 * rows read three times over for a 30-day summary at 10M rows. Answers that cover such a span say
 * where it starts and ends.
 */
export function readableSpan<S extends Span>(span: S, now: number): S {
  const hours = keptFrom(HOUR_MS, now);
  const minutes = keptFrom(MINUTE_MS, now);
  const edge = (t: number) => {
    if (t <= Number.MIN_SAFE_INTEGER || t >= Number.MAX_SAFE_INTEGER) return t;
    if (t < hours) return Math.round(t / DAY_MS) * DAY_MS;
    return t < minutes ? Math.round(t / HOUR_MS) * HOUR_MS : t;
  };
  return { ...span, from: edge(span.from), to: edge(span.to) };
}

/** One part of a range: raw rows or one roll-up resolution, over [from, to). */
export interface Piece {
  res: number | null;
  from: number;
  to: number;
}

/** A span of time, [from, to) in epoch ms; `to` OPEN_END (window.ts) runs on past now. */
export interface Span {
  from: number;
  to: number;
}

const END = Number.MAX_SAFE_INTEGER;
const LEVELS = [WEEK_MS, DAY_MS, HOUR_MS, MINUTE_MS];
const floorTo = (t: number, step: number) => (t >= END ? END : Math.floor(t / step) * step);

/** Where raw rows at an unaligned `t` can hand over to a roll-up: the nearest boundary still kept. */
function rawEnd(t: number, now: number): number {
  const ends = [MINUTE_MS, HOUR_MS, DAY_MS]
    .map((l) => ({ l, b: Math.floor(t / l) * l + l }))
    .filter(({ l, b }) => b >= keptFrom(l, now));
  return Math.min(...ends.map(({ b }) => b));
}

/** One roll-up piece at aligned `t`: up to the span's last whole bucket, or where a coarser one takes over. */
function pieceEnd(t: number, res: number, to: number, now: number, levels: readonly number[]): number {
  let end = floorTo(to, res);
  for (const c of levels.filter((l) => l > res)) {
    const b = Math.ceil(t / c) * c;
    if (b > t && b + c <= to && b >= keptFrom(c, now)) end = Math.min(end, b);
  }
  return end;
}

/**
 * Splits [from, to) into the coarsest pieces that cover it exactly: raw rows up to the next minute,
 * minutes up to the next hour, hours up to the next UTC day, days up to the next week, weeks, then
 * back down at the far edge (days, hours, minutes, raw rows up to `to`). A piece is never finer than
 * the roll-ups kept there (raw rows instead, up to the next kept boundary). `coarsest` DAY_MS when a
 * query groups by day. A query costs what its answer costs (a few hundred buckets), not what the
 * history holds.
 */
export function planRange(span: Span, now: number, coarsest: number = WEEK_MS): Piece[] {
  const levels = LEVELS.filter((l) => l <= coarsest);
  const pieces: Piece[] = [];
  let t = span.from;
  if (t <= Number.MIN_SAFE_INTEGER) {
    t = floorTo(span.to, coarsest);
    pieces.push({ res: coarsest, from: span.from, to: t });
  }
  while (t < span.to) {
    const at = t;
    const res = levels.find((l) => at % l === 0 && at + l <= span.to && at >= keptFrom(l, now));
    const end = res === undefined ? Math.min(span.to, rawEnd(at, now)) : pieceEnd(at, res, span.to, now, levels);
    pieces.push({ res: res ?? null, from: at, to: end });
    t = end;
  }
  return pieces.filter((p) => p.to > p.from);
}

/** Sums in ROLLUP_MEASURES order, and the latest request seen. */
export interface Sums {
  sums: number[];
  lastSeen: number | null;
}

export function emptySums(): Sums {
  return { sums: ROLLUP_MEASURES.map(() => 0), lastSeen: null };
}

/** The raw columns the roll-ups are computed from. */
export const ROLLUP_SOURCE_COLUMNS = [
  'started_at', 'project', 'served_model', 'requested_model', 'cache', 'source', 'status', 'error_type',
  'input_tokens', 'output_tokens', 'cache_creation_tokens', 'cache_read_tokens', 'cache_write_5m_tokens',
  'cache_write_1h_tokens', 'cost_usd', 'saved_usd', 'cost_estimated', 'billing', 'latency_ms', 'ttfb_ms',
  'session', 'session_id', 'git_branch', 'agent_type', 'cache_buster',
].join(', ');

/** The histogram of one metric (rollup-schema.ts: upstream latency, TTFB, cache-hit latency) over the span. */
export function histogramSince(db: Db, span: Span, now: number, metric: number): Histogram {
  const h: Histogram = new Map();
  for (const p of planRange(span, now)) {
    if (p.res === null) {
      // Transcript lines have no latency of their own: the roll-ups leave them out too (rollup.ts).
      const rows = db.prepare(`SELECT cache, latency_ms, ttfb_ms FROM requests WHERE started_at >= ? AND started_at < ?
        AND COALESCE(source, 'proxy') <> 'transcript'`).all([p.from, p.to]) as Array<Record<string, unknown>>;
      for (const row of rows) {
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
