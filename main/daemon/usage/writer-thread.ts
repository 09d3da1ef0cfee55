// Worker-thread entry of ThreadWriter: one connection, one transaction per batch, outcomes reported in order.
import { workerData, type MessagePort, parentPort } from 'node:worker_threads';
import { insertRows, type RowValues } from './rows.js';
import { openReader } from './schema.js';

const { file, busyTimeoutMs, progress, port } = workerData as { file: string; busyTimeoutMs: number; progress: Int32Array; port: MessagePort };
const db = openReader(file, busyTimeoutMs);
// Per connection: WAL + NORMAL never corrupts the file on a crash, and skips an fsync per commit.
db.exec('PRAGMA synchronous = NORMAL');

parentPort!.on('message', ({ seq, rows }: { seq: number; rows: RowValues[] }) => {
  let error: string | null = null;
  try {
    insertRows(db, rows);
  } catch (e) {
    error = (e as Error).message;
  }
  // The outcome is posted before the counter moves, so a reader woken by it finds the message.
  port.postMessage({ seq, error });
  Atomics.store(progress, 0, seq);
  Atomics.notify(progress, 0);
});
