import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Logger } from '../../common/logger.js';
import { type BackfillProgress, backfillRollups } from './backfill.js';
import type { RequestRecord } from './record.js';
import { pruneAll, type PruneCutoffs, type PruneResult } from './retention.js';
import { insertRows, type RowValues } from './rows.js';
import type { Db } from './schema.js';

/** How one submitted batch ended: committed, or failed with the records to queue again. */
export interface Settled {
  records: readonly RequestRecord[];
  error: Error | null;
}

/** Commits batches of rows. The store decides when; the writer decides on which thread. */
export interface UsageWriter {
  /** `now`: the store's clock, which decides which roll-up buckets are still kept. */
  submit(records: readonly RequestRecord[], rows: RowValues[], now: number): void;
  /** Batches that finished since the last call. Never blocks. */
  settled(): Settled[];
  /** Blocks until every submitted batch has settled, or `timeoutMs` passed. */
  waitIdle(timeoutMs: number): void;
  /** Deletes what is past the cutoffs, in small batches between commits. */
  prune(cutoffs: PruneCutoffs): Promise<PruneResult>;
  /** Finishes an upgrade's backfill (backfill.ts), in small batches between commits. */
  backfill(now: number, progress: BackfillProgress): Promise<void>;
  /** The sequence number of the last submitted batch, and the counter its commit moves (null: inline). */
  readonly submitted: number;
  readonly progress: Int32Array | null;
  close(): void;
}

/** Commits on the calling thread, at once: what tests and the fallback use. */
export class InlineWriter implements UsageWriter {
  private done: Settled[] = [];

  constructor(
    private readonly db: Db,
    private readonly file: string,
  ) {}

  submit(records: readonly RequestRecord[], rows: RowValues[], now: number): void {
    try {
      insertRows(this.db, rows, now);
      this.done.push({ records, error: null });
    } catch (error) {
      this.done.push({ records, error: error as Error });
    }
  }

  settled(): Settled[] {
    return this.done.splice(0);
  }

  waitIdle(): void {}

  prune(cutoffs: PruneCutoffs): Promise<PruneResult> {
    try {
      return Promise.resolve(pruneAll(this.db, this.file, cutoffs));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  backfill(now: number, progress: BackfillProgress): Promise<void> {
    try {
      backfillRollups(this.db, progress, now);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  readonly submitted = 0;
  readonly progress = null;

  close(): void {}
}

type PruneMessage = PruneResult & { pruneId: number; error: string | null };
type BackfillMessage = { backfillDone: number; backfillTotal: number; finished: boolean } | { backfillError: string };

interface Outcome {
  seq: number;
  error: string | null;
}

/**
 * Commits on a worker thread with its own connection, so SQLite's work never runs on the thread
 * that serves requests. Outcomes come back on a port read with receiveMessageOnPort, and a shared
 * counter lets a reader wait for pending commits synchronously (reads must see every record).
 * If the thread dies, batches fall back to the inline writer: slower, never lost.
 */
export class ThreadWriter implements UsageWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  readonly progress = new Int32Array(new SharedArrayBuffer(4));
  private readonly prunes = new Map<number, { resolve(r: PruneResult): void; reject(e: Error): void }>();
  private pruneId = 0;
  private readonly pending = new Map<number, readonly RequestRecord[]>();
  private backfilling: { progress: BackfillProgress; resolve(): void; reject(e: Error): void } | null = null;
  private readonly fallbackDone: Settled[] = [];
  private seq = 0;
  private broken: Error | null = null;

  constructor(
    file: string,
    busyTimeoutMs: number,
    private readonly fallback: UsageWriter,
    private readonly logger: Logger,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./writer-thread.js', import.meta.url), {
      workerData: { file, busyTimeoutMs, progress: this.progress, port: port2 },
      transferList: [port2],
    });
    this.worker.on('message', (m: PruneMessage | BackfillMessage) => {
      if ('pruneId' in m) this.pruned(m);
      else this.backfilled(m);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => { if (code !== 0) this.fail(new Error(`writer thread exited with code ${code}`)); });
    // Neither keeps the daemon alive; close() commits what is left.
    this.worker.unref();
    this.port.unref();
  }

  submit(records: readonly RequestRecord[], rows: RowValues[], now: number): void {
    if (this.broken) {
      this.fallback.submit(records, rows, now);
      return;
    }
    const seq = ++this.seq;
    this.pending.set(seq, records);
    this.worker.postMessage({ seq, rows, now });
  }

  get submitted(): number {
    return this.broken ? 0 : this.seq;
  }

  prune(cutoffs: PruneCutoffs): Promise<PruneResult> {
    if (this.broken) return this.fallback.prune(cutoffs);
    const pruneId = ++this.pruneId;
    return this.awaited(new Promise((resolve, reject) => {
      this.prunes.set(pruneId, { resolve, reject });
      this.worker.postMessage({ pruneId, cutoffs });
    }));
  }

  private pruned({ pruneId, error, ...result }: PruneMessage): void {
    const waiter = this.prunes.get(pruneId);
    this.prunes.delete(pruneId);
    if (error === null) waiter?.resolve(result);
    else waiter?.reject(new Error(error));
  }

  backfill(now: number, progress: BackfillProgress): Promise<void> {
    if (this.broken) return this.fallback.backfill(now, progress);
    return this.awaited(new Promise((resolve, reject) => {
      this.backfilling = { progress, resolve, reject };
      this.worker.postMessage({ backfill: true, now });
    }));
  }

  private waiting = 0;

  /** While someone awaits the thread's answer, the thread keeps the process alive (a tool's prune). */
  private awaited<T>(answer: Promise<T>): Promise<T> {
    if (this.waiting++ === 0) this.worker.ref();
    const done = () => {
      if (--this.waiting === 0) this.worker.unref();
    };
    answer.then(done, done);
    return answer;
  }

  private backfilled(m: BackfillMessage): void {
    const waiter = this.backfilling;
    if (!waiter) return;
    // A failed batch is retried by the thread; the error is only worth a line in the log.
    if ('backfillError' in m) {
      this.logger.warn(`Usage upgrade: a batch failed, retrying: ${m.backfillError}`);
      return;
    }
    waiter.progress(m.backfillDone, m.backfillTotal);
    if (!m.finished) return;
    this.backfilling = null;
    waiter.resolve();
  }

  settled(): Settled[] {
    const out: Settled[] = [...this.fallbackDone.splice(0), ...this.fallback.settled()];
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const { seq, error } = m.message as Outcome;
      const records = this.pending.get(seq);
      this.pending.delete(seq);
      if (records) out.push({ records, error: error === null ? null : new Error(error) });
    }
    return out;
  }

  waitIdle(timeoutMs: number): void {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = Atomics.load(this.progress, 0);
      const left = deadline - Date.now();
      if (done >= this.seq || this.broken || left <= 0) return;
      Atomics.wait(this.progress, 0, done, left);
    }
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }

  /** Hands whatever the dead thread held to the fallback, so those records are retried, not lost. */
  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    this.logger.error(`Usage writer thread failed, committing on the main thread instead: ${error.message}`);
    for (const records of this.pending.values()) this.fallbackDone.push({ records, error });
    this.pending.clear();
    for (const waiter of this.prunes.values()) waiter.reject(error);
    this.prunes.clear();
    this.backfilling?.reject(error);
    this.backfilling = null;
  }
}
