import Database from 'libsql';

/**
 * The one place the ledger reads the local usage store: rows of the `requests` table by row id,
 * on a connection of its own, and the shipped-up-to cursor in a table of its own. When the
 * usage schema changes, only this file follows it.
 */
export interface LedgerRow {
  rowId: number;
  startedAt: number;
  project: string;
  session: string;
  method: string;
  path: string;
  requestedModel: string | null;
  servedModel: string | null;
  provider: string;
  status: number;
  errorType: string | null;
  cache: string;
  streaming: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  latencyMs: number;
  ttfbMs: number | null;
  requestBytes: number;
  responseBytes: number;
  costUsd: number | null;
  savedUsd: number | null;
  costEstimated: boolean;
  /** v3: `proxy`, or `transcript` for sessions imported from Claude Code's transcripts. */
  source: string;
  /** v3: Claude Code's own session id, where known. */
  sessionId: string | null;
  /** v3: `payg` (an API key pays) or `subscription` (plan traffic, priced at its API equivalent). */
  billing: string;
  serviceTier: string | null;
}

const COLUMNS = `id, started_at, project, session, method, path, requested_model, served_model, provider, status,
  error_type, cache, streaming, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, latency_ms,
  ttfb_ms, request_bytes, response_bytes, cost_usd, saved_usd, cost_estimated, source, session_id, billing,
  service_tier`;
// Never read, so never shipped: credential_fingerprint (whose key paid) and upstream_request_id.

function toRow(r: Record<string, unknown>): LedgerRow {
  const num = (v: unknown) => Number(v);
  const nullableNum = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const nullableStr = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    rowId: num(r.id),
    startedAt: num(r.started_at),
    project: String(r.project),
    session: String(r.session),
    method: String(r.method),
    path: String(r.path),
    requestedModel: nullableStr(r.requested_model),
    servedModel: nullableStr(r.served_model),
    provider: String(r.provider),
    status: num(r.status),
    errorType: nullableStr(r.error_type),
    cache: String(r.cache),
    streaming: num(r.streaming) !== 0,
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    cacheCreationTokens: num(r.cache_creation_tokens),
    cacheReadTokens: num(r.cache_read_tokens),
    latencyMs: num(r.latency_ms),
    ttfbMs: nullableNum(r.ttfb_ms),
    requestBytes: num(r.request_bytes),
    responseBytes: num(r.response_bytes),
    costUsd: nullableNum(r.cost_usd),
    savedUsd: nullableNum(r.saved_usd),
    costEstimated: num(r.cost_estimated) !== 0,
    source: String(r.source),
    sessionId: nullableStr(r.session_id),
    billing: String(r.billing),
    serviceTier: nullableStr(r.service_tier),
  };
}

/** The ledger's view of one instance's usage database. */
export class LocalRows {
  private readonly db: Database.Database;

  constructor(file: string, busyTimeoutMs = 1000) {
    this.db = new Database(file);
    try {
      this.db.exec(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
      // Not part of the usage schema's versions: the ledger owns it, and a store without a ledger never has it.
      this.db.exec(`CREATE TABLE IF NOT EXISTS ledger_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** Committed rows with an id above `afterId`, oldest first. Ids only grow, so this never skips one. */
  after(afterId: number, limit: number): LedgerRow[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM requests WHERE id > ? ORDER BY id LIMIT ?`)
      .all(afterId, limit) as Array<Record<string, unknown>>;
    return rows.map(toRow);
  }

  /** How many committed rows wait above the cursor. */
  countAfter(afterId: number): number {
    const row = this.db.prepare('SELECT count(*) AS n FROM requests WHERE id > ?').get(afterId) as { n: number };
    return Number(row.n);
  }

  get(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM ledger_state WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO ledger_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  close(): void {
    this.db.close();
  }
}
