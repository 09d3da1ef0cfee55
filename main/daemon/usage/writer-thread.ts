// Worker-thread entry of ThreadWriter: one connection, one transaction per batch (rows and their
// roll-ups together), outcomes reported in order; prunes run in small batches between commits.
import { workerData, type MessagePort, parentPort } from 'node:worker_threads';
import { finishPrune, pruneBatch, releaseFreePages, type PruneCutoffs } from './retention.js';
import { insertRows, type RowValues } from './rows.js';
import { openReader } from './schema.js';

const { file, busyTimeoutMs, progress, port } = workerData as { file: string; busyTimeoutMs: number; progress: Int32Array; port: MessagePort };
const db = openReader(file, busyTimeoutMs);
// Per connection: WAL + NORMAL never corrupts the file on a crash, and skips an fsync per commit.
db.exec('PRAGMA synchronous = NORMAL');

type Message = { seq: number; rows: RowValues[]; now: number } | { pruneId: number; cutoffs: PruneCutoffs };

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
