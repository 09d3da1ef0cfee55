import { measuresOf, rollupRowFromDb } from './rollup.js';
import { emptySums, planRange, ROLLUP_SOURCE_COLUMNS, type Span, type Sums } from './rollup-read.js';
import { ROLLUP_MEASURES } from './rollup-schema.js';
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

/** The `rollup` WHERE terms of a filter's rolled-up dimensions (each ` AND ...`), and their arguments. */
export function rollupTerms(match: RequestMatch): { sql: string; args: string[] } {
  const terms: string[] = [];
  const args: string[] = [];
  const term = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    terms.push(` AND ${column} = ?`);
    args.push(value);
  };
  term('project', match.project);
  term('model', match.model);
  term('outcome', match.cache);
  return { sql: terms.join(''), args };
}

/**
 * The raw rows in the span that the filter matches. Always bounded by `started_at`: the planner
 * walks the project, session or status index (each ends in `started_at`) or the time index; a
 * model matches the served model, else the requested one, each of which has its own index.
 */
export function matchedRawRows(db: Db, span: Span, match: RequestMatch): Array<Record<string, unknown>> {
  const params: Record<string, string | number> = { from: span.from, to: span.to };
  const where = ['started_at >= :from', 'started_at < :to', ...matchClauses(match, params)];
  if (match.model !== undefined) {
    where.push('(served_model = :model OR (served_model IS NULL AND COALESCE(requested_model, \'\') = :model))');
    params.model = match.model;
  }
  return db.prepare(`SELECT ${ROLLUP_SOURCE_COLUMNS} FROM requests WHERE ${where.join(' AND ')}`)
    .all(params) as Array<Record<string, unknown>>;
}

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

function addRawRows(out: Map<string, Sums>, rows: Array<Record<string, unknown>>, group: MatchGroup): void {
  for (const row of rows) {
    const r = rollupRowFromDb(row);
    addInto(out, group === null ? '' : r[group], measuresOf(r), r.startedAt);
  }
}

/** Measure sums over the span of what the filter matches, grouped by project or model ('' when none). */
export function matchedSumsBy(db: Db, span: Span, now: number, match: RequestMatch, group: MatchGroup): Map<string, Sums> {
  const out = new Map<string, Sums>();
  if (!onlyRolledUp(match)) {
    addRawRows(out, matchedRawRows(db, span, match), group);
    return out;
  }
  const { sql: terms, args } = rollupTerms(match);
  const select = ROLLUP_MEASURES.map((m) => `SUM(${m}) AS ${m}`).join(', ');
  for (const p of planRange(span, now)) {
    if (p.res === null) {
      addRawRows(out, matchedRawRows(db, p, match), group);
      continue;
    }
    const sql = `SELECT ${group ?? "''"} AS g, ${select}, MAX(last_seen) AS last_seen FROM rollup
      WHERE res = ? AND bucket >= ? AND bucket < ?${terms}${group ? ` GROUP BY ${group}` : ''}`;
    for (const row of db.prepare(sql).all([p.res, p.from, p.to, ...args]) as Array<Record<string, unknown>>) {
      if (row.requests === null) continue;
      const lastSeen = row.last_seen === null ? null : Number(row.last_seen);
      addInto(out, String(row.g), ROLLUP_MEASURES.map((m) => Number(row[m] ?? 0)), lastSeen);
    }
  }
  return out;
}
