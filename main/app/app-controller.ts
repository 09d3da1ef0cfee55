import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DashboardPanel } from '../../shared/api.js';
import type { BridgeDaemonInfo, BridgeSaveResult, BridgeSettingKey, BridgeSettingsView } from '../../shared/bridge.js';
import type { Logger } from '../common/logger.js';
import { SETTINGS } from '../common/settings-schema.js';
import { writeSettings, type Settings } from '../common/settings.js';
import type { AppStateStore } from './app-state.js';
import type { DaemonController } from './daemon-controller.js';
import { bridgeState, trayIconFor, type DaemonState } from './daemon-state.js';
import { addShimDirToWindowsPath, isWritableDir, linkShim, unixTarget, type ShimResult } from './install-shim.js';
import { IpcRouter } from './ipc-validate.js';
import { buildTrayView, type MenuAction } from './menu-model.js';
import { dashboardPageUrl, originOf, settingsPageUrl, terminalPageUrl } from './navigation.js';
import type { Shell } from './ports.js';
import { EMPTY_ROUTING_FILE, routingStatus } from './routing-status.js';
import { editableSettings, FieldErrors, fieldInfo, restartNeeded } from './settings-model.js';
import type { SettingsChange, SettingsStore } from './settings-store.js';

export interface AppControllerDeps {
  shell: Shell;
  daemon: DaemonController;
  settings: SettingsStore;
  /** The app's own state (electron-store): notification preferences, the settings window's tab. */
  appState: AppStateStore;
  /** Follows a file (the routing file) for changes; returns a function that stops following. */
  watchFile(path: string, onChange: () => void): () => void;
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
  /** The settings the running daemon started with, to tell which saved changes still need a restart. */
  private runningWith: Settings | null = null;
  private routingWatch: { path: string; stop: () => void } | null = null;
  private lastView = '';

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
    const { daemon, settings } = this.deps;
    daemon.onChange((state) => this.stateChanged(state));
    daemon.onProblem((problem) => this.notify('problem', problem.title, problem.body));
    settings.onChange((change) => void this.settingsChanged(change));
    const problem = settings.load();
    if (problem) this.notify('problem', 'CCO settings need fixing', problem);
    settings.watch();
    this.followRoutingFile();
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
        case 'open-budgets':
          this.openDashboard('budgets');
          return;
        case 'open-settings':
          this.openSettings();
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
      this.notify('problem', 'CCO', `${(error as Error).message}`);
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
      this.routingWatch?.stop();
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

  private openDashboard(panel?: DashboardPanel): void {
    const state = this.deps.daemon.state;
    if (state.kind !== 'running') return;
    this.deps.shell.windows.showDashboard(dashboardPageUrl(state.url, this.deps.token, '/', panel), panel);
  }

  private openSettings(): void {
    const state = this.deps.daemon.state;
    if (state.kind !== 'running') return;
    this.deps.shell.windows.showSettings(settingsPageUrl(state.url, this.deps.token));
  }

  /**
   * Notifications as the user chose in the settings window: all, problems only, or none. One
   * that is not shown is still logged, so nothing is lost.
   */
  private notify(kind: 'info' | 'problem', title: string, body: string): void {
    const choice = this.deps.appState.get('notifications');
    if (choice === 'all' || (choice === 'problems' && kind === 'problem')) this.deps.shell.notifier.notify(title, body);
    else this.deps.logger.info(`Notification not shown (notifications: ${choice}): ${title}: ${body}`);
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
      this.notify('info', 'CCO cache cleared', `${cleared} cached ${cleared === 1 ? 'response' : 'responses'} removed`);
    } catch (error) {
      this.notify('problem', 'CCO could not clear the cache', (error as Error).message);
    }
  }

  private stateChanged(state: DaemonState): void {
    if (state.kind === 'running') {
      const origin = originOf(state.url);
      const moved = this.lastOrigin !== null && this.lastOrigin !== origin;
      this.lastOrigin = origin;
      // A daemon the app started reads the settings of that moment; one started by `cco` is unknown.
      if (this.runningWith === null) this.runningWith = state.owner === 'app' ? this.deps.settings.settings : null;
      // A new port: the open windows follow the daemon there.
      if (moved) this.deps.shell.windows.followDaemon(origin);
    } else if (state.kind !== 'stopping') {
      this.runningWith = null;
    }
    this.notifyNewAlert(state);
    this.render();
    const visible = bridgeState(state);
    const key = JSON.stringify(visible);
    if (key === this.lastBridgeState) return;
    this.lastBridgeState = key;
    this.pushView();
  }

  /** Saved daemon settings the running daemon has not picked up yet. */
  private pendingRestart(): BridgeSettingKey[] {
    if (this.runningWith === null || this.deps.daemon.state.kind !== 'running') return [];
    const editable = new Set<string>(Object.keys(fieldInfo()));
    const changed = restartNeeded(this.runningWith, this.deps.settings.settings);
    return changed.filter((k): k is BridgeSettingKey => editable.has(k));
  }

  private settingsView(): BridgeSettingsView {
    const { settings, appState } = this.deps;
    const current = settings.settings;
    const upstream = current.upstream ?? (SETTINGS.upstream.default() as string);
    return {
      settings: editableSettings(current),
      fields: fieldInfo(),
      fileProblem: settings.error,
      settingsFile: settings.file,
      routing: routingStatus(dirname(settings.file), current.routingFile, upstream),
      prefs: appState.prefs(),
      daemon: bridgeState(this.deps.daemon.state),
      pendingRestart: this.pendingRestart(),
    };
  }

  /** Sends the settings view to the open pages when it changed (settings, routing file, daemon). */
  private pushView(): void {
    const view = this.settingsView();
    const key = JSON.stringify(view);
    if (key === this.lastView) return;
    this.lastView = key;
    this.deps.shell.windows.broadcast('cco:settings-view', view);
  }

  /** Watches the routing file the settings name, so its validation shows live in the window. */
  private followRoutingFile(): void {
    const path = routingStatus(dirname(this.deps.settings.file), this.deps.settings.settings.routingFile, '').path;
    if (this.routingWatch?.path === path) return;
    this.routingWatch?.stop();
    this.routingWatch = { path, stop: this.deps.watchFile(path, () => this.pushView()) };
  }

  private async openRoutingFile(): Promise<void> {
    const { settings } = this.deps;
    const { path, exists } = routingStatus(dirname(settings.file), settings.settings.routingFile, '');
    if (!exists) writeFileSync(path, EMPTY_ROUTING_FILE, { mode: 0o600, flag: 'wx' });
    await this.deps.shell.system.openPath(path);
  }

  private async restartDaemon() {
    const state = await this.deps.daemon.restart();
    return bridgeState(state);
  }

  /** A desktop notification for each budget alert raised while the app watches (not for old ones at start). */
  private notifyNewAlert(state: DaemonState): void {
    if (state.kind !== 'running' || !state.stats) return;
    const id = state.stats.latestAlert?.id ?? '';
    if (this.lastAlertId !== null && id !== '' && id !== this.lastAlertId) {
      this.notify('problem', 'CCO budget alert', state.stats.latestAlert!.message);
    }
    this.lastAlertId = id;
  }

  private async settingsChanged(change: SettingsChange): Promise<void> {
    this.applyLoginItem();
    this.render();
    this.followRoutingFile();
    this.pushView();
    // A change from the settings window: the window itself offers the restart.
    if (change.fromWindow) return;
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
      this.notify('problem', 'CCO could not change Start at Login', (error as Error).message);
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

  private saveSettings(patch: unknown): BridgeSaveResult {
    try {
      const change = this.deps.settings.update(patch, { fromWindow: true });
      const editable = new Set<string>(Object.keys(fieldInfo()));
      const needed = change.restartNeeded.filter((k): k is BridgeSettingKey => editable.has(k));
      return { ok: true, view: this.settingsView(), restartNeeded: needed };
    } catch (error) {
      if (error instanceof FieldErrors) return { ok: false, fields: error.fields, error: null };
      return { ok: false, fields: {}, error: (error as Error).message };
    }
  }

  /** The bridge: exactly the calls the pages make (shared/bridge.ts), each checked by ipc-validate.ts first. */
  private createIpc(): IpcRouter {
    return new IpcRouter(() => this.daemonOrigin())
      .handle('cco:daemon-info', () => this.info())
      .handle('cco:settings-view', () => this.settingsView())
      .handle('cco:settings-save', ([patch]) => this.saveSettings(patch))
      .handle('cco:daemon-restart', () => this.restartDaemon())
      .handle('cco:routing-open', () => this.openRoutingFile())
      .handle('cco:prefs-set', ([patch]) => {
        const prefs = this.deps.appState.setPrefs(patch);
        this.pushView();
        return prefs;
      });
  }
}
