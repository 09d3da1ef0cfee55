import type { PricedRecord } from './costing.js';
import type { CacheOutcome } from './record.js';
import type { Db } from './schema.js';

/** A request as stored: the record, its cost, and the row id (a stable cursor for paging). */
export interface StoredRequest extends PricedRecord {
  id: number;
}

/** Column order of `requests`, shared by the insert, the reads and the CSV header. */
export const REQUEST_COLUMNS = [
  'id', 'started_at', 'project', 'session', 'method', 'path', 'requested_model', 'served_model', 'provider',
  'status', 'error_type', 'cache', 'streaming', 'input_tokens', 'output_tokens', 'cache_creation_tokens',
  'cache_read_tokens', 'latency_ms', 'ttfb_ms', 'request_bytes', 'response_bytes', 'cost_usd', 'saved_usd',
  'cost_estimated',
] as const;

export type RequestRow = Record<(typeof REQUEST_COLUMNS)[number], string | number | null>;

const INSERT_SQL = `INSERT INTO requests (${REQUEST_COLUMNS.slice(1).join(', ')})
  VALUES (${REQUEST_COLUMNS.slice(1).map((c) => `:${c}`).join(', ')})`;

function toParams(rec: PricedRecord): Omit<RequestRow, 'id'> {
  return {
    started_at: Math.round(rec.startedAt),
    project: rec.project,
    session: rec.session,
    method: rec.method,
    path: rec.path,
    requested_model: rec.requestedModel,
    served_model: rec.servedModel,
    provider: rec.provider,
    status: rec.status,
    error_type: rec.errorType,
    cache: rec.cache,
    streaming: rec.streaming ? 1 : 0,
    input_tokens: rec.inputTokens,
    output_tokens: rec.outputTokens,
    cache_creation_tokens: rec.cacheCreationTokens,
    cache_read_tokens: rec.cacheReadTokens,
    latency_ms: Math.round(rec.latencyMs),
    ttfb_ms: rec.ttfbMs === null ? null : Math.round(rec.ttfbMs),
    request_bytes: rec.requestBytes,
    response_bytes: rec.responseBytes,
    cost_usd: rec.costUsd,
    saved_usd: rec.savedUsd,
    cost_estimated: rec.costEstimated ? 1 : 0,
  };
}

/** Inserts a batch in one transaction: a crash keeps all of it or none of it. */
export function insertRequests(db: Db, batch: readonly PricedRecord[]): void {
  const insert = db.prepare(INSERT_SQL);
  db.transaction(() => {
    for (const rec of batch) insert.run(toParams(rec));
  }).immediate();
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
  };
}
