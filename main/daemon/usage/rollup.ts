import { addToHistogram, binOf, type Histogram } from './histogram.js';
import {
  DAY_MS, fromResponseCache, HOUR_MS, METRIC_HIT_LATENCY, METRIC_LATENCY, METRIC_TTFB, RESOLUTIONS, ROLLUP_DIMENSIONS, ROLLUP_MEASURES, SESSION_DIMENSIONS,
  type RollupMeasure,
} from './rollup-schema.js';
import { keptFrom } from './rollup-read.js';
import type { Db } from './schema.js';
import { prepared } from './statements.js';
import { FAILED_SQL } from './totals.js';

/** What the roll-ups need of one raw row (as written, or as read back during a backfill). */
export interface RollupRow {
  startedAt: number;
  project: string;
  model: string;
  outcome: string;
  source: string;
  status: number;
  errorType: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number | null;
  cacheWrite1hTokens: number | null;
  costUsd: number | null;
  savedUsd: number | null;
  costEstimated: boolean;
  billing: string;
  latencyMs: number;
  ttfbMs: number | null;
  session: string;
  gitBranch: string | null;
  agentType: string | null;
  /** A prompt-cache write judged never read back (busters.ts); false until judged. */
  cacheBuster: boolean;
}

/** Cost in integer nano-dollars: the unit every roll-up sums in. */
export function nanos(usd: number | null): number {
  return usd === null ? 0 : Math.round(usd * 1e9);
}

/**
 * An error status or error type; a refusal by an enforced budget is its own outcome, not a failure
 * of the upstream (the same rule as FAILED_SQL in totals.ts).
 */
export function isFailed(r: Pick<RollupRow, 'status' | 'errorType' | 'outcome'>): boolean {
  return r.outcome !== 'budget' && (r.status >= 400 || r.errorType !== null);
}

/** The measures one row adds, in ROLLUP_MEASURES order. */
export function measuresOf(r: RollupRow): number[] {
  const cost = nanos(r.costUsd);
  const failed = isFailed(r);
  return [
    1,
    // A failed request is counted once, as an error: never as a hit or a miss (so never in a hit rate).
    !failed && (r.outcome === 'hit' || r.outcome === 'coalesced') ? 1 : 0,
    !failed && r.outcome === 'miss' ? 1 : 0,
    failed ? 1 : 0,
    r.costUsd === null || r.savedUsd === null ? 1 : 0,
    r.inputTokens, r.outputTokens, r.cacheCreationTokens, r.cacheReadTokens,
    r.cacheWrite5mTokens ?? 0, r.cacheWrite1hTokens ?? 0,
    cost,
    r.billing === 'subscription' ? 0 : cost,
    r.billing === 'subscription' ? cost : 0,
    r.costEstimated ? cost : 0,
    nanos(r.savedUsd),
    ...answeredMeasures(r),
    ...busterMeasures(r),
  ];
}

/** An upstream call that answered: what the models table's latency is of. */
export function isAnswered(r: Pick<RollupRow, 'status' | 'errorType' | 'outcome' | 'source'>): boolean {
  return r.source !== 'transcript' && !fromResponseCache(r.outcome) && r.outcome !== 'budget' && !isFailed(r);
}

function answeredMeasures(r: RollupRow): number[] {
  return isAnswered(r) ? [1, r.latencyMs] : [0, 0];
}

/** The buster measures (ROLLUP_MEASURES' last two) of a row already judged. */
function busterMeasures(r: Pick<RollupRow, 'cacheBuster' | 'cacheCreationTokens'>): number[] {
  return r.cacheBuster ? [1, r.cacheCreationTokens] : [0, 0];
}

const SQL_FAILED = FAILED_SQL;
const SQL_COST = 'COALESCE(CAST(ROUND(cost_usd * 1e9) AS INTEGER), 0)';
const SQL_SUBSCRIPTION = "COALESCE(billing, 'payg') = 'subscription'";
const SQL_ANSWERED = `(COALESCE(source, 'proxy') <> 'transcript' AND cache NOT IN ('hit', 'coalesced', 'budget') AND NOT ${SQL_FAILED})`;

/**
 * measuresOf as SQL over a `requests` row: the same rules, so a filter that no roll-up keeps (a
 * status, a session, a search) is summed by SQLite instead of row by row in JS (five times faster).
 * A test holds the two equal on random rows.
 */
export const MEASURE_SQL: Record<RollupMeasure, string> = {
  requests: '1',
  hits: `(NOT ${SQL_FAILED} AND cache IN ('hit', 'coalesced'))`,
  misses: `(NOT ${SQL_FAILED} AND cache = 'miss')`,
  errors: SQL_FAILED,
  unpriced: '(cost_usd IS NULL OR saved_usd IS NULL)',
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  cache_creation_tokens: 'cache_creation_tokens',
  cache_read_tokens: 'cache_read_tokens',
  cache_write_5m_tokens: 'COALESCE(cache_write_5m_tokens, 0)',
  cache_write_1h_tokens: 'COALESCE(cache_write_1h_tokens, 0)',
  cost_nanos: SQL_COST,
  payg_nanos: `(CASE WHEN ${SQL_SUBSCRIPTION} THEN 0 ELSE ${SQL_COST} END)`,
  api_equiv_nanos: `(CASE WHEN ${SQL_SUBSCRIPTION} THEN ${SQL_COST} ELSE 0 END)`,
  estimated_nanos: `(CASE WHEN cost_estimated = 1 THEN ${SQL_COST} ELSE 0 END)`,
  saved_nanos: 'COALESCE(CAST(ROUND(saved_usd * 1e9) AS INTEGER), 0)',
  answered: SQL_ANSWERED,
  answered_latency_ms: `(CASE WHEN ${SQL_ANSWERED} THEN latency_ms ELSE 0 END)`,
  buster_writes: '(COALESCE(cache_buster, 0) = 1)',
  buster_tokens: '(CASE WHEN COALESCE(cache_buster, 0) = 1 THEN cache_creation_tokens ELSE 0 END)',
};

export const MEASURE_INDEX = Object.fromEntries(ROLLUP_MEASURES.map((m, i) => [m, i])) as Record<RollupMeasure, number>;

interface Cell {
  key: Array<string | number>;
  sums: number[];
  first: number;
  last: number;
}

function addCell(cells: Map<string, Cell>, key: Array<string | number>, sums: readonly number[], at: number): void {
  const id = key.join('\u0000');
  const cell = cells.get(id);
  if (!cell) {
    cells.set(id, { key, sums: [...sums], first: at, last: at });
    return;
  }
  for (let i = 0; i < sums.length; i++) cell.sums[i] = cell.sums[i]! + sums[i]!;
  if (at < cell.first) cell.first = at;
  if (at > cell.last) cell.last = at;
}

/** What a batch adds to every roll-up, summed in memory so each cell is written once. */
export interface RollupDelta {
  cells: Map<string, Cell>;
  projects: Map<string, Cell>;
  models: Map<string, Cell>;
  sessions: Map<string, Cell>;
  /** `res|metric|bucket` -> histogram */
  hists: Map<string, { res: number; metric: number; bucket: number; bins: Histogram }>;
  /** `res|bucket|model` -> histogram of the answered calls' latency */
  modelHists: Map<string, { res: number; bucket: number; model: string; bins: Histogram }>;
  /** `res|bucket|status` -> requests */
  statuses: Map<string, { res: number; bucket: number; status: number; count: number }>;
}

export function emptyDelta(): RollupDelta {
  return { cells: new Map(), projects: new Map(), models: new Map(), sessions: new Map(), hists: new Map(), modelHists: new Map(), statuses: new Map() };
}

function addModelHist(delta: RollupDelta, res: number, bucket: number, model: string, value: number): void {
  const id = `${res}|${bucket}|${model}`;
  let h = delta.modelHists.get(id);
  if (!h) {
    h = { res, bucket, model, bins: new Map() };
    delta.modelHists.set(id, h);
  }
  addToHistogram(h.bins, binOf(value), 1);
}

function addStatus(delta: RollupDelta, res: number, bucket: number, status: number): void {
  const id = `${res}|${bucket}|${status}`;
  const s = delta.statuses.get(id);
  if (s) s.count++;
  else delta.statuses.set(id, { res, bucket, status, count: 1 });
}

function addHist(delta: RollupDelta, res: number, metric: number, bucket: number, value: number): void {
  const id = `${res}|${metric}|${bucket}`;
  let h = delta.hists.get(id);
  if (!h) {
    h = { res, metric, bucket, bins: new Map() };
    delta.hists.set(id, h);
  }
  addToHistogram(h.bins, binOf(value), 1);
}

/**
 * What of a row goes into a delta: everything (a new row); only its judgement as a buster; only
 * what schema v5 added (an upgrade's kept rows, whose other sums are there already).
 */
type Parts = 'row' | 'buster' | 'v5';

/**
 * Adds `sums` to the row's cells, and for a new row its latencies and status. Minute and hour
 * buckets older than they are kept (see keptFrom: an upgrade's old rows, an import of old
 * transcripts) are skipped: pruning would delete them anyway.
 */
function addToCells(delta: RollupDelta, r: RollupRow, sums: readonly number[], now: number, parts: Parts): void {
  for (const res of RESOLUTIONS) {
    const bucket = Math.floor(r.startedAt / res) * res;
    if (bucket < keptFrom(res, now)) continue;
    addCell(delta.cells, [res, bucket, r.project, r.model, r.outcome, r.source], sums, r.startedAt);
    addCell(delta.projects, [res, bucket, r.project], sums, r.startedAt);
    addCell(delta.models, [res, bucket, r.model, r.outcome], sums, r.startedAt);
    if (parts === 'buster') continue;
    addStatus(delta, res, bucket, r.status);
    // Per-model latency by hour and day only: the models table reads an hour of raw rows at its
    // range's edge instead, where minute and week bins would cost every write more than it saves.
    if (isAnswered(r) && (res === HOUR_MS || res === DAY_MS)) addModelHist(delta, res, bucket, r.model, r.latencyMs);
    // A transcript line has no latency (0 would pull every percentile down).
    if (parts === 'v5' || r.source === 'transcript') continue;
    addHist(delta, res, fromResponseCache(r.outcome) ? METRIC_HIT_LATENCY : METRIC_LATENCY, bucket, r.latencyMs);
    if (r.ttfbMs !== null) addHist(delta, res, METRIC_TTFB, bucket, r.ttfbMs);
  }
  const day = Math.floor(r.startedAt / DAY_MS) * DAY_MS;
  addCell(delta.sessions, [day, r.session, r.project, r.source, r.gitBranch ?? '', r.agentType ?? ''], sums, r.startedAt);
}

/** Adds a row to the delta: its measures, latencies and status. */
export function addToDelta(delta: RollupDelta, r: RollupRow, now: number): void {
  addToCells(delta, r, measuresOf(r), now, 'row');
}

/** The measures a sum vector holds at `measures` (by name), zero elsewhere. */
function only(values: Partial<Record<RollupMeasure, number>>): number[] {
  return ROLLUP_MEASURES.map((m) => values[m] ?? 0);
}

/**
 * Adds (`sign` 1) or takes back (-1) a row's judgement as a buster, in the buckets of the row: the
 * judgement comes with a later row, so it is added apart from the row's other measures.
 */
export function addBusterToDelta(delta: RollupDelta, r: RollupRow, sign: 1 | -1, now: number): void {
  addToCells(delta, r, only({ buster_writes: sign, buster_tokens: sign * r.cacheCreationTokens }), now, 'buster');
}

/** Adds what schema v5 keeps of a row stored before it (its buster judgement comes apart). */
export function addV5ToDelta(delta: RollupDelta, r: RollupRow, now: number): void {
  const [answered, latency] = answeredMeasures(r);
  addToCells(delta, r, only({ answered, answered_latency_ms: latency }), now, 'v5');
}

const list = (cols: readonly string[]) => cols.join(', ');
const adds = ROLLUP_MEASURES.map((m) => `${m} = ${m} + excluded.${m}`).join(', ');

interface Upsert {
  head: string;
  width: number;
  tail: string;
}

const CELL: Upsert = {
  head: `INSERT INTO rollup (res, bucket, ${list(ROLLUP_DIMENSIONS)}, ${list(ROLLUP_MEASURES)}, last_seen) VALUES `,
  width: 2 + ROLLUP_DIMENSIONS.length + ROLLUP_MEASURES.length + 1,
  tail: ` ON CONFLICT DO UPDATE SET ${adds}, last_seen = MAX(COALESCE(last_seen, 0), excluded.last_seen)`,
};
const PROJECT: Upsert = {
  head: `INSERT INTO rollup_project (res, bucket, project, ${list(ROLLUP_MEASURES)}, last_seen) VALUES `,
  width: 3 + ROLLUP_MEASURES.length + 1,
  tail: ` ON CONFLICT DO UPDATE SET ${adds}, last_seen = MAX(COALESCE(last_seen, 0), excluded.last_seen)`,
};
const MODEL: Upsert = {
  head: `INSERT INTO rollup_model (res, bucket, model, outcome, ${list(ROLLUP_MEASURES)}, last_seen) VALUES `,
  width: 4 + ROLLUP_MEASURES.length + 1,
  tail: ` ON CONFLICT DO UPDATE SET ${adds}, last_seen = MAX(COALESCE(last_seen, 0), excluded.last_seen)`,
};
const SESSION: Upsert = {
  head: `INSERT INTO session_rollup (day, ${list(SESSION_DIMENSIONS)}, ${list(ROLLUP_MEASURES)}, first_seen, last_seen)
    VALUES `,
  width: 1 + SESSION_DIMENSIONS.length + ROLLUP_MEASURES.length + 2,
  tail: ` ON CONFLICT DO UPDATE SET ${adds}, first_seen = MIN(first_seen, excluded.first_seen),
    last_seen = MAX(last_seen, excluded.last_seen)`,
};
const MODEL_HIST: Upsert = {
  head: 'INSERT INTO rollup_model_hist (res, bucket, model, bin, count) VALUES ',
  width: 5,
  tail: ' ON CONFLICT DO UPDATE SET count = count + excluded.count',
};
const STATUS: Upsert = {
  head: 'INSERT INTO rollup_status (res, bucket, status, requests) VALUES ',
  width: 4,
  tail: ' ON CONFLICT DO UPDATE SET requests = requests + excluded.requests',
};
const HIST: Upsert = {
  head: 'INSERT INTO rollup_hist (res, metric, bucket, bin, count) VALUES ',
  width: 5,
  tail: ' ON CONFLICT DO UPDATE SET count = count + excluded.count',
};

/** Rows per statement: multi-row upserts cost a fraction of one statement per row (as in rows.ts). */
const PER_STATEMENT = 16;

function upsertAll(db: Db, u: Upsert, rows: Array<Array<string | number>>): void {
  const sql = (n: number) => u.head + Array(n).fill(`(${Array(u.width).fill('?').join(', ')})`).join(', ') + u.tail;
  const full = rows.length >= PER_STATEMENT ? prepared(db, sql(PER_STATEMENT)) : null;
  for (let i = 0; i < rows.length; i += PER_STATEMENT) {
    const chunk = rows.slice(i, i + PER_STATEMENT);
    const statement = chunk.length === PER_STATEMENT ? full! : prepared(db, sql(chunk.length));
    statement.run(chunk.flat());
  }
}

/** Writes a delta; call inside the transaction that inserts its rows. */
export function applyDelta(db: Db, delta: RollupDelta): void {
  upsertAll(db, CELL, [...delta.cells.values()].map((c) => [...c.key, ...c.sums, c.last]));
  upsertAll(db, PROJECT, [...delta.projects.values()].map((c) => [...c.key, ...c.sums, c.last]));
  upsertAll(db, MODEL, [...delta.models.values()].map((c) => [...c.key, ...c.sums, c.last]));
  upsertAll(db, SESSION, [...delta.sessions.values()].map((c) => [...c.key, ...c.sums, c.first, c.last]));
  const bins: Array<Array<string | number>> = [];
  for (const h of delta.hists.values()) {
    for (const [bin, count] of h.bins) bins.push([h.res, h.metric, h.bucket, bin, count]);
  }
  upsertAll(db, HIST, bins);
  const modelBins: Array<Array<string | number>> = [];
  for (const h of delta.modelHists.values()) {
    for (const [bin, count] of h.bins) modelBins.push([h.res, h.bucket, h.model, bin, count]);
  }
  upsertAll(db, MODEL_HIST, modelBins);
  upsertAll(db, STATUS, [...delta.statuses.values()].map((s) => [s.res, s.bucket, s.status, s.count]));
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A raw `requests` row (as selected by ROLLUP_SOURCE_COLUMNS) in roll-up terms. */
export function rollupRowFromDb(row: Record<string, unknown>): RollupRow {
  return {
    startedAt: Number(row.started_at),
    project: String(row.project),
    model: str(row.served_model) ?? str(row.requested_model) ?? '',
    outcome: String(row.cache),
    source: String(row.source ?? 'proxy'),
    status: Number(row.status),
    errorType: str(row.error_type),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cacheCreationTokens: Number(row.cache_creation_tokens),
    cacheReadTokens: Number(row.cache_read_tokens),
    cacheWrite5mTokens: numOrNull(row.cache_write_5m_tokens),
    cacheWrite1hTokens: numOrNull(row.cache_write_1h_tokens),
    costUsd: numOrNull(row.cost_usd),
    savedUsd: numOrNull(row.saved_usd),
    costEstimated: Number(row.cost_estimated) === 1,
    billing: String(row.billing ?? 'payg'),
    latencyMs: Number(row.latency_ms),
    ttfbMs: numOrNull(row.ttfb_ms),
    session: str(row.session_id) ?? String(row.session),
    gitBranch: str(row.git_branch),
    agentType: str(row.agent_type),
    cacheBuster: Number(row.cache_buster ?? 0) === 1,
  };
}
