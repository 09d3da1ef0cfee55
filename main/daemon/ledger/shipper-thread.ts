// Worker-thread entry of the team ledger's shipper: its SQLite reads, its batches and `pg` all run
// here, so shipping never takes time from the thread that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import type { TeamProjectNames } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import { openPool } from './connect.js';
import { LocalRows } from './local-rows.js';
import { LedgerShipper, type ShipperTimings } from './shipper.js';

export interface ShipperThreadData {
  url: string;
  file: string;
  machine: string;
  user: string;
  projectNames: TeamProjectNames;
  timings: ShipperTimings;
}

/** Messages the thread posts to the daemon. */
export type ShipperThreadMessage =
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'status'; status: ReturnType<LedgerShipper['status']> }
  | { type: 'ready'; installId: string }
  | { type: 'closed' };

const data = workerData as ShipperThreadData;
const post = (message: ShipperThreadMessage) => parentPort!.postMessage(message);
const logger: Logger = {
  debug() {},
  info: (message) => post({ type: 'log', level: 'info', message }),
  warn: (message) => post({ type: 'log', level: 'warn', message }),
  error: (message) => post({ type: 'log', level: 'error', message }),
};

const rows = new LocalRows(data.file);
const shipper = new LedgerShipper({
  url: data.url,
  rows,
  openPool: () => openPool(data.url),
  logger,
  machine: data.machine,
  user: data.user,
  projectNames: data.projectNames,
  ...data.timings,
  onPass: (status) => post({ type: 'status', status }),
});
post({ type: 'ready', installId: shipper.installId });
post({ type: 'status', status: shipper.status() });
shipper.start();

parentPort!.on('message', (message: { type: 'close'; timeoutMs: number }) => {
  if (message.type !== 'close') return;
  void shipper.close(message.timeoutMs).then(() => {
    post({ type: 'status', status: shipper.status() });
    rows.close();
    post({ type: 'closed' });
  });
});
