import { accessSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DaemonConfig } from '../common/config.js';
import { dataDirId } from '../common/data-dir-id.js';
import type { Logger } from '../common/logger.js';
import { instanceFiles, routingFile } from '../common/paths.js';
import { ensurePrivateDir, makeDataDirPrivate } from '../common/private-fs.js';
import { readOrCreateToken } from '../common/token.js';
import { appVersion } from '../common/version.js';
import { createDaemon } from './app.js';
import { createLogger } from './log.js';
import { withFreeLocalProviders } from './pricing/local.js';
import { loadPriceTable } from './pricing/load.js';
import { createPricer } from './pricing/pricer.js';
import { quotaFile } from './quota/read.js';
import { quotaRouter } from './quota/route.js';
import { QuotaService } from './quota/service.js';
import { openTeamLedger, type LedgerTimings, type TeamLedger } from './ledger/ledger.js';
import { DaemonMetrics } from './metrics/metrics.js';
import { metricsRouter } from './routes/metrics.js';
import { createStatsRouter } from './routes/stats.js';
import { teamRouter } from './routes/team.js';
import { AlertCenter } from './budgets/alerts.js';
import { alertsFilePath, budgetsFilePath } from './budgets/file.js';
import { BudgetService } from './budgets/service.js';
import { storeSpendSource } from './budgets/store-spend.js';
import { TeamSpendSource } from './budgets/team-spend.js';
import { teamProjectName } from './ledger/project-name.js';
import { createBudgetsRouter } from './routes/budgets.js';
import { createStatuslineRouter } from './routes/statusline.js';
import { defaultUiDir } from './routes/ui.js';
import { terminalEndpoint } from './terminal/endpoint.js';
import { systemClock } from './usage/clock.js';
import { UsageDatabaseError } from './usage/schema.js';
import { openUsageStore, type UsageStore } from './usage/store.js';
import { errorMessage } from '../common/format.js';
import { transcriptsRouter } from './routes/transcripts.js';
import { transcriptBilling } from './transcripts/billing.js';
import { JsonCursorStore } from './transcripts/cursor-store.js';
import { claudeConfigDir } from './transcripts/layout.js';
import { storeSink } from './transcripts/store-sink.js';
import { TranscriptWatcher } from './transcripts/watch.js';

/** A daemon bound to a port, as a host (the CLI's `daemon start --foreground`, the desktop app) owns it. */
export interface RunningDaemon {
  url: string;
  port: number;
  logFile: string;
  /**
   * Stops accepting, drains in-flight requests for at most `drainMs` (default: the config's
   * drainTimeoutSeconds), flushes records, closes.
   */
  close(drainMs?: number): Promise<void>;
}

export interface HostOptions {
  config: DaemonConfig;
  dataDir: string;
  /** Also log to the console (foreground mode). The rolling log file is always written. */
  console: boolean;
  /** How fast the team ledger ships and retries (tests); the defaults suit real use. */
  ledgerTimings?: LedgerTimings;
  /** How often team budgets read the team's spend from the ledger (tests); default 5 s. */
  teamBudgetRefreshMs?: number;
  /** Test seam: every analytics read takes at least this long (on the reader's thread). */
  usageReaderDelayMs?: number;
  /** Claude Code's configuration directory the transcript watcher reads (default: $CLAUDE_CONFIG_DIR or ~/.claude). */
  claudeDir?: string;
}

export class HostError extends Error {
  override name = 'HostError';
  constructor(message: string, readonly code: 'EADDRINUSE' | 'EACCES' | 'DATA_DIR' | 'DATABASE') {
    super(message);
  }
}

function ensureWritableDir(dir: string): void {
  try {
    ensurePrivateDir(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new HostError(
      `Data directory ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}). ` +
        `Fix its permissions (chown -R "$USER" "${dir}") or choose another with CCO_HOME.`,
      'DATA_DIR',
    );
  }
}

/** Builds and binds the daemon for one instance: logging, cache, proxy; stops cleanly on close. */
export async function runDaemonHost(options: HostOptions): Promise<RunningDaemon> {
  const { config, dataDir } = options;
  ensureWritableDir(dataDir);
  makeDataDirPrivate(dataDir); // what an older CCO left readable to others
  const files = instanceFiles(dataDir, config.port);
  ensureWritableDir(dirname(files.logFile));
  const log = createLogger({ file: files.logFile, level: config.logLevel, console: options.console });
  const logger = log.logger;
  let store: UsageStore;
  let metrics: DaemonMetrics;
  // Set once the daemon (and its router) exists; records are priced only after that.
  let isLocalProvider: (provider: string) => boolean = () => false;
  try {
    const table = loadPriceTable(join(dataDir, 'pricing.json'), logger);
    const pricer = withFreeLocalProviders(createPricer(table, logger), table, (p) => isLocalProvider(p));
    let lastTenth = -1;
    store = openUsageStore({
      file: files.database, pricer, priceTable: table, clock: systemClock, logger, writer: 'thread',
      readerDelayMs: options.usageReaderDelayMs,
      // An older file is upgraded while the daemon serves: Claude Code never waits for it.
      upgradeInBackground: true,
      // A one-time upgrade of an older file: a line every 10 %, so a long one is visibly moving.
      onUpgradeProgress: (done, total) => {
        const tenth = Math.floor((done / total) * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        logger.info(`Upgrading the usage database: ${tenth * 10} % (${done} of ${total} requests added to the roll-ups)`);
      },
    });
    metrics = new DaemonMetrics({ pricer, priceTable: table, clock: systemClock });
  } catch (error) {
    logger.error(errorMessage(error));
    await log.shutdown();
    if (error instanceof UsageDatabaseError) throw new HostError(error.message, 'DATABASE');
    throw error;
  }
  // Per instance, like the usage database; private, as it is keyed by credential fingerprints.
  const quota = new QuotaService({ file: quotaFile(dataDir, config.port), logger, now: systemClock.now });
  metrics.registerPlanUtilization(() => quota.windows().map(({ window, utilization }) => ({ label: window, ratio: utilization })));
  const ledger = openLedger(options, files.database, logger);
  const webhook = () => config.alertWebhook || budgets.alertWebhook;
  const alerts = new AlertCenter({
    file: alertsFilePath(dataDir, config.port),
    clock: systemClock,
    logger,
    // The daemon's setting (--alert-webhook, CCO_ALERT_WEBHOOK, settings.json) wins over `cco budget webhook`.
    webhook,
  });
  const spend = storeSpendSource(store);
  const teamSpend = ledger ? teamSpendSource(ledger, logger, options.teamBudgetRefreshMs) : undefined;
  const budgets = new BudgetService({
    file: budgetsFilePath(dataDir),
    spend,
    ...(teamSpend ? { teamSpend } : {}),
    quota,
    clock: systemClock,
    logger,
    alerts,
  });
  metrics.registerBudgetRatios(() =>
    budgets.statuses().flatMap((s) => (s.percent === null ? [] : [{ label: s.budget.id, ratio: s.percent / 100 }])),
  );
  const daemon = createDaemon({
    config,
    logger,
    recorder: metrics.recorder(store),
    quota,
    uiDir: defaultUiDir(),
    token: readOrCreateToken(dataDir),
    dataDirId: dataDirId(dataDir),
    routingFile: routingFile(dataDir, config.routingFile),
    upgrades: [
      terminalEndpoint({
        env: process.env,
        version: appVersion(),
        limits: { detachedTtlMs: config.terminalIdleMinutes * 60_000 },
      }),
    ],
    admit: (request) => budgets.admit(request),
    routers: [
      ({ cache }) =>
        createStatsRouter({ store, clock: systemClock, logger, cacheStats: () => cache.stats(), quota, alerts }),
      () => quotaRouter(quota, systemClock.now),
      (proxy) => {
        metrics.bindProxy(proxy);
        return metricsRouter(metrics);
      },
      () => teamRouter({ ledger, now: systemClock.now }),
      () => createBudgetsRouter({ budgets, alerts, webhook }),
      () => createStatuslineRouter({ store, spend, budgets, quota, clock: systemClock }),
      () => transcriptsRouter(store, systemClock.now),
    ],
  });
  isLocalProvider = (provider) => daemon.router.providerType(provider) === 'ollama';
  // The analytics thread is up before the first client can ask it anything (a few ms).
  await store.ready();
  metrics.seedProjects(await busiestProjects(store));
  let bound: { port: number; url: string };
  try {
    bound = await daemon.listen(config.port, config.host);
  } catch (error) {
    budgets.close();
    teamSpend?.close();
    await daemon.close(0);
    metrics.close();
    store.close();
    await ledger?.close();
    const code = (error as NodeJS.ErrnoException).code;
    logger.error(`Could not listen on ${config.host}:${config.port}: ${code ?? errorMessage(error)}`);
    await log.shutdown();
    if (code === 'EADDRINUSE') throw new HostError(`Port ${config.port} is already in use`, 'EADDRINUSE');
    if (code === 'EACCES') throw new HostError(`Not allowed to listen on port ${config.port}`, 'EACCES');
    throw error;
  }
  budgets.start();
  teamSpend?.start();
  const transcripts = config.watchTranscripts ? watchTranscripts(options, store, files.transcriptCursors, logger) : null;
  logger.info(`CCO ${appVersion()} listening on ${bound.url} (pid ${process.pid}), upstream ${config.upstream}`);
  return {
    ...bound,
    logFile: files.logFile,
    async close(drainMs?: number) {
      logger.info('Stopping: draining requests under way');
      budgets.close();
      teamSpend?.close();
      // Before the store closes: an import under way finishes its batch and saves its cursors.
      await transcripts?.stop();
      await daemon.close(drainMs);
      metrics.close();
      // After the drain, so the requests that finished during it are recorded too.
      store.close();
      quota.flush();
      // After the store, so its last rows are committed and get their chance to ship.
      await ledger?.close();
      logger.info('Stopped');
      await log.shutdown();
    },
  };
}

/**
 * Imports Claude Code's transcripts as they are written. Reading and parsing run here, streamed a
 * chunk at a time between the proxy's work (cheap); pricing is a few microseconds a row, and the
 * rows are committed on the usage writer thread, like the proxy's own.
 */
function watchTranscripts(options: HostOptions, store: UsageStore, cursorsFile: string, logger: Logger): TranscriptWatcher {
  const claudeDir = options.claudeDir ?? claudeConfigDir(process.env);
  const watcher = new TranscriptWatcher({
    claudeDir,
    sink: storeSink(store, transcriptBilling(claudeDir), systemClock.now),
    cursors: new JsonCursorStore(cursorsFile, (message) => logger.warn(message)),
    now: systemClock.now,
    logger,
    onImported: (result) => {
      const { records, bad, unknown } = result.counts;
      const skipped = bad + unknown > 0 ? ` (skipped ${bad} bad and ${unknown} unknown lines)` : '';
      logger.info(`Transcripts: imported ${records} responses${skipped}`);
    },
  });
  watcher.start();
  return watcher;
}

/** The projects that keep their own `project` label on `/metrics` across restarts: the costliest of 30 days. */
async function busiestProjects(store: UsageStore): Promise<string[]> {
  try {
    return (await store.projects('30d')).map((p) => p.project);
  } catch {
    return []; // Only the label order is lost: new projects are admitted as they come.
  }
}

/** Team budgets' view of the ledger: the team's spend, read every few seconds off the request path. */
function teamSpendSource(ledger: TeamLedger, logger: Logger, refreshMs: number | undefined): TeamSpendSource {
  return new TeamSpendSource({
    read: ({ from, to }) => ledger.spendRows(from, to),
    clock: systemClock,
    logger,
    projectName: (path) => teamProjectName(path, ledger.projectNames),
    fullPaths: ledger.projectNames === 'full',
    ...(refreshMs === undefined ? {} : { refreshMs }),
  });
}

/** The team ledger when one is configured; a local problem with it is logged, never fatal to the proxy. */
function openLedger(options: HostOptions, usageFile: string, logger: Logger): TeamLedger | null {
  try {
    return openTeamLedger(options.config, usageFile, logger, options.ledgerTimings);
  } catch (error) {
    logger.error(`Team ledger disabled: cannot keep its cursor in ${usageFile}: ${errorMessage(error)}`);
    return null;
  }
}
