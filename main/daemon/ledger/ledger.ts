import { hostname, userInfo } from 'node:os';
import type { DaemonConfig } from '../../common/config.js';
import type { Logger } from '../../common/logger.js';
import { openPool, redactDbUrl, safeMessage, type LedgerPool } from './connect.js';
import { LocalRows } from './local-rows.js';
import { LedgerShipper, type ShipperStatus } from './shipper.js';
import { teamMachines, teamSummary, type TeamMachine, type TeamSummary, type TeamTotals } from './team-queries.js';

export interface TeamLedger {
  /** The URL without its password, for status lines. */
  readonly target: string;
  readonly machine: string;
  readonly user: string;
  status(): ShipperStatus;
  /** An error's message with the password taken out. */
  redact(error: unknown): string;
  summary(from: number | null): Promise<TeamSummary>;
  machines(from: number | null): Promise<TeamMachine[]>;
  close(): Promise<void>;
}

export interface LedgerTimings {
  intervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  batchSize?: number;
}

const EMPTY: TeamTotals = {
  requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0,
  costUsd: 0, savedUsd: 0, hits: 0, errors: 0,
};

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
 * `pg` included, is loaded). Shipping starts at once and runs on timers of its own.
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
  const rows = new LocalRows(usageFile);
  let pool: Promise<LedgerPool> | null = null;
  const shared = () => (pool ??= openPool(url));
  // Reads get a pool of their own, so a slow team query never holds up shipping.
  let readPool: Promise<LedgerPool> | null = null;
  const reads = () => (readPool ??= openPool(url, { max: 2 }));
  const shipper = new LedgerShipper({ url, rows, openPool: shared, logger, machine, user, projectNames: config.teamProjectNames, ...timings });
  shipper.start();
  logger.info(`Team ledger: shipping usage rows to ${redactDbUrl(url)} as ${machine} / ${user} (install ${shipper.installId})`);
  return {
    target: redactDbUrl(url),
    machine,
    user,
    status: () => shipper.status(),
    redact: (error) => safeMessage(error, url),
    summary: async (from) => emptyUntilShipped(teamSummary(await reads(), from), { from, totals: EMPTY, machines: [], projects: [], models: [] }),
    machines: async (from) => emptyUntilShipped(teamMachines(await reads(), from), []),
    async close() {
      await shipper.close();
      if (readPool) await (await readPool).end().catch(() => {});
      rows.close();
    },
  };
}
