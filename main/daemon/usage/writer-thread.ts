// Worker-thread entry of ThreadWriter: one connection, one transaction per batch (rows and their
// roll-ups together), outcomes reported in order; prunes run in small batches between commits.
import { workerData, type MessagePort, parentPort } from 'node:worker_threads';
import { backfillRemaining, backfillStep, widenCacheForBackfill } from './backfill.js';
import { finishPrune, pruneBatch, releaseFreePages, type PruneCutoffs } from './retention.js';
import { insertRows, type RowValues } from './rows.js';
import { openReader } from './schema.js';

const { file, busyTimeoutMs, progress, port } = workerData as { file: string; busyTimeoutMs: number; progress: Int32Array; port: MessagePort };
const db = openReader(file, busyTimeoutMs);
// Per connection: WAL + NORMAL never corrupts the file on a crash, and skips an fsync per commit.
db.exec('PRAGMA synchronous = NORMAL');

type Message =
  | { seq: number; rows: RowValues[]; now: number }
  | { pruneId: number; cutoffs: PruneCutoffs }
  | { backfill: true; now: number };

/** Retried after this when a batch fails (another process holding the lock): nothing is lost. */
const BACKFILL_RETRY_MS = 1000;

/** An upgrade's backfill, a small batch at a time between the commits of new rows. */
function backfillLoop(now: number, done: number, total: number): void {
  let added: number;
  try {
    added = backfillStep(db, now);
  } catch (e) {
    parentPort!.postMessage({ backfillError: (e as Error).message });
    return void setTimeout(() => backfillLoop(now, done, total), BACKFILL_RETRY_MS);
  }
  const next = Math.min(done + added, total);
  parentPort!.postMessage({ backfillDone: next, backfillTotal: total, finished: added === 0 });
  if (added > 0) setImmediate(() => backfillLoop(now, next, total));
}

function pruneStep(pruneId: number, cutoffs: PruneCutoffs, pruned: number): void {
  try {
    const step = pruneBatch(db, cutoffs);
    releaseFreePages(db, 512);
    // setImmediate lets the batches of rows that arrived meanwhile commit before the next step.
    if (step.more) return void setImmediate(() => pruneStep(pruneId, cutoffs, pruned + step.pruned));
    parentPort!.postMessage({ pruneId, ...finishPrune(db, file, pruned + step.pruned), error: null });
  } catch (e) {
    parentPort!.postMessage({ pruneId, pruned, error: (e as Error).message });
  }
}

parentPort!.on('message', (message: Message) => {
  if ('pruneId' in message) return pruneStep(message.pruneId, message.cutoffs, 0);
  if ('backfill' in message) {
    widenCacheForBackfill(db);
    return backfillLoop(message.now, 0, backfillRemaining(db));
  }
  const { seq, rows, now } = message;
  let error: string | null = null;
  try {
    insertRows(db, rows, now);
  } catch (e) {
    error = (e as Error).message;
  }
  // The outcome is posted before the counter moves, so a reader woken by it finds the message.
  port.postMessage({ seq, error });
  Atomics.store(progress, 0, seq);
  Atomics.notify(progress, 0);
});
