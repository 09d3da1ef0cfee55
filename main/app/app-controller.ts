import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BridgeDaemonInfo, BridgeSettings, BridgeSettingsResult } from '../../shared/bridge.js';
import type { Logger } from '../common/logger.js';
import { writeSettings } from '../common/settings.js';
import type { DaemonController } from './daemon-controller.js';
import { bridgeState, trayIconFor, type DaemonState } from './daemon-state.js';
import { addShimDirToWindowsPath, isWritableDir, linkShim, unixTarget, type ShimResult } from './install-shim.js';
import { IpcRouter } from './ipc-validate.js';
import { buildTrayView, type MenuAction } from './menu-model.js';
import { dashboardPageUrl, originOf, terminalPageUrl } from './navigation.js';
import type { Shell } from './ports.js';
import type { SettingsChange, SettingsStore } from './settings-store.js';

export interface AppControllerDeps {
  shell: Shell;
  daemon: DaemonController;
  settings: SettingsStore;
  token: string;
  logsDir: string;
  home: string;
  pathEnv: string;
  /** The `cco` launcher to put on PATH (see shimSource). */
  shimSource: string;
  clearCache(url: string, token: string): Promise<number>;
  logger: Logger;
}

/**
 * The desktop app's behaviour, with Electron behind `Shell`: the tray follows the daemon's state,
 * menu actions and bridge calls land here, problems become notifications.
 */
export class AppController {
  readonly ipc: IpcRouter;
  private lastBridgeState = '';
  private lastOrigin: string | null = null;
  private quitting = false;
  /** What the tray shows now: it is rebuilt only when this changes (an open menu would close). */
  private shownTray = '';
  private appliedLoginItem: boolean | null = null;
  /** The newest alert already seen; null until the first reading. */
  private lastAlertId: string | null = null;

  constructor(private readonly deps: AppControllerDeps) {
    this.ipc = this.createIpc();
  }

  /**
   * The origin of the daemon the app last ran or attached to: the only origin whose pages may use
   * the bridge. Kept while it is stopped, so the open dashboard can still ask to start it.
   */
  daemonOrigin(): string | null {
    const state = this.deps.daemon.state;
    if (state.kind === 'running') this.lastOrigin = originOf(state.url);
    return this.lastOrigin;
  }

  async start(): Promise<DaemonState> {
    const { daemon, settings, shell } = this.deps;
    daemon.onChange((state) => this.stateChanged(state));
    daemon.onProblem((problem) => shell.notifier.notify(problem.title, problem.body));
    settings.onChange((change) => void this.settingsChanged(change));
    const problem = settings.load();
    if (problem) shell.notifier.notify('CCO settings need fixing', problem);
    settings.watch();
    this.applyLoginItem();
    this.render();
    const state = await daemon.start();
    if (state.kind === 'running' && settings.settings.openDashboardOnStart) this.openDashboard();
    return state;
  }

  async action(action: MenuAction): Promise<void> {
    const { daemon, shell, settings } = this.deps;
    try {
      switch (action) {
        case 'start':
          await daemon.start();
          return;
        case 'stop':
          await daemon.stop();
          return;
        case 'open-dashboard':
          this.openDashboard();
          return;
        case 'new-terminal':
          await this.newTerminal();
          return;
        case 'clear-cache':
          await this.clearCache();
          return;
        case 'toggle-start-at-login':
          settings.update({ startAtLogin: !settings.settings.startAtLogin });
          return;
        case 'toggle-open-dashboard-on-start':
          settings.update({ openDashboardOnStart: !settings.settings.openDashboardOnStart });
          return;
        case 'edit-settings-file':
          if (!existsSync(settings.file)) writeSettings(dirname(settings.file), settings.settings);
          await shell.system.openPath(settings.file);
          return;
        case 'install-cli': {
          const result = await this.installCli();
          await shell.dialogs.inform(result.message, result.undo);
          return;
        }
        case 'open-logs':
          await shell.system.openPath(this.deps.logsDir);
          return;
        case 'quit':
          await this.quit();
          return;
      }
    } catch (error) {
      this.deps.logger.error(`Menu action ${action} failed: ${(error as Error).stack ?? String(error)}`);
      shell.notifier.notify('CCO', `${(error as Error).message}`);
    }
  }

  /** Quit: drains and stops a daemon the app hosts (one started by `cco` keeps running), then exits. */
  async quit(): Promise<void> {
    if (this.quitting) return;
    this.quitting = true;
    try {
      this.deps.shell.windows.closeAll();
      await this.deps.daemon.shutdown();
    } catch (error) {
      this.deps.logger.error(`Quitting: ${(error as Error).stack ?? String(error)}`);
    } finally {
      this.deps.settings.close();
      this.deps.shell.system.quit(); // whatever went wrong, Quit quits
    }
  }

  installCli(): Promise<ShimResult> {
    const { system } = this.deps.shell;
    if (system.platform === 'win32') {
      if (!system.readWindowsUserPath || !system.writeWindowsUserPath) {
        return Promise.resolve({ ok: false, message: 'Changing PATH is not available here', undo: '' });
      }
      return addShimDirToWindowsPath({
        shimDir: dirname(this.deps.shimSource),
        readUserPath: system.readWindowsUserPath,
        writeUserPath: system.writeWindowsUserPath,
      });
    }
    const target = unixTarget({ platform: system.platform, home: this.deps.home, writable: isWritableDir });
    return linkShim({
      source: this.deps.shimSource,
      target,
      pathEnv: this.deps.pathEnv,
      ...(system.runElevated ? { runElevated: (command: string) => system.runElevated!(command) } : {}),
    });
  }

  private openDashboard(): void {
    const state = this.deps.daemon.state;
    if (state.kind !== 'running') return;
    this.deps.shell.windows.showDashboard(dashboardPageUrl(state.url, this.deps.token));
  }

  private async newTerminal(): Promise<void> {
    const folder = await this.deps.shell.dialogs.pickFolder('Choose the project folder for Claude Code');
    const state = this.deps.daemon.state;
    if (folder === null || state.kind !== 'running') return;
    this.deps.shell.windows.openTerminal(terminalPageUrl(state.url, this.deps.token, folder));
  }

  private async clearCache(): Promise<void> {
    const state = this.deps.daemon.state;
    if (state.kind !== 'running') return;
    try {
      const cleared = await this.deps.clearCache(state.url, this.deps.token);
      this.deps.shell.notifier.notify('CCO cache cleared', `${cleared} cached ${cleared === 1 ? 'response' : 'responses'} removed`);
    } catch (error) {
      this.deps.shell.notifier.notify('CCO could not clear the cache', (error as Error).message);
    }
  }

  private stateChanged(state: DaemonState): void {
    if (state.kind === 'running') this.lastOrigin = originOf(state.url);
    this.notifyNewAlert(state);
    this.render();
    const visible = bridgeState(state);
    const key = JSON.stringify(visible);
    if (key === this.lastBridgeState) return;
    this.lastBridgeState = key;
    this.deps.shell.windows.broadcast('cco:daemon-state', visible);
  }

  /** A desktop notification for each budget alert raised while the app watches (not for old ones at start). */
  private notifyNewAlert(state: DaemonState): void {
    if (state.kind !== 'running' || !state.stats) return;
    const id = state.stats.latestAlert?.id ?? '';
    if (this.lastAlertId !== null && id !== '' && id !== this.lastAlertId) {
      this.deps.shell.notifier.notify('CCO budget alert', state.stats.latestAlert!.message);
    }
    this.lastAlertId = id;
  }

  private async settingsChanged(change: SettingsChange): Promise<void> {
    this.applyLoginItem();
    this.render();
    this.deps.shell.windows.broadcast('cco:settings-changed', change.settings);
    if (change.restartNeeded.length === 0 || this.deps.daemon.state.kind !== 'running') return;
    const choice = await this.deps.shell.dialogs.ask(
      'Restart the CCO daemon to apply the new settings?',
      `Changed: ${change.restartNeeded.join(', ')}. Requests under way finish first.`,
      ['Restart Now', 'Later'],
    );
    if (choice === 0) await this.deps.daemon.restart();
  }

  private applyLoginItem(): void {
    if (this.deps.settings.error) return;
    const enabled = this.deps.settings.settings.startAtLogin === true;
    if (enabled === this.appliedLoginItem) return;
    this.appliedLoginItem = enabled;
    try {
      this.deps.shell.system.setStartAtLogin(enabled);
    } catch (error) {
      this.deps.logger.warn(`Start at Login: ${(error as Error).message}`);
      this.deps.shell.notifier.notify('CCO could not change Start at Login', (error as Error).message);
    }
  }

  private render(): void {
    const state = this.deps.daemon.state;
    const s = this.deps.settings.settings;
    const view = buildTrayView(state, {
      startAtLogin: s.startAtLogin === true,
      openDashboardOnStart: s.openDashboardOnStart === true,
      settingsProblem: this.deps.settings.error,
    });
    const icon = trayIconFor(state);
    const key = JSON.stringify([icon, view]);
    if (key === this.shownTray) return;
    this.shownTray = key;
    this.deps.shell.tray.render(icon, view, (action) => void this.action(action));
  }

  private info(): BridgeDaemonInfo {
    const state = this.deps.daemon.state;
    return { url: state.kind === 'running' ? state.url : null, token: this.deps.token, state: bridgeState(state) };
  }

  private setSettings(patch: unknown): BridgeSettingsResult {
    try {
      const change = this.deps.settings.update(patch);
      return { ok: true, settings: change.settings as BridgeSettings, restartNeeded: change.restartNeeded as Array<keyof BridgeSettings> };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  private createIpc(): IpcRouter {
    const { daemon, shell, settings } = this.deps;
    return new IpcRouter(() => this.daemonOrigin())
      .handle('cco:daemon-info', () => this.info())
      .handle('cco:daemon-start', async () => bridgeState(await daemon.start()))
      .handle('cco:daemon-stop', async () => bridgeState(await daemon.stop()))
      .handle('cco:open-logs', () => shell.system.openPath(this.deps.logsDir))
      .handle('cco:pick-project', () => shell.dialogs.pickFolder('Choose the project folder for Claude Code'))
      .handle('cco:settings-get', () => settings.settings as BridgeSettings)
      .handle('cco:settings-set', ([patch]) => this.setSettings(patch));
  }
}
