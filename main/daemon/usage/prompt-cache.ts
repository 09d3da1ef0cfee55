import { planRange } from './rollup-read.js';
import { DAY_MS } from './rollup-schema.js';
import type { Db } from './schema.js';

/**
 * Prompt-cache token sums by project, model, source and UTC day: what the reports price (see
 * prompt-cache-report.ts). Read from the roll-ups like every summary, raw rows only at the edges.
 * Answers from CCO's response cache made no upstream call, so their tokens are left out of the
 * prompt-cache sums (they still count as requests of their source).
 */
export interface PromptCachePart {
  project: string;
  model: string;
  source: string;
  day: number;
  requests: number;
  input: number;
  read: number;
  /** Every write (cache_creation_tokens), and the parts whose lifetime was reported. */
  creation: number;
  write5m: number;
  write1h: number;
}

/** A write not read back within its lifetime, summed by project, model, day and session. */
export interface BusterPart {
  project: string;
  model: string;
  day: number;
  session: string;
  writes: number;
  tokens: number;
}

export interface PromptCacheParts {
  parts: PromptCachePart[];
  busters: BusterPart[];
}

const UPSTREAM = (outcome: string, column: string) =>
  `SUM(CASE WHEN ${outcome} IN ('hit', 'coalesced') THEN 0 ELSE COALESCE(${column}, 0) END)`;

function measures(outcome: string, requests: string): string {
  return `${requests} AS requests, ${UPSTREAM(outcome, 'input_tokens')} AS input,
    ${UPSTREAM(outcome, 'cache_read_tokens')} AS rd,
    ${UPSTREAM(outcome, 'cache_creation_tokens')} AS creation, ${UPSTREAM(outcome, 'cache_write_5m_tokens')} AS w5m,
    ${UPSTREAM(outcome, 'cache_write_1h_tokens')} AS w1h`;
}

const MODEL_SQL = "COALESCE(served_model, requested_model, '')";
const SESSION_SQL = 'COALESCE(session_id, session)';

function rawSql(): string {
  return `SELECT project, ${MODEL_SQL} AS model, source, (started_at / ${DAY_MS}) * ${DAY_MS} AS day,
      ${measures('cache', 'COUNT(*)')}
    FROM requests WHERE started_at >= ? AND started_at < ? GROUP BY 1, 2, 3, 4`;
}

function rollupSql(): string {
  // Roll-up rows are sums already: `requests` is a measure, the token columns are summed per outcome.
  return `SELECT project, model, source, (bucket / ${DAY_MS}) * ${DAY_MS} AS day,
      ${measures('outcome', 'SUM(requests)')}
    FROM rollup WHERE res = ? AND bucket >= ? AND bucket < ? GROUP BY 1, 2, 3, 4`;
}

function partOf(row: Record<string, unknown>): PromptCachePart {
  return {
    project: String(row.project), model: String(row.model), source: String(row.source), day: Number(row.day),
    requests: Number(row.requests ?? 0), input: Number(row.input ?? 0), read: Number(row.rd ?? 0),
    creation: Number(row.creation ?? 0), write5m: Number(row.w5m ?? 0), write1h: Number(row.w1h ?? 0),
  };
}

/** Token sums over [from, ∞). */
export function promptCacheParts(db: Db, from: number, now: number): PromptCacheParts {
  const merged = new Map<string, PromptCachePart>();
  for (const p of planRange(from, now)) {
    const rows = p.res === null
      ? db.prepare(rawSql()).all([p.from, p.to])
      : db.prepare(rollupSql()).all([p.res, p.from, p.to]);
    for (const row of rows as Array<Record<string, unknown>>) {
      const part = partOf(row);
      const key = `${part.project}\0${part.model}\0${part.source}\0${part.day}`;
      const seen = merged.get(key);
      if (!seen) {
        merged.set(key, part);
        continue;
      }
      seen.requests += part.requests;
      seen.input += part.input;
      seen.read += part.read;
      seen.creation += part.creation;
      seen.write5m += part.write5m;
      seen.write1h += part.write1h;
    }
  }
  return { parts: [...merged.values()], busters: busterParts(db, from, now, null) };
}

const FIVE_MINUTES = 300_000;
const ONE_HOUR = 3_600_000;

/**
 * Busters from the raw rows (the roll-ups do not keep the order of requests): a write is read back
 * when the next upstream call of the same session and model came within the write's lifetime and
 * read from the cache. A write still within its lifetime with no call after it is not judged yet.
 * Rows older than retention keeps are not judged at all.
 */
export function busterParts(db: Db, from: number, now: number, sessions: readonly string[] | null): BusterPart[] {
  const bySession = sessions === null ? '' : `AND ${SESSION_SQL} IN (${sessions.map(() => '?').join(', ') || "''"})`;
  const sql = `SELECT project, model, (started_at / ${DAY_MS}) * ${DAY_MS} AS day, sess AS session,
      COUNT(*) AS writes, SUM(creation) AS tokens
    FROM (
      SELECT project, ${MODEL_SQL} AS model, ${SESSION_SQL} AS sess, started_at,
        cache_creation_tokens AS creation,
        CASE WHEN COALESCE(cache_write_1h_tokens, 0) > 0 THEN ${ONE_HOUR} ELSE ${FIVE_MINUTES} END AS life,
        LEAD(started_at) OVER w AS next_at, LEAD(cache_read_tokens) OVER w AS next_read
      FROM requests
      WHERE started_at >= ? AND cache NOT IN ('hit', 'coalesced', 'budget') AND status < 400 ${bySession}
      WINDOW w AS (PARTITION BY ${SESSION_SQL}, ${MODEL_SQL} ORDER BY started_at, id)
    )
    WHERE creation > 0
      AND ((next_at IS NULL AND ? - started_at > life) OR next_at - started_at > life OR next_read = 0)
    GROUP BY 1, 2, 3, 4`;
  const args = [Math.max(from, Number.MIN_SAFE_INTEGER), ...(sessions ?? []), now];
  return (db.prepare(sql).all(args) as Array<Record<string, unknown>>).map((r) => ({
    project: String(r.project), model: String(r.model), day: Number(r.day), session: String(r.session),
    writes: Number(r.writes), tokens: Number(r.tokens),
  }));
}
