import { randomUUID } from 'node:crypto';
import type { TeamProjectNames } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import { redactDbUrl, safeMessage, type LedgerPool } from './connect.js';
import type { LedgerRow, LocalRows } from './local-rows.js';
import { migrateTeamSchema } from './pg-schema.js';
import { teamProjectName } from './project-name.js';

/** How fast the shipper ships and retries; the defaults suit real use, tests go faster. */
export interface ShipperTimings {
  /** Rows per INSERT. Default 500. */
  batchSize?: number;
  /** How often new rows are looked for while the ledger is up. Default 2 s. */
  intervalMs?: number;
  /** Retry delays while it is down: doubled from min up to max. Default 1 s .. 60 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface ShipperOptions extends ShipperTimings {
  url: string;
  rows: LocalRows;
  /** Opens the pool on first use (pg is loaded then). */
  openPool: () => Promise<LedgerPool>;
  logger: Logger;
  machine: string;
  user: string;
  projectNames: TeamProjectNames;
  /** Told the status after each pass (the thread passes it on to the daemon). */
  onPass?: (status: ShipperStatus) => void;
}

export interface ShipperStatus {
  state: 'starting' | 'up' | 'down';
  /** Local rows not yet in the ledger. */
  waiting: number;
  shipped: number;
  lastError: string | null;
}

const CURSOR_KEY = 'shipped_up_to';
const INSTALL_KEY = 'install_id';
const ROW_FIELDS = 32;

/**
 * Ships the local usage rows to the team ledger, off the request path: a timer reads rows above
 * the shipped-up-to cursor, inserts them in one statement that ignores rows already there
 * ((install id, row id) is unique), and only then moves the cursor. A crash between the two
 * ships the batch again, which changes nothing, so every row lands exactly once.
 */
export class LedgerShipper {
  readonly installId: string;
  private pool: LedgerPool | null = null;
  private migrated = false;
  private state: ShipperStatus['state'] = 'starting';
  private lastError: string | null = null;
  private shipped = 0;
  private backoffMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: ShipperOptions) {
    this.backoffMs = options.minBackoffMs ?? 1000;
    let id = options.rows.get(INSTALL_KEY);
    if (!id) {
      id = randomUUID();
      options.rows.set(INSTALL_KEY, id);
    }
    this.installId = id;
  }

  start(): void {
    this.schedule(0);
  }

  status(): ShipperStatus {
    return { state: this.state, waiting: this.waiting(), shipped: this.shipped, lastError: this.lastError };
  }

  /** Ships everything committed so far (one pass until empty or an error); for close and tests. */
  async shipNow(): Promise<boolean> {
    if (this.running) await this.running;
    return this.pass();
  }

  /** Stops the timer, ships what it can within `timeoutMs`, closes the pool. */
  async close(timeoutMs = 3000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const last = (async () => {
      if (this.running) await this.running;
      if (this.state !== 'down') await this.pass();
    })();
    await Promise.race([last, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    await this.pool?.end().catch(() => {});
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().then((ok) => {
        this.running = null;
        this.options.onPass?.(this.status());
        this.schedule(ok ? (this.options.intervalMs ?? 2000) : this.backoffMs);
        if (!ok) this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 60_000);
      });
    }, ms);
    this.timer.unref();
  }

  private cursor(): number {
    return Number(this.options.rows.get(CURSOR_KEY) ?? 0);
  }

  private waiting(): number {
    try {
      return this.options.rows.countAfter(this.cursor());
    } catch {
      return 0;
    }
  }

  /** True when everything committed so far is in the ledger. */
  private async pass(): Promise<boolean> {
    const size = this.options.batchSize ?? 500;
    try {
      for (;;) {
        const batch = this.options.rows.after(this.cursor(), size);
        if (batch.length === 0 && this.migrated) break;
        await this.insert(batch);
        if (batch.length > 0) {
          this.options.rows.set(CURSOR_KEY, String(batch.at(-1)!.rowId));
          this.shipped += batch.length;
        }
        this.wentUp();
        if (batch.length < size) break;
      }
      this.wentUp();
      return true;
    } catch (error) {
      this.wentDown(error);
      return false;
    }
  }

  private async insert(batch: readonly LedgerRow[]): Promise<void> {
    this.pool ??= await this.options.openPool();
    if (!this.migrated) {
      await migrateTeamSchema(this.pool);
      this.migrated = true;
    }
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((row, i) => {
      values.push(...this.fields(row));
      return `(${Array.from({ length: ROW_FIELDS }, (_, j) => `$${i * ROW_FIELDS + j + 1}`).join(', ')})`;
    });
    await this.pool.query(
      `INSERT INTO cco_usage (install_id, row_id, machine, os_user, started_at, project, session, method, path,
         requested_model, served_model, provider, status, error_type, cache, streaming, input_tokens, output_tokens,
         cache_creation_tokens, cache_read_tokens, latency_ms, ttfb_ms, request_bytes, response_bytes, cost_usd,
         saved_usd, cost_estimated, shipped_at, source, session_id, billing, service_tier)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (install_id, row_id) DO NOTHING`,
      values,
    );
  }

  private fields(row: LedgerRow): unknown[] {
    const { machine, user, projectNames } = this.options;
    return [
      this.installId, row.rowId, machine, user, new Date(row.startedAt), teamProjectName(row.project, projectNames),
      row.session, row.method, row.path, row.requestedModel, row.servedModel, row.provider, row.status, row.errorType,
      row.cache, row.streaming, row.inputTokens, row.outputTokens, row.cacheCreationTokens, row.cacheReadTokens,
      row.latencyMs, row.ttfbMs, row.requestBytes, row.responseBytes, row.costUsd, row.savedUsd, row.costEstimated,
      new Date(), row.source, row.sessionId, row.billing, row.serviceTier,
    ];
  }

  private wentUp(): void {
    this.backoffMs = this.options.minBackoffMs ?? 1000;
    if (this.state === 'down') {
      const target = redactDbUrl(this.options.url);
      this.options.logger.info(`Team ledger ${target} is reachable again; shipping the rows that waited`);
    }
    this.state = 'up';
    this.lastError = null;
  }

  private wentDown(error: unknown): void {
    this.lastError = safeMessage(error, this.options.url);
    // One line when it goes down, not one per retry; the line when it comes back closes it.
    if (this.state !== 'down') {
      this.options.logger.warn(
        `Team ledger ${redactDbUrl(this.options.url)} is unreachable (${this.lastError}); ` +
          'usage rows wait locally and ship when it is back',
      );
    }
    this.state = 'down';
  }
}
