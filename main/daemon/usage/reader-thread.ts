// Worker-thread entry of ThreadReader: its own connection; each read first waits for the commits it must include.
import { parentPort, workerData } from 'node:worker_threads';
import { QUERIES, type QueryName } from './queries.js';
import { openReader, type Db } from './schema.js';

const { file, busyTimeoutMs, progress, delayMs } = workerData as {
  file: string;
  busyTimeoutMs: number;
  progress: Int32Array | null;
  delayMs: number;
};
const db = openReader(file, busyTimeoutMs);
const WAIT_FOR_COMMITS_MS = 2_000;
// Tells the store the thread can answer (see UsageStore.ready).
parentPort!.postMessage({ ready: true });

function waitForCommits(after: number): void {
  if (!progress || after <= 0) return;
  const deadline = Date.now() + WAIT_FOR_COMMITS_MS;
  for (;;) {
    const done = Atomics.load(progress, 0);
    const left = deadline - Date.now();
    if (done >= after || left <= 0) return;
    Atomics.wait(progress, 0, done, left);
  }
}

function busyWait(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // A slow query, on this thread only.
  }
}

type Ask = { id: number; name: QueryName; args: unknown; after: number };

parentPort!.on('message', ({ id, name, args, after }: Ask) => {
  try {
    waitForCommits(after);
    if (delayMs > 0) busyWait(delayMs);
    const query = QUERIES[name] as (d: Db, a: unknown) => unknown;
    parentPort!.postMessage({ id, result: query(db, args) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
