import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { ConfigError, configFromEnv, resolveConfig, type DaemonConfig } from '../common/config.js';
import { daemonEnv } from '../common/daemon-process.js';
import { settingsConfigLayer } from '../common/settings.js';
import { readOrCreateToken } from '../common/token.js';
import { fetchHealth, stopDaemon } from '../common/daemon-client.js';
import { watchFile } from '../common/watch-file.js';
import { AppController } from './app-controller.js';
import { AppStateStore } from './app-state.js';
import { createAppLogger } from './app-log.js';
import { decideStart } from './attach.js';
import { hostInChild } from './daemon-child.js';
import { DaemonController } from './daemon-controller.js';
import { electronAppState } from './electron/app-state.js';
import { createElectronShell } from './electron/shell.js';
import { forkUtilityProcess } from './electron/utility-process.js';
import { registerIpc } from './electron/ipc.js';
import { ElectronWindows } from './electron/windows.js';
import { shimSource } from './install-shim.js';
import { checkUpstream, clearCache, fetchTodayStats } from './probes.js';
import { SettingsStore } from './settings-store.js';

const POLL_MS = 5000;
/** electron-builder.yml's appId: Windows shows notifications only for the installer's AppUserModelID. */
const APP_ID = 'dev.cco.orchestrator';

/** Where the app's own files are: dist/main/app/ → the package root (or app.asar when packaged). */
export function appRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

/** The composition root: real Electron, real daemon host, real files. */
export async function runApp(dataDir: string): Promise<void> {
  await app.whenReady();
  // A menu-bar app on macOS: no Dock icon.
  if (process.platform === 'darwin') app.dock?.hide();
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  const root = appRoot();
  const logger = createAppLogger(join(dataDir, 'logs', 'app.log'));
  logger.info(`CCO app ${app.getVersion()} starting (pid ${process.pid}, data ${dataDir})`);
  const settings = new SettingsStore(dataDir, logger);
  const appState = new AppStateStore(electronAppState(dataDir));
  const windows = new ElectronWindows({
    preload: join(root, 'dist', 'preload', 'index.cjs'),
    icon: join(root, 'assets', 'icon.png'),
    logger,
    appState,
  });
  const shell = createElectronShell({ assetsDir: join(root, 'assets'), windows });

  const config = (): DaemonConfig => {
    if (settings.error) throw new ConfigError(`${settings.file}: ${settings.error}`);
    const resolved = resolveConfig({ file: settingsConfigLayer(settings.settings), env: configFromEnv(process.env) });
    if (resolved.port === 0) throw new ConfigError('port must be a whole number from 1 to 65535, got 0');
    return resolved;
  };
  const daemon = new DaemonController({
    config,
    decide: (c) => decideStart(c),
    // In its own process, so that streaming and database work never stall the tray and windows.
    host: (c) => hostInChild({
      fork: forkUtilityProcess,
      entry: join(root, 'dist', 'main', 'daemon', 'host-entry.js'),
      env: daemonEnv(process.env, dataDir),
      config: c,
      dataDir,
      logger,
    }),
    stopExternal: async (c) => {
      await stopDaemon({ config: c, dataDir }, logger);
    },
    health: (url) => fetchHealth(url, 1000),
    stats: (url) => fetchTodayStats(url),
    upstream: (url) => checkUpstream(url),
    logger,
  });
  const controller = new AppController({
    shell,
    daemon,
    settings,
    appState,
    watchFile: (path, onChange) => {
      const watcher = watchFile(path, onChange, logger);
      return () => watcher.close();
    },
    token: readOrCreateToken(dataDir),
    logsDir: join(dataDir, 'logs'),
    home: homedir(),
    pathEnv: process.env.PATH ?? '',
    shimSource: shimSource({ packaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath(), platform: process.platform }),
    clearCache,
    logger,
  });
  registerIpc(controller.ipc, windows, logger);

  app.on('second-instance', () => {
    if (!windows.focusAny()) void controller.action('open-dashboard');
  });
  // Closing the last window keeps the app in the tray.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    // Cmd+Q, logout, an installer: drain the daemon first. controller.quit() ends with app.exit().
    event.preventDefault();
    void controller.quit();
  });
  setInterval(() => void daemon.refresh(), POLL_MS);
  await controller.start();
}
