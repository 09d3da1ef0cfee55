import { MEASURE_SQL } from './rollup.js';
import { emptySums, planRange, type Span, type Sums } from './rollup-read.js';
import { fromResponseCache, ROLLUP_MEASURES } from './rollup-schema.js';
import { matchClauses, type RequestMatch } from './request-list.js';
import type { Db } from './schema.js';

/**
 * Reading what a filter matches. Project, model and cache outcome are dimensions of the `rollup`
 * table, so a filter of only those reads the roll-ups; status, session and search are not, so
 * those read the raw rows (kept 90 days, longer than any range). A model is the served model,
 * else the requested one, as the roll-ups and the models table count it.
 */
export function onlyRolledUp(match: RequestMatch): boolean {
  return match.status === undefined && match.session === undefined && match.search === undefined;
}

/** The roll-up tables, the smallest first, and the dimensions each keeps. */
const ROLLUP_TABLES: ReadonlyArray<{ table: string; columns: readonly string[] }> = [
  { table: 'rollup_project', columns: ['project'] },
  { table: 'rollup_model', columns: ['model', 'outcome'] },
  { table: 'rollup', columns: ['project', 'model', 'outcome'] },
];

/**
 * The smallest roll-up table that keeps a filter's rolled-up dimensions (and the column grouped
 * by), its WHERE terms (each ` AND ...`) and their arguments. A model's or a project's own table
 * has a few rows per bucket where `rollup` has one per project × model × outcome × source.
 */
export function rollupTerms(match: RequestMatch, group: MatchGroup = null): { table: string; sql: string; args: string[] } {
  const terms: string[] = [];
  const args: string[] = [];
  const needs: string[] = group === null ? [] : [group];
  const term = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    terms.push(` AND ${column} = ?`);
    args.push(value);
    needs.push(column);
  };
  term('project', match.project);
  term('model', match.model);
  term('outcome', match.cache);
  const { table } = ROLLUP_TABLES.find((t) => needs.every((c) => t.columns.includes(c)))!;
  return { table, sql: terms.join(''), args };
}

/** The WHERE terms (and their parameters) of the raw rows in the span that the filter matches. */
function matchedWhere(span: Span, match: RequestMatch): { where: string; params: Record<string, string | number> } {
  const params: Record<string, string | number> = { from: span.from, to: span.to };
  const where = ['started_at >= :from', 'started_at < :to', ...matchClauses(match, params)];
  if (match.model !== undefined) {
    where.push('(served_model = :model OR (served_model IS NULL AND COALESCE(requested_model, \'\') = :model))');
    params.model = match.model;
  }
  return { where: where.join(' AND '), params };
}

const RAW_MEASURES = ROLLUP_MEASURES.map((m) => `TOTAL(${MEASURE_SQL[m]}) AS ${m}`).join(', ');

/**
 * Measure sums of the raw rows the filter matches in the span, grouped by a SQL expression (a
 * project, a model, a chart bucket): summed by SQLite with measuresOf's rules (MEASURE_SQL).
 */
export function rawSumsBy(db: Db, span: Span, match: RequestMatch, groupSql: string): Map<string, Sums> {
  const { where, params } = matchedWhere(span, match);
  const out = new Map<string, Sums>();
  const rows = db.prepare(`SELECT ${groupSql} AS g, ${RAW_MEASURES}, MAX(started_at) AS last_seen FROM requests
    WHERE ${where} GROUP BY 1`).all(params) as Array<Record<string, unknown>>;
  for (const row of rows) {
    addInto(out, String(row.g), ROLLUP_MEASURES.map((m) => Number(row[m] ?? 0)), row.last_seen === null ? null : Number(row.last_seen));
  }
  return out;
}

/** The SQL of a raw row's group: its project, or its model as the roll-ups count it. */
const GROUP_SQL: Record<'project' | 'model' | 'none', string> = {
  project: 'project',
  model: "COALESCE(served_model, requested_model, '')",
  none: "''",
};

export type MatchGroup = 'project' | 'model' | null;

function addInto(out: Map<string, Sums>, key: string, sums: readonly number[], lastSeen: number | null): void {
  let into = out.get(key);
  if (!into) {
    into = emptySums();
    out.set(key, into);
  }
  for (let i = 0; i < sums.length; i++) into.sums[i] = into.sums[i]! + sums[i]!;
  if (lastSeen !== null && (into.lastSeen === null || lastSeen > into.lastSeen)) into.lastSeen = lastSeen;
}

/**
 * Measure sums over the span, grouped by project or model ('' when none), of the requests a filter
 * matches (all of them by default): from the smallest roll-up table with the filter's dimensions,
 * and raw rows (summed by SQLite) at the span's unaligned edges and for the filters no roll-up keeps.
 */
export function sumsBy(db: Db, span: Span, now: number, group: MatchGroup, match: RequestMatch = {}): Map<string, Sums> {
  const out = new Map<string, Sums>();
  const groupSql = GROUP_SQL[group ?? 'none'];
  if (!onlyRolledUp(match)) return rawSumsBy(db, span, match, groupSql);
  const { table, sql: terms, args } = rollupTerms(match, group);
  const select = ROLLUP_MEASURES.map((m) => `SUM(${m}) AS ${m}`).join(', ');
  for (const p of planRange(span, now)) {
    if (p.res === null) {
      for (const [g, sums] of rawSumsBy(db, p, match, groupSql)) addInto(out, g, sums.sums, sums.lastSeen);
      continue;
    }
    const sql = `SELECT ${group ?? "''"} AS g, ${select}, MAX(last_seen) AS last_seen FROM ${table}
      WHERE res = ? AND bucket >= ? AND bucket < ?${terms}${group ? ` GROUP BY ${group}` : ''}`;
    for (const row of db.prepare(sql).all([p.res, p.from, p.to, ...args]) as Array<Record<string, unknown>>) {
      if (row.requests === null) continue;
      const lastSeen = row.last_seen === null ? null : Number(row.last_seen);
      addInto(out, String(row.g), ROLLUP_MEASURES.map((m) => Number(row[m] ?? 0)), lastSeen);
    }
  }
  return out;
}

/** What filtered percentiles and status codes are taken from: a few columns of a matched row. */
export interface Timing {
  startedAt: number;
  latencyMs: number;
  ttfbMs: number | null;
  /** Answered from CCO's response cache (hit or coalesced): latency of its own. */
  fromCache: boolean;
  status: number;
  /** Read from a transcript: no latency of its own (0 would pull every percentile down). */
  transcript: boolean;
}

/** Matched rows read for timings at most: 20-40 ms of reading at 10M rows, where all of 30 days took seconds. */
export const TIMING_SAMPLE = 10_000;

type TimingRow = [number, number, number | null, string, number, string | null];

/** Up to `limit` + 1 matching rows in [from, to), newest first, walking the index of `extra`'s column. */
function timingRows(db: Db, from: number, to: number, match: RequestMatch, extra: string[], limit: number): TimingRow[] {
  const params: Record<string, string | number> = { from, to, limit: limit + 1 };
  const where = ['started_at >= :from', 'started_at < :to', ...matchClauses(match, params), ...extra];
  if (match.model !== undefined) params.model = match.model;
  return db.prepare(`SELECT started_at, latency_ms, ttfb_ms, cache, status, source FROM requests
    WHERE ${where.join(' AND ')} ORDER BY started_at DESC LIMIT :limit`).raw().all(params) as TimingRow[];
}

/**
 * The timings of the latest matching rows in the span, newest first, and whether they are all of
 * them. Each filter's index is walked newest first and stops after `limit` rows. A model is the
 * served model, else the requested one: the served model's index first; rows without one (a call
 * that failed early) then through the requested model's index, only as far back as the first walk
 * reached, so neither walk reads past the sample.
 */
export function latestTimings(db: Db, span: Span, match: RequestMatch, limit = TIMING_SAMPLE): { timings: Timing[]; complete: boolean } {
  let rows: TimingRow[];
  if (match.model === undefined) {
    rows = timingRows(db, span.from, span.to, match, [], limit);
  } else {
    const served = timingRows(db, span.from, span.to, match, ['served_model = :model'], limit);
    const reached = served.length > limit ? served.at(-1)![0] : span.from;
    const requested = timingRows(db, reached, span.to, match, ['requested_model = :model', 'served_model IS NULL'], limit);
    rows = [...served, ...requested].sort((a, b) => b[0] - a[0]);
  }
  const timings = rows.slice(0, limit).map(([startedAt, latencyMs, ttfbMs, cache, status, source]): Timing => ({
    startedAt: Number(startedAt), latencyMs: Number(latencyMs), ttfbMs: ttfbMs === null ? null : Number(ttfbMs),
    fromCache: fromResponseCache(cache), status: Number(status), transcript: source === 'transcript',
  }));
  return { timings, complete: rows.length <= limit };
}

/** The sample's size and start when it is not every matching row (the answer says so). */
export function sampleOf(t: { timings: readonly Timing[]; complete: boolean }): { requests: number; from: number } | undefined {
  return t.complete || t.timings.length === 0 ? undefined : { requests: t.timings.length, from: t.timings.at(-1)!.startedAt };
}
