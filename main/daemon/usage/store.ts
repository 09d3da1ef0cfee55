import type { AgentsResponse, SessionsResponse } from '../../../shared/api.js';
import type { Logger } from '../../common/logger.js';
import type { Pricer } from '../pricing/pricer.js';
import type { PriceTable } from '../pricing/table.js';
import type { UsagePricer } from '../pricing/usage-cost.js';
import { backfillRemaining, type BackfillProgress } from './backfill.js';
import type { ChartData } from './charts.js';
import type { Clock } from './clock.js';
import { describeCompaction } from './compact.js';
import { costOf, priceRecord, usagePricerOf, type PricedRecord } from './costing.js';
import type { ExportFormat, ExportPage, ExportPosition } from './export.js';
import type { ProjectStats } from './projects.js';
import type { QueryArgs, QueryName, QueryResult } from './queries.js';
import { projectsWithPromptCache, promptCacheReport, summaryWithPromptCache } from './prompt-cache-report.js';
import { BoundedQueue } from './queue.js';
import { sessionEntry } from './session-report.js';
import { sessionDayEnd, sessionDayStart } from './sessions.js';
import type { ChartRange, SummaryRange } from './ranges.js';
import { InlineReader, ThreadReader, type UsageReader } from './reader.js';
import type { RequestRecord, RequestRecorder } from './record.js';
import type { RequestFilter, RequestMatch } from './request-list.js';
import type { ModelStats } from './models.js';
import type { ChartExtras, LaunchCostResponse } from '../../../shared/api.js';
import type { PreviousPeriod } from './previous-period.js';
import { pruneCutoffs, type PruneResult } from './retention.js';
import { rowValues, type StoredRequest } from './rows.js';
import { BUSY_TIMEOUT_MS, openUsageDatabase, type Db } from './schema.js';
import { querySessionCache, querySpendByProjectModel, type SpendByProjectModel } from './spend.js';
import { InlineWriter, ThreadWriter, type UsageWriter } from './writer.js';
import type { UsageSummary } from './summary.js';
import { rangeWindow, type Window } from './window.js';
import { WriteHealth } from './write-health.js';

export interface UsageStoreOptions {
  /** The instance's database file (`instanceFiles(dir, port).database`). */
  file: string;
  pricer: Pricer;
  /** Service-tier and server-tool prices (default: the built-in table). */
  priceTable?: PriceTable;
  clock: Clock;
  logger: Logger;
  /** How often queued records are committed (one transaction per batch). */
  flushIntervalMs?: number;
  /** Raw rows older than this are rolled into daily aggregates and deleted. */
  retentionDays?: number;
  pruneIntervalMs?: number;
  /** Records held while the database is not keeping up; beyond it new ones are dropped. */
  maxQueue?: number;
  /** How long a commit waits for a lock held by another process. */
  busyTimeoutMs?: number;
  /**
   * `thread`: commits run on a worker thread, off the thread that serves requests (the daemon).
   * `inline` (default): on the calling thread, at the moment of flush (tests, tools).
   */
  writer?: 'inline' | 'thread';
  /** Where reads run; by default where the writer does (`thread`: never on the proxy's thread). */
  reader?: 'inline' | 'thread';
  /** Test knob: every threaded read takes at least this long. */
  readerDelayMs?: number;
  /** Progress of an upgrade's backfill (an older file), reported while the file opens. */
  onUpgradeProgress?: BackfillProgress;
  /**
   * With the `thread` writer: open at once and finish an upgrade's backfill on the writer thread,
   * between commits, so a daemon serves (and records) from its first second. Reports until then
   * include only the rows done so far; `upgrade` says how far it is.
   */
  upgradeInBackground?: boolean;
}

/** An upgrade's backfill under way: raw rows added to the roll-ups so far, of all. */
export interface UpgradeProgress {
  done: number;
  total: number;
}

/** How long an inline read waits for pending commits, and close() for the last ones. */
const READ_WAIT_MS = 2_000;
const CLOSE_WAIT_MS = 10_000;

export const USAGE_DEFAULTS = {
  flushIntervalMs: 500,
  retentionDays: 90,
  pruneIntervalMs: 60 * 60 * 1000,
  maxQueue: 100_000,
} as const;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`usage store: ${name} must be > 0, got ${value}`);
  return value;
}

/** Called with each record (and its cost) as it is recorded, before it is committed. */
export type UsageListener = (record: PricedRecord) => void;

export interface QueueStats {
  queued: number;
  dropped: number;
}


/**
 * The usage database of one daemon instance. `record` only queues; a timer commits the queue in
 * one transaction per batch, so the proxy never waits on the disk. Reads commit the queue first,
 * so they always include everything recorded so far.
 */
export class UsageStore implements RequestRecorder {
  private readonly queue: BoundedQueue<RequestRecord>;
  private readonly listeners = new Set<UsageListener>();
  private readonly stopTimers: Array<() => void> = [];
  private readonly retentionDays: number;
  private readonly health: WriteHealth;
  private readonly writer: UsageWriter;
  private readonly inline: InlineWriter;
  private readonly reader: UsageReader;
  private readonly usagePricer: UsagePricer;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly options: UsageStoreOptions,
  ) {
    this.usagePricer = usagePricerOf(options.pricer, options.priceTable);
    this.queue = new BoundedQueue(positive('maxQueue', options.maxQueue ?? USAGE_DEFAULTS.maxQueue));
    this.retentionDays = positive('retentionDays', options.retentionDays ?? USAGE_DEFAULTS.retentionDays);
    const flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? USAGE_DEFAULTS.flushIntervalMs);
    const pruneIntervalMs = positive('pruneIntervalMs', options.pruneIntervalMs ?? USAGE_DEFAULTS.pruneIntervalMs);
    this.health = new WriteHealth(options.file, options.logger, flushIntervalMs);
    this.inline = new InlineWriter(db, options.file);
    this.writer = options.writer === 'thread'
      ? new ThreadWriter(options.file, options.busyTimeoutMs ?? BUSY_TIMEOUT_MS, this.inline, options.logger)
      : this.inline;
    this.reader = (options.reader ?? options.writer) === 'thread'
      ? new ThreadReader({
        file: options.file, busyTimeoutMs: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS, progress: this.writer.progress,
        logger: options.logger, delayMs: options.readerDelayMs,
      })
      : new InlineReader(db);
    const { clock } = options;
    this.stopTimers.push(clock.every(flushIntervalMs, () => this.flushUnlessBackingOff()));
    this.stopTimers.push(clock.every(pruneIntervalMs, () => this.pruneQuietly()));
  }

  get file(): string {
    return this.options.file;
  }

  record(record: RequestRecord): void {
    if (this.closed) return;
    try {
      // Pricing waits for the commit unless someone listens live: the hot path only queues.
      if (!this.queue.push(record)) {
        this.health.recordDropped(this.queue.size);
        return;
      }
      if (this.listeners.size > 0) this.emit(priceRecord(record, this.usagePricer));
    } catch (error) {
      // The proxy calls this on its hot path: a recording bug must never fail a request.
      this.options.logger.error(`Could not record a request: ${(error as Error).message}`);
    }
  }

  /**
   * Hands the queue to the writer and settles what it finished: returns how many rows were
   * committed (inline: this batch). Failed batches go back to the queue for the next try.
   */
  flush(): number {
    if (this.closed) return 0;
    const batch = this.queue.takeAll();
    if (batch.length > 0) {
      const pricer = this.usagePricer;
      // Priced here, not when recorded: the request path only queues.
      this.writer.submit(batch, batch.map((rec) => rowValues(rec, costOf(rec, pricer))), this.options.clock.now());
    }
    return this.settle();
  }

  private settle(): number {
    let committed = 0;
    for (const { records, error } of this.writer.settled()) {
      if (error === null) {
        committed += records.length;
        continue;
      }
      const droppedBefore = this.queue.dropped;
      this.queue.restore(records);
      if (this.queue.dropped > droppedBefore) this.health.recordDropped(this.queue.size);
      this.health.commitFailed(error, this.options.clock.now());
    }
    if (committed > 0) this.health.committed(this.queue.dropped);
    return committed;
  }

  /**
   * Imported records (Claude Code transcripts): priced and handed to the writer at once, in one
   * transaction, without the live listeners (they are not requests happening now). The writer
   * leaves out any response already stored (see rows.ts), so importing again counts nothing twice.
   */
  importRecords(records: readonly RequestRecord[]): void {
    this.assertOpen();
    if (records.length === 0) return;
    const pricer = this.usagePricer;
    this.writer.submit(records, records.map((rec) => rowValues(rec, costOf(rec, pricer))), this.options.clock.now());
    this.settle();
  }

  /**
   * Deletes raw rows older than the retention (their totals stay in the day roll-ups) and the
   * finer roll-ups past their use, in small batches on the writer's thread; the file then shrinks.
   */
  async prune(now: number = this.options.clock.now()): Promise<PruneResult> {
    this.assertOpen();
    this.flush();
    const result = await this.writer.prune(pruneCutoffs(now, this.retentionDays));
    if (result.pruned > 0) {
      this.options.logger.info(
        `Usage: removed ${result.pruned} raw requests older than ${this.retentionDays} days (their totals are kept)`,
      );
    }
    if (result.compacted) {
      const { level, message } = describeCompaction(this.file, result.compacted);
      this.options.logger[level](message);
    }
    return result;
  }

  subscribe(listener: UsageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  queueStats(): QueueStats {
    return { queued: this.queue.size, dropped: this.queue.dropped };
  }

  async summary(range: SummaryRange | Window): Promise<UsageSummary> {
    const window = this.window(range);
    const now = this.options.clock.now();
    const [summary, parts] = await Promise.all([
      this.read('summary', { window, now }), this.read('promptCache', { window, now }),
    ]);
    return summaryWithPromptCache(summary, promptCacheReport(parts, this.options.pricer));
  }

  /** Totals of the period before the window (as long, ending where it starts), narrowed like the summary. */
  previousPeriod(range: SummaryRange | Window, match: RequestMatch = {}): Promise<PreviousPeriod | null> {
    return this.read('previousPeriod', { window: this.window(range), now: this.options.clock.now(), match });
  }

  /** What one launch (CCO's session id) cost since `since` (epoch ms; its start). */
  launchCost(session: string, since: number): Promise<LaunchCostResponse> {
    return this.read('launchCost', { session, since });
  }

  /** The summary of the requests the filters match (see filtered-summary.ts for what each reads). */
  filteredSummary(range: SummaryRange | Window, match: RequestMatch): Promise<UsageSummary> {
    return this.read('filteredSummary', { window: this.window(range), now: this.options.clock.now(), match });
  }

  /** Projects with activity in the window (default: all time), narrowed by the filters. */
  async projects(range: SummaryRange | Window = 'all', match: RequestMatch = {}): Promise<ProjectStats[]> {
    const window = this.window(range);
    const now = this.options.clock.now();
    const [projects, parts] = await Promise.all([
      this.read('projects', { window, now, match }), this.read('promptCache', { window, now }),
    ]);
    return projectsWithPromptCache(projects, promptCacheReport(parts, this.options.pricer));
  }

  /** Sessions active in the window (whole UTC days), latest first. */
  async sessions(range: SummaryRange | Window, limit: number, offset: number): Promise<SessionsResponse> {
    const window = this.window(range);
    const now = this.options.clock.now();
    const page = await this.read('sessions', { window, now, limit, offset });
    return {
      range: window.range, from: window.range === 'all' ? null : page.from, to: Math.min(page.to, now),
      total: page.total, offset, limit,
      sessions: page.sessions.map((row) => sessionEntry(row, this.options.pricer)),
    };
  }

  /** Cost by subagent type in the window (whole UTC days). */
  async agents(range: SummaryRange | Window): Promise<AgentsResponse> {
    const window = this.window(range);
    const now = this.options.clock.now();
    const agents = await this.read('agents', { window });
    const from = window.range === 'all' ? null : sessionDayStart(window.from);
    return { range: window.range, from, to: Math.min(sessionDayEnd(window.to), now), agents };
  }

  /** Models used in the window, of one project or all: requests, tokens, cost, errors, latency. */
  models(range: SummaryRange | Window, project?: string): Promise<ModelStats[]> {
    return this.read('models', { window: this.window(range), now: this.options.clock.now(), ...(project === undefined ? {} : { project }) });
  }

  requests(filter: RequestFilter): Promise<StoredRequest[]> {
    return this.read('requests', { filter });
  }

  /** The chart series, with tokens over time, time to first byte and status codes (chart-extras.ts), narrowed by the filters. */
  charts(range: ChartRange | Window, match: RequestMatch = {}): Promise<ChartData & ChartExtras> {
    return this.read('charts', { window: this.window(range), now: this.options.clock.now(), match });
  }

  /** Committed spend in [from, to) by project and model; does not wait for the queue (budgets poll it). */
  spendByProjectModel(from: number, to: number): SpendByProjectModel[] {
    this.assertOpen();
    return querySpendByProjectModel(this.db, from, to);
  }

  /** Committed requests and cache hits of one launch; does not wait for the queue (the status line polls it). */
  sessionCache(session: string): { requests: number; hits: number } {
    this.assertOpen();
    return querySessionCache(this.db, session);
  }

  /** Resolves once reads can be answered; the daemon waits for it before it listens. */
  ready(): Promise<void> {
    return this.reader.ready;
  }

  /** The window of a named range, ending now by the store's clock (a window stays as it is). */
  window(range: SummaryRange | Window): Window {
    return typeof range === 'string' ? rangeWindow(range, this.options.clock.now()) : range;
  }

  /** One page of an export (rows after `after`), formatted on the reader's thread. */
  /** `match`: the request list's filters, so an export holds exactly what the page shows. */
  exportPage(
    format: ExportFormat,
    range: SummaryRange | Window,
    after: ExportPosition | null,
    written: number,
    match: RequestMatch = {},
  ): Promise<ExportPage> {
    return this.read('exportPage', { format, window: this.window(range), after, written, match });
  }

  /** Stops the timers, commits what is queued, closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    for (const stop of this.stopTimers) stop();
    this.flush();
    this.writer.waitIdle(CLOSE_WAIT_MS);
    this.settle();
    // What the thread could not commit gets one last try here before it is reported lost.
    if (this.queue.size > 0 && this.writer !== this.inline) {
      const batch = this.queue.takeAll();
      const rows = batch.map((rec) => rowValues(rec, costOf(rec, this.usagePricer)));
      this.inline.submit(batch, rows, this.options.clock.now());
      this.settle();
    }
    this.writer.close();
    this.reader.close();
    const lost = this.queue.size;
    if (lost > 0) this.options.logger.error(`Usage database ${this.file}: ${lost} records could not be saved`);
    this.closed = true;
    this.listeners.clear();
    this.db.close();
  }

  /** Reads include every record so far: the queue is handed over, and the read waits for its commit. */
  private read<K extends QueryName>(name: K, args: QueryArgs<K>): Promise<QueryResult<K>> {
    if (this.closed) return Promise.reject(new Error(`Usage database ${this.file} is closed`));
    this.flushUnlessBackingOff();
    if (this.writer.progress === null || this.reader instanceof InlineReader) {
      this.writer.waitIdle(READ_WAIT_MS);
      this.settle();
    }
    return this.reader.run(name, args, this.writer.submitted);
  }

  private flushUnlessBackingOff(): void {
    if (this.health.shouldRetry(this.options.clock.now())) this.flush();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Usage database ${this.file} is closed`);
  }

  private emit(record: PricedRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error) {
        this.options.logger.warn(`A usage listener failed: ${(error as Error).message}`);
      }
    }
  }

  private upgradeState: UpgradeProgress | null = null;

  /** An upgrade's backfill under way in the background, or null. */
  get upgrade(): UpgradeProgress | null {
    return this.upgradeState;
  }

  /** Runs an upgrade's remaining backfill on the writer's thread; then prunes what waited for it. */
  finishUpgrade(total: number): void {
    this.upgradeState = { done: 0, total };
    const progress: BackfillProgress = (done, all) => {
      this.upgradeState = { done, total: all };
      this.options.onUpgradeProgress?.(done, all);
    };
    const run = (): Promise<void> => this.writer.backfill(this.options.clock.now(), progress);
    // A writer thread that died hands the rest to the inline writer: resumed, never counted twice.
    run().catch((error: Error) => {
      if (this.closed) throw error;
      return run();
    }).then(
      () => {
        this.upgradeState = null;
        this.pruneQuietly();
      },
      (error: Error) => {
        if (this.closed) return;
        this.options.logger.error(`Usage database ${this.file}: upgrade stopped, it resumes at the next start: ${error.message}`);
      },
    );
  }

  /** On the timer and at open: never awaited, never in the way of start-up. */
  pruneQuietly(): void {
    if (this.closed) return;
    this.prune().catch((error: Error) => {
      // Nothing is lost: what was due is pruned on the next round.
      if (this.closed) return;
      this.options.logger.warn(`Usage database ${this.file}: pruning failed, will retry: ${error.message}`);
    });
  }
}

/** Opens (creating and migrating) the database, starts pruning old rows and the commit timer. */
export function openUsageStore(options: UsageStoreOptions): UsageStore {
  const later = options.upgradeInBackground === true && options.writer === 'thread';
  const db = openUsageDatabase(options.file, options.busyTimeoutMs, options.onUpgradeProgress, later ? 'later' : 'at-open');
  let store: UsageStore;
  try {
    store = new UsageStore(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
  // A prune waits for an upgrade under way (retention.ts); the upgrade prunes when it is done.
  if (later && backfillRemaining(db) > 0) store.finishUpgrade(backfillRemaining(db));
  else store.pruneQuietly();
  return store;
}
