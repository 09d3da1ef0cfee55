import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DaemonConfig } from '../common/config.js';
import { instanceFiles, routingFile } from '../common/paths.js';
import { readOrCreateToken } from '../common/token.js';
import { appVersion } from '../common/version.js';
import { createDaemon } from './app.js';
import { createLogger } from './log.js';
import { withFreeLocalProviders } from './pricing/local.js';
import { loadPriceTable } from './pricing/load.js';
import { createPricer } from './pricing/pricer.js';
import { createStatsRouter } from './routes/stats.js';
import { defaultUiDir } from './routes/ui.js';
import { terminalEndpoint } from './terminal/endpoint.js';
import { systemClock } from './usage/clock.js';
import { UsageDatabaseError } from './usage/schema.js';
import { openUsageStore, type UsageStore } from './usage/store.js';

/** A daemon bound to a port, as a host (the CLI's `daemon start --foreground`, the desktop app) owns it. */
export interface RunningDaemon {
  url: string;
  port: number;
  logFile: string;
  /** Stops accepting, drains in-flight requests for at most `drainMs`, flushes records, closes. */
  close(drainMs?: number): Promise<void>;
}

export interface HostOptions {
  config: DaemonConfig;
  dataDir: string;
  /** Also log to the console (foreground mode). The rolling log file is always written. */
  console: boolean;
  /** Test seam: every analytics read takes at least this long (on the reader's thread). */
  usageReaderDelayMs?: number;
}

export class HostError extends Error {
  override name = 'HostError';
  constructor(message: string, readonly code: 'EADDRINUSE' | 'EACCES' | 'DATA_DIR' | 'DATABASE') {
    super(message);
  }
}

function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new HostError(
      `Data directory ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        `Fix its permissions (chown -R "$USER" "${dir}") or choose another with CCO_HOME.`,
      'DATA_DIR',
    );
  }
}

/** Builds and binds the daemon for one instance: logging, cache, proxy; stops cleanly on close. */
export async function runDaemonHost(options: HostOptions): Promise<RunningDaemon> {
  const { config, dataDir } = options;
  ensureWritableDir(dataDir);
  const files = instanceFiles(dataDir, config.port);
  ensureWritableDir(dirname(files.logFile));
  const log = createLogger({ file: files.logFile, level: config.logLevel, console: options.console });
  const logger = log.logger;
  let store: UsageStore;
  // Set once the daemon (and its router) exists; records are priced only after that.
  let isLocalProvider: (provider: string) => boolean = () => false;
  try {
    const table = loadPriceTable(join(dataDir, 'pricing.json'), logger);
    const pricer = withFreeLocalProviders(createPricer(table, logger), table, (p) => isLocalProvider(p));
    let lastTenth = -1;
    store = openUsageStore({
      file: files.database, pricer, clock: systemClock, logger, writer: 'thread',
      readerDelayMs: options.usageReaderDelayMs,
      // A one-time upgrade of an older file: a line every 10 %, so a long one is visibly moving.
      onUpgradeProgress: (done, total) => {
        const tenth = Math.floor((done / total) * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        logger.info(`Upgrading the usage database: ${tenth * 10} % (${done} of ${total} requests added to the roll-ups)`);
      },
    });
  } catch (error) {
    logger.error((error as Error).message);
    await log.shutdown();
    if (error instanceof UsageDatabaseError) throw new HostError(error.message, 'DATABASE');
    throw error;
  }
  const daemon = createDaemon({
    config,
    logger,
    recorder: store,
    uiDir: defaultUiDir(),
    token: readOrCreateToken(dataDir),
    routingFile: routingFile(dataDir, config.routingFile),
    upgrades: [terminalEndpoint({ env: process.env, version: appVersion() })],
    routers: [({ cache }) => createStatsRouter({ store, clock: systemClock, logger, cacheStats: () => cache.stats() })],
  });
  isLocalProvider = (provider) => daemon.router.providerType(provider) === 'ollama';
  // The analytics thread is up before the first client can ask it anything (a few ms).
  await store.ready();
  let bound: { port: number; url: string };
  try {
    bound = await daemon.listen(config.port, config.host);
  } catch (error) {
    await daemon.close(0);
    store.close();
    const code = (error as NodeJS.ErrnoException).code;
    logger.error(`Could not listen on ${config.host}:${config.port}: ${code ?? (error as Error).message}`);
    await log.shutdown();
    if (code === 'EADDRINUSE') throw new HostError(`Port ${config.port} is already in use`, 'EADDRINUSE');
    if (code === 'EACCES') throw new HostError(`Not allowed to listen on port ${config.port}`, 'EACCES');
    throw error;
  }
  logger.info(`CCO ${appVersion()} listening on ${bound.url} (pid ${process.pid}), upstream ${config.upstream}`);
  return {
    ...bound,
    logFile: files.logFile,
    async close(drainMs = 10_000) {
      logger.info('Stopping: draining requests under way');
      await daemon.close(drainMs);
      // After the drain, so the requests that finished during it are recorded too.
      store.close();
      logger.info('Stopped');
      await log.shutdown();
    },
  };
}
