import { CHAIN_MODEL_SQL, CHAIN_SESSION_SQL, expiredTails, FIVE_MINUTES, IN_CHAIN_SQL, ONE_HOUR } from './busters.js';
import { planRange, type Span } from './rollup-read.js';
import { DAY_MS } from './rollup-schema.js';
import type { Db } from './schema.js';

/**
 * Prompt-cache token sums, what the reports price (see prompt-cache-report.ts): by project, model
 * and source over the whole range, and by model and UTC day. Read from the roll-ups like every
 * summary, raw rows only at the edges. Answers from CCO's response cache made no upstream call,
 * so their tokens are left out of the prompt-cache sums (they still count as requests of their
 * source).
 */
export interface PromptCachePart {
  /** '' in the sums by day. */
  project: string;
  model: string;
  /** '' in the sums by day. */
  source: string;
  /** The UTC day in the sums by day; 0 in the others. */
  day: number;
  requests: number;
  input: number;
  read: number;
  /** Every write (cache_creation_tokens), and the parts whose lifetime was reported. */
  creation: number;
  write5m: number;
  write1h: number;
}

/** Writes not read back within their lifetime, summed by project, model, day and session (each where known). */
export interface BusterPart {
  project: string;
  model: string;
  day: number;
  session: string;
  writes: number;
  tokens: number;
}

export interface PromptCacheParts {
  /** By project, model and source; their busters by project and model (day 0). */
  parts: PromptCachePart[];
  busters: BusterPart[];
  /** By model and day; their busters by model and day (project ''). */
  days: PromptCachePart[];
  dayBusters: BusterPart[];
}

const UPSTREAM = (outcome: string, column: string) =>
  `SUM(CASE WHEN ${outcome} IN ('hit', 'coalesced') THEN 0 ELSE COALESCE(${column}, 0) END)`;

function measures(outcome: string, requests: string, busters: string): string {
  return `${requests} AS requests, ${busters}, ${UPSTREAM(outcome, 'input_tokens')} AS input,
    ${UPSTREAM(outcome, 'cache_read_tokens')} AS rd,
    ${UPSTREAM(outcome, 'cache_creation_tokens')} AS creation, ${UPSTREAM(outcome, 'cache_write_5m_tokens')} AS w5m,
    ${UPSTREAM(outcome, 'cache_write_1h_tokens')} AS w1h`;
}

const MODEL_SQL = CHAIN_MODEL_SQL;
const SESSION_SQL = CHAIN_SESSION_SQL;
const RAW_MEASURES = measures('cache', 'COUNT(*)', 'SUM(cache_buster) AS bw, SUM(cache_buster * cache_creation_tokens) AS bt');
const ROLLUP_MEASURES = measures('outcome', 'SUM(requests)', 'SUM(buster_writes) AS bw, SUM(buster_tokens) AS bt');
const DAY_SQL = (column: string) => `(${column} / ${DAY_MS}) * ${DAY_MS}`;

/** The two groupings: the columns (project, model, source, day), for raw rows and for a roll-up table. */
const GROUPINGS = {
  whole: {
    raw: `SELECT project, ${MODEL_SQL} AS model, source, 0 AS day, ${RAW_MEASURES}
      FROM requests WHERE started_at >= ? AND started_at < ? GROUP BY 1, 2, 3`,
    rollup: `SELECT project, model, source, 0 AS day, ${ROLLUP_MEASURES}
      FROM rollup WHERE res = ? AND bucket >= ? AND bucket < ? GROUP BY 1, 2, 3`,
  },
  // Days come from the per-model table: a few rows a day, where `rollup` has one per project too.
  days: {
    raw: `SELECT '' AS project, ${MODEL_SQL} AS model, '' AS source, ${DAY_SQL('started_at')} AS day, ${RAW_MEASURES}
      FROM requests WHERE started_at >= ? AND started_at < ? GROUP BY 2, 4`,
    rollup: `SELECT '' AS project, model, '' AS source, ${DAY_SQL('bucket')} AS day, ${ROLLUP_MEASURES}
      FROM rollup_model WHERE res = ? AND bucket >= ? AND bucket < ? GROUP BY 2, 4`,
  },
};

function partOf(row: Record<string, unknown>): PromptCachePart {
  return {
    project: String(row.project), model: String(row.model), source: String(row.source), day: Number(row.day),
    requests: Number(row.requests ?? 0), input: Number(row.input ?? 0), read: Number(row.rd ?? 0),
    creation: Number(row.creation ?? 0), write5m: Number(row.w5m ?? 0), write1h: Number(row.w1h ?? 0),
  };
}

/** One grouping's parts and busters over the span. */
function sumsOf(db: Db, span: Span, now: number, grouping: keyof typeof GROUPINGS): [PromptCachePart[], BusterPart[]] {
  const sql = GROUPINGS[grouping];
  const parts = new Map<string, PromptCachePart>();
  const busters = new Map<string, BusterPart>();
  const addBusters = (b: Omit<BusterPart, 'session'>) => {
    if (b.writes === 0) return;
    const key = `${b.project}\0${b.model}\0${b.day}`;
    const seen = busters.get(key);
    if (seen) {
      seen.writes += b.writes;
      seen.tokens += b.tokens;
    } else busters.set(key, { ...b, session: '' });
  };
  // Day sums need day buckets; the others take weeks where they can.
  for (const p of planRange(span, now, grouping === 'days' ? DAY_MS : undefined)) {
    const rows = p.res === null ? db.prepare(sql.raw).all([p.from, p.to]) : db.prepare(sql.rollup).all([p.res, p.from, p.to]);
    for (const row of rows as Array<Record<string, unknown>>) {
      const part = partOf(row);
      addBusters({ project: part.project, model: part.model, day: part.day, writes: Number(row.bw ?? 0), tokens: Number(row.bt ?? 0) });
      const key = `${part.project}\0${part.model}\0${part.source}\0${part.day}`;
      const seen = parts.get(key);
      if (!seen) {
        parts.set(key, part);
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
  for (const t of expiredTails(db, span, now)) {
    const whole = grouping === 'whole';
    addBusters({
      project: whole ? t.project : '', model: t.model, day: whole ? 0 : Math.floor(t.at / DAY_MS) * DAY_MS, writes: 1,
      tokens: t.creation,
    });
  }
  return [[...parts.values()], [...busters.values()]];
}

/** Token sums over the span, and the busters judged so far (busters.ts): no raw row is sorted. */
export function promptCacheParts(db: Db, span: Span, now: number): PromptCacheParts {
  const [parts, busters] = sumsOf(db, span, now, 'whole');
  const [days, dayBusters] = sumsOf(db, span, now, 'days');
  return { parts, busters, days, dayBusters };
}

/**
 * Busters from the raw rows (the roll-ups do not keep the order of requests): a write is read back
 * when the next upstream call of the same session and model came within the write's lifetime and
 * read from the cache. A write still within its lifetime with no call after it is not judged yet.
 * Rows older than retention keeps are not judged at all.
 */
export function busterParts(db: Db, span: Span, now: number, sessions: readonly string[] | null): BusterPart[] {
  const bySession = sessions === null ? '' : `AND ${SESSION_SQL} IN (${sessions.map(() => '?').join(', ') || "''"})`;
  const sql = `SELECT project, model, (started_at / ${DAY_MS}) * ${DAY_MS} AS day, sess AS session,
      COUNT(*) AS writes, SUM(creation) AS tokens
    FROM (
      SELECT project, ${MODEL_SQL} AS model, ${SESSION_SQL} AS sess, started_at,
        cache_creation_tokens AS creation,
        CASE WHEN COALESCE(cache_write_1h_tokens, 0) > 0 THEN ${ONE_HOUR} ELSE ${FIVE_MINUTES} END AS life,
        LEAD(started_at) OVER w AS next_at, LEAD(cache_read_tokens) OVER w AS next_read
      FROM requests
      WHERE started_at >= ? AND ${IN_CHAIN_SQL} ${bySession}
      WINDOW w AS (PARTITION BY ${SESSION_SQL}, ${MODEL_SQL} ORDER BY started_at, id)
    )
    WHERE creation > 0 AND started_at < ?
      AND ((next_at IS NULL AND ? - started_at > life) OR next_at - started_at > life OR next_read = 0)
    GROUP BY 1, 2, 3, 4`;
  // The span bounds the writes judged, not the calls after them: a write near its end is judged by
  // the call that followed, even past the end.
  const args = [Math.max(span.from, Number.MIN_SAFE_INTEGER), ...(sessions ?? []), span.to, now];
  return (db.prepare(sql).all(args) as Array<Record<string, unknown>>).map((r) => ({
    project: String(r.project), model: String(r.model), day: Number(r.day), session: String(r.session),
    writes: Number(r.writes), tokens: Number(r.tokens),
  }));
}
