import type { PricedRecord, RecordCost } from './costing.js';
import type { CacheOutcome, RequestRecord } from './record.js';
import { BusterJudge } from './busters.js';
import { addToDelta, applyDelta, emptyDelta, rollupRowFromDb, type RollupRow } from './rollup.js';
import type { Db } from './schema.js';
import { prepared } from './statements.js';

/** A request as stored: the record, its cost, and the row id (a stable cursor for paging). */
export interface StoredRequest extends PricedRecord {
  id: number;
}

/** Column order of `requests`, shared by the insert, the reads and the CSV header. */
export const REQUEST_COLUMNS = [
  'id', 'started_at', 'project', 'session', 'method', 'path', 'requested_model', 'served_model', 'provider',
  'status', 'error_type', 'cache', 'streaming', 'input_tokens', 'output_tokens', 'cache_creation_tokens',
  'cache_read_tokens', 'latency_ms', 'ttfb_ms', 'request_bytes', 'response_bytes', 'cost_usd', 'saved_usd',
  'cost_estimated', 'source', 'session_id', 'git_branch', 'agent_type', 'is_sidechain', 'cache_write_5m_tokens',
  'cache_write_1h_tokens', 'credential_fingerprint', 'upstream_request_id', 'service_tier', 'billing', 'message_id',
] as const;

export type RequestRow = Record<(typeof REQUEST_COLUMNS)[number], string | number | null>;

/**
 * Rows per INSERT statement. Positional multi-row inserts cost about a third of one named-parameter
 * `run` per row (measured with libsql: 17 -> 6 us a row), and the writes share the proxy's thread.
 */
const ROWS_PER_STATEMENT = 16;
const ROW_PLACEHOLDERS = `(${REQUEST_COLUMNS.slice(1).map(() => '?').join(', ')})`;

function insertSql(rows: number): string {
  return `INSERT INTO requests (${REQUEST_COLUMNS.slice(1).join(', ')}) VALUES ${Array(rows).fill(ROW_PLACEHOLDERS).join(', ')}`;
}

/** One row's values in REQUEST_COLUMNS order (without id): plain data, cheap to hand to a thread. */
export type RowValues = Array<string | number | null>;

export function rowValues(rec: RequestRecord, cost: RecordCost): RowValues {
  return [
    Math.round(rec.startedAt), rec.project, rec.session, rec.method, rec.path, rec.requestedModel, rec.servedModel,
    rec.provider, rec.status, rec.errorType, rec.cache, rec.streaming ? 1 : 0, rec.inputTokens, rec.outputTokens,
    rec.cacheCreationTokens, rec.cacheReadTokens, Math.round(rec.latencyMs), rec.ttfbMs === null ? null : Math.round(rec.ttfbMs),
    rec.requestBytes, rec.responseBytes, cost.costUsd, cost.savedUsd, cost.costEstimated ? 1 : 0,
    rec.source ?? 'proxy', rec.sessionId ?? null, rec.gitBranch ?? null, rec.agentType ?? null, rec.isSidechain ? 1 : 0,
    rec.cacheWrite5mTokens ?? null, rec.cacheWrite1hTokens ?? null, rec.credentialFingerprint ?? null,
    rec.upstreamRequestId ?? null, rec.serviceTier ?? null, rec.billing ?? 'payg', rec.messageId ?? null,
  ];
}

const VALUE_COLUMNS = REQUEST_COLUMNS.slice(1);
const REQUEST_ID = VALUE_COLUMNS.indexOf('upstream_request_id');
const MESSAGE_ID = VALUE_COLUMNS.indexOf('message_id');
const SOURCE = VALUE_COLUMNS.indexOf('source');

/**
 * Each API response counts once, whichever way it arrives first. A row carrying the upstream's
 * request id is left out when a row with that id is already stored (a proxied response and its
 * transcript line; the same transcript line imported again) or earlier in the batch; a transcript
 * row without one (older Claude Code) is unique on its message id. The first arrival is kept as
 * it was: a later transcript line does not change a proxied row (so rows and roll-ups agree).
 */
function firstArrivals(db: Db, rows: readonly RowValues[]): RowValues[] {
  if (!rows.some((v) => v[REQUEST_ID] !== null || v[MESSAGE_ID] !== null)) return rows as RowValues[];
  const byRequest = prepared(db, 'SELECT 1 FROM requests WHERE upstream_request_id = ? LIMIT 1');
  const byMessage = prepared(
    db,
    "SELECT 1 FROM requests WHERE message_id = ? AND upstream_request_id IS NULL AND source = 'transcript' LIMIT 1",
  );
  const seen = new Set<string>();
  return rows.filter((values) => {
    const requestId = values[REQUEST_ID];
    const messageId = values[MESSAGE_ID];
    if (requestId === null && (messageId === null || values[SOURCE] !== 'transcript')) return true;
    const key = requestId !== null ? `r\0${requestId}` : `m\0${messageId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    const found = requestId !== null ? byRequest.get([requestId]) : byMessage.get([messageId]);
    return found === undefined;
  });
}

/** The roll-up terms of a row about to be inserted. */
function rollupRowOf(values: RowValues): RollupRow {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < VALUE_COLUMNS.length; i++) row[VALUE_COLUMNS[i]!] = values[i];
  return rollupRowFromDb(row);
}

/**
 * Inserts a batch and adds it to the roll-ups, in one transaction: a crash keeps all of it or
 * none of it, so rows and roll-ups can never disagree. Each row is then linked into its
 * prompt-cache chain (busters.ts), whose judgements go into the same roll-up delta.
 */
export function insertRows(db: Db, batch: readonly RowValues[], now: number): void {
  db.transaction(() => {
    // Inside the transaction: no other writer can store the same response between check and insert.
    const rows = firstArrivals(db, batch);
    const delta = emptyDelta();
    const terms = rows.map(rollupRowOf);
    for (const r of terms) addToDelta(delta, r, now);
    const full = rows.length >= ROWS_PER_STATEMENT ? prepared(db, insertSql(ROWS_PER_STATEMENT)) : null;
    const rest = rows.length % ROWS_PER_STATEMENT;
    const tail = rest > 0 ? prepared(db, insertSql(rest)) : null;
    const judge = new BusterJudge(db, delta, now);
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const end = Math.min(i + ROWS_PER_STATEMENT, rows.length);
      const values: RowValues = [];
      for (let r = i; r < end; r++) for (const v of rows[r]!) values.push(v);
      // A multi-row insert numbers its rows consecutively, the last one reported.
      const last = Number((end - i === ROWS_PER_STATEMENT ? full : tail)!.run(values).lastInsertRowid);
      for (let r = i; r < end; r++) judge.add(last - (end - 1 - r), terms[r]!);
    }
    judge.finish();
    applyDelta(db, delta);
  }).immediate();
}

/** Raw rows from `from` (epoch ms) on, oldest first, read lazily. */
export function selectExportRows(db: Db, from: number): Iterable<Record<string, unknown>> {
  return db
    .prepare(`SELECT ${REQUEST_COLUMNS.join(', ')} FROM requests WHERE started_at >= :from ORDER BY started_at, id`)
    .iterate({ from }) as Iterable<Record<string, unknown>>;
}

const str = (v: unknown): string => String(v ?? '');
const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function fromRow(row: Record<string, unknown>): StoredRequest {
  return {
    id: num(row.id),
    startedAt: num(row.started_at),
    project: str(row.project),
    session: str(row.session),
    method: str(row.method),
    path: str(row.path),
    requestedModel: strOrNull(row.requested_model),
    servedModel: strOrNull(row.served_model),
    provider: str(row.provider),
    status: num(row.status),
    errorType: strOrNull(row.error_type),
    cache: str(row.cache) as CacheOutcome,
    streaming: num(row.streaming) === 1,
    inputTokens: num(row.input_tokens),
    outputTokens: num(row.output_tokens),
    cacheCreationTokens: num(row.cache_creation_tokens),
    cacheReadTokens: num(row.cache_read_tokens),
    latencyMs: num(row.latency_ms),
    ttfbMs: numOrNull(row.ttfb_ms),
    requestBytes: num(row.request_bytes),
    responseBytes: num(row.response_bytes),
    costUsd: numOrNull(row.cost_usd),
    savedUsd: numOrNull(row.saved_usd),
    costEstimated: num(row.cost_estimated) === 1,
    source: row.source === 'transcript' ? 'transcript' : 'proxy',
    sessionId: strOrNull(row.session_id),
    gitBranch: strOrNull(row.git_branch),
    agentType: strOrNull(row.agent_type),
    isSidechain: num(row.is_sidechain) === 1,
    cacheWrite5mTokens: numOrNull(row.cache_write_5m_tokens),
    cacheWrite1hTokens: numOrNull(row.cache_write_1h_tokens),
    credentialFingerprint: strOrNull(row.credential_fingerprint),
    upstreamRequestId: strOrNull(row.upstream_request_id),
    serviceTier: strOrNull(row.service_tier),
    billing: row.billing === 'subscription' ? 'subscription' : 'payg',
    messageId: strOrNull(row.message_id),
  };
}
