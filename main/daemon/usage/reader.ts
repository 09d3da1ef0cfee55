import { Worker } from 'node:worker_threads';
import type { Logger } from '../../common/logger.js';
import { QUERIES, type QueryArgs, type QueryName, type QueryResult } from './queries.js';
import type { Db } from './schema.js';

/** Runs the API's reads. The daemon's runs them on a worker thread; tests and tools inline. */
export interface UsageReader {
  /** `after`: the writer's sequence number the answer must include (0: none to wait for). */
  run<K extends QueryName>(name: K, args: QueryArgs<K>, after: number): Promise<QueryResult<K>>;
  /** Resolves once reads can be answered (a thread has started and opened its connection). */
  readonly ready: Promise<void>;
  close(): void;
}

/** On the calling thread, at once: what tests and tools use (the read blocks its caller). */
export class InlineReader implements UsageReader {
  readonly ready = Promise.resolve();

  constructor(private readonly db: Db) {}

  run<K extends QueryName>(name: K, args: QueryArgs<K>): Promise<QueryResult<K>> {
    try {
      const query = QUERIES[name] as (db: Db, a: QueryArgs<K>) => QueryResult<K>;
      return Promise.resolve(query(this.db, args));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  close(): void {}
}

export interface ThreadReaderOptions {
  file: string;
  busyTimeoutMs: number;
  /** The writer's commit counter, so a read can wait for the commits it must include. */
  progress: Int32Array | null;
  logger: Logger;
  /** Test knob: every read takes at least this long (a slow analytics query). */
  delayMs?: number;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * Reads on a worker thread with its own connection (WAL lets it read beside the writer), so a
 * slow query or an export never holds up a proxied request. Replies resolve in any order.
 */
export class ThreadReader implements UsageReader {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 0;
  private failed: Error | null = null;
  readonly ready: Promise<void>;
  private markReady: (value?: unknown) => void = () => {};

  constructor(options: ThreadReaderOptions) {
    this.worker = new Worker(new URL('./reader-thread.js', import.meta.url), {
      workerData: {
        file: options.file, busyTimeoutMs: options.busyTimeoutMs, progress: options.progress,
        delayMs: options.delayMs ?? 0,
      },
    });
    // Until the thread says it is ready, it keeps the process alive (someone may be awaiting `ready`).
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    }).then(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
    this.worker.on('message', (reply: Reply | { ready: true }) => {
      if ('ready' in reply) this.markReady();
      else this.settle(reply);
    });
    this.worker.on('error', (error) => this.fail(error, options.logger));
    this.worker.on('exit', (code) => {
      this.fail(new Error(`usage reader thread exited with code ${code}`), options.logger);
    });
  }

  run<K extends QueryName>(name: K, args: QueryArgs<K>, after: number): Promise<QueryResult<K>> {
    if (this.failed) return Promise.reject(this.failed);
    const id = ++this.nextId;
    return new Promise<QueryResult<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // Only while a read is under way does the thread keep the process alive.
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, name, args, after });
    });
  }

  close(): void {
    this.fail(new Error('usage reader closed'));
    void this.worker.terminate();
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.error !== undefined) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
  }

  private fail(error: Error, logger?: Logger): void {
    if (this.failed) return;
    this.failed = error;
    this.markReady();
    logger?.error(`Usage reader thread failed: ${error.message}`);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
