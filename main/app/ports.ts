// The narrow interface between the app's logic and Electron. main/app/electron/ implements it
// with the real API; tests implement it with recorders. Nothing here imports electron.
import type { DashboardPanel } from '../../shared/api.js';
import type { BridgeEventChannel, BridgeEvents } from '../../shared/bridge.js';
import type { HostRequest } from '../common/daemon-process.js';
import type { TrayIconState } from './daemon-state.js';
import type { MenuAction, TrayView } from './menu-model.js';

export interface TrayPort {
  /** Replaces icon, tooltip and menu; clicks come back as action ids. */
  render(icon: TrayIconState, view: TrayView, onAction: (action: MenuAction) => void): void;
}

export interface WindowsPort {
  /**
   * Shows the dashboard window on this URL, creating it or reusing and focusing the open one;
   * `panel`: scrolled to that panel (an element id of the page), also in the open one.
   */
  showDashboard(url: string, panel?: DashboardPanel): void;
  /** A new terminal window on this URL. */
  openTerminal(url: string): void;
  /** Shows the settings window on this URL, creating it or focusing the open one. */
  showSettings(url: string): void;
  /** The daemon moved to another origin (a new port): open pages reload there, the bridge follows. */
  followDaemon(origin: string): void;
  /** Sends an event to every window of the app. */
  broadcast<C extends BridgeEventChannel>(channel: C, payload: BridgeEvents[C]): void;
  closeAll(): void;
}

export interface DialogsPort {
  pickFolder(title: string): Promise<string | null>;
  /** Index of the button chosen. */
  ask(message: string, detail: string, buttons: readonly string[]): Promise<number>;
  inform(message: string, detail: string): Promise<void>;
}

export interface NotifierPort {
  notify(title: string, body: string): void;
}

export interface SystemPort {
  readonly platform: NodeJS.Platform;
  openPath(path: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  setStartAtLogin(enabled: boolean): void;
  /** Runs a shell command after the OS asked the user for an administrator's permission (macOS). */
  runElevated?(command: string): Promise<void>;
  readWindowsUserPath?(): Promise<string>;
  writeWindowsUserPath?(value: string): Promise<void>;
  quit(): void;
}

export interface Shell {
  tray: TrayPort;
  windows: WindowsPort;
  dialogs: DialogsPort;
  notifier: NotifierPort;
  system: SystemPort;
}

/**
 * A child process running the daemon's host entry (main/daemon/host-entry.js): Electron's
 * utilityProcess in the app, child_process.fork under plain Node.
 */
export interface DaemonChild {
  post(message: HostRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Once, when the process has ended: its exit code, or the signal that ended it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** What it wrote to stdout or stderr outside its logger (a crash's stack trace, say). */
  onOutput(listener: (chunk: Buffer | string) => void): void;
  kill(): void;
}

export type ForkDaemon = (entry: string, env: NodeJS.ProcessEnv) => DaemonChild;
