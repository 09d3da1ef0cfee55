import { hostname, userInfo } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DaemonConfig } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import { openPool, redactDbUrl, safeMessage, type LedgerPool } from './connect.js';
import type { ShipperStatus, ShipperTimings } from './shipper.js';
import type { ShipperThreadData, ShipperThreadMessage } from './shipper-thread.js';
import {
  teamMachines, teamSpendRows, teamSummary, type TeamMachine, type TeamSpendRow, type TeamSummary, type TeamTotals,
} from './team-queries.js';

export type LedgerTimings = ShipperTimings;

export interface TeamLedger {
  /** The URL without its password, for status lines. */
  readonly target: string;
  readonly machine: string;
  readonly user: string;
  /** The shipper's state as of its last pass. */
  status(): ShipperStatus;
  /** An error's message with the password taken out. */
  redact(error: unknown): string;
  summary(from: number | null): Promise<TeamSummary>;
  machines(from: number | null): Promise<TeamMachine[]>;
  /** The team's spend in [from, to) by project and model, for team budgets. */
  spendRows(from: number, to: number): Promise<TeamSpendRow[]>;
  /** How project paths are named in the ledger. */
  readonly projectNames: DaemonConfig['teamProjectNames'];
  close(): Promise<void>;
}

const EMPTY: TeamTotals = {
  requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0,
  costUsd: 0, savedUsd: 0, hits: 0, errors: 0,
};
/** How long close() lets the thread ship the last rows before it is stopped. */
const CLOSE_SHIP_MS = 3000;

/** Before any daemon has shipped, the team database has no tables yet: that is an empty team, not an error. */
async function emptyUntilShipped<T>(query: Promise<T>, empty: T): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return empty; // undefined_table
    throw error;
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * The team ledger of one daemon, or null when no team DB is configured (then nothing of it,
 * `pg` included, is loaded). Shipping runs on a worker thread of its own; the team views
 * query PostgreSQL from here, asynchronously, with a small pool opened on the first one.
 */
export function openTeamLedger(
  config: DaemonConfig,
  usageFile: string,
  logger: Logger,
  timings: LedgerTimings = {},
): TeamLedger | null {
  if (config.teamDb === '') return null;
  const url = config.teamDb;
  const machine = config.teamMachine || hostname();
  const user = config.teamUser || osUser();
  let status: ShipperStatus = { state: 'starting', waiting: 0, shipped: 0, lastError: null };
  const projectNames = config.teamProjectNames;
  const data: ShipperThreadData = { url, file: usageFile, machine, user, projectNames, timings };
  const worker = new Worker(new URL('./shipper-thread.js', import.meta.url), { workerData: data });
  worker.unref();
  let closed: () => void = () => {};
  const whenClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  worker.on('message', (message: ShipperThreadMessage) => {
    if (message.type === 'log') logger[message.level](message.message);
    else if (message.type === 'status') status = message.status;
    else if (message.type === 'ready') {
      const who = `${machine} / ${user} (install ${message.installId})`;
      logger.info(`Team ledger: shipping usage rows to ${redactDbUrl(url)} as ${who}`);
    } else closed();
  });
  worker.on('error', (error) => {
    status = { ...status, state: 'down', lastError: safeMessage(error, url) };
    logger.error(`Team ledger stopped: ${safeMessage(error, url)}`);
    closed();
  });
  worker.on('exit', () => closed());
  let readPool: Promise<LedgerPool> | null = null;
  const reads = () => {
    readPool ??= openPool(url, { max: 2 });
    return readPool;
  };
  return {
    target: redactDbUrl(url),
    machine,
    user,
    status: () => status,
    redact: (error) => safeMessage(error, url),
    summary: async (from) =>
      emptyUntilShipped(teamSummary(await reads(), from), { from, totals: EMPTY, machines: [], projects: [], models: [] }),
    machines: async (from) => emptyUntilShipped(teamMachines(await reads(), from), []),
    spendRows: async (from, to) => emptyUntilShipped(teamSpendRows(await reads(), from, to), []),
    projectNames,
    async close() {
      worker.postMessage({ type: 'close', timeoutMs: CLOSE_SHIP_MS });
      await Promise.race([whenClosed, new Promise((resolve) => setTimeout(resolve, CLOSE_SHIP_MS + 2000).unref())]);
      await worker.terminate();
      if (readPool) await (await readPool).end().catch(() => {});
    },
  };
}
