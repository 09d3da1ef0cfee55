// The desktop app's preload bridge: what `window.cco` offers the dashboard when it runs inside
// the app. Types only. In a plain browser `window.cco` is undefined and the dashboard works
// without it (it reads the token from the URL fragment instead).

/** What the tray knows about the daemon, pushed to the window whenever it changes. */
export type BridgeDaemonState =
  | { kind: 'stopped' }
  | { kind: 'starting'; port: number }
  | { kind: 'running'; port: number; url: string; owner: 'app' | 'external'; pid: number | null }
  | { kind: 'stopping'; port: number }
  | { kind: 'error'; reason: string };

export interface BridgeDaemonInfo {
  /** Base URL of the daemon, e.g. http://127.0.0.1:3000; null while it is not running. */
  url: string | null;
  /** The per-install token the terminal and admin actions need. */
  token: string;
  state: BridgeDaemonState;
}

/**
 * The keys of settings.json the app edits (the same file and keys the `cco` command reads). Declared
 * in main/common/settings-schema.ts (`editable`); the build checks that this copy matches it.
 */
export interface BridgeSettings {
  port?: number;
  upstream?: string;
  cacheSize?: number;
  cacheTtlSeconds?: number;
  cacheMaxBytes?: number;
  workers?: number;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'off';
  startAtLogin?: boolean;
  openDashboardOnStart?: boolean;
}

export type BridgeSettingsResult =
  | { ok: true; settings: BridgeSettings; restartNeeded: Array<keyof BridgeSettings> }
  | { ok: false; error: string };

export type Unsubscribe = () => void;

/** One function per capability; no generic channel access. */
export interface CcoBridge {
  readonly version: 1;
  daemonInfo(): Promise<BridgeDaemonInfo>;
  startDaemon(): Promise<BridgeDaemonState>;
  stopDaemon(): Promise<BridgeDaemonState>;
  openLogs(): Promise<void>;
  /** A folder chosen in the OS dialog, or null when the user cancelled. */
  pickProjectFolder(): Promise<string | null>;
  getSettings(): Promise<BridgeSettings>;
  /** Validates and saves; `null` for a key removes it (back to the default). */
  setSettings(patch: { [K in keyof BridgeSettings]?: BridgeSettings[K] | null }): Promise<BridgeSettingsResult>;
  onDaemonState(listener: (state: BridgeDaemonState) => void): Unsubscribe;
  onSettingsChanged(listener: (settings: BridgeSettings) => void): Unsubscribe;
}

/** IPC channel names shared by preload and main; main refuses every other channel. */
export type BridgeInvokeChannel =
  | 'cco:daemon-info'
  | 'cco:daemon-start'
  | 'cco:daemon-stop'
  | 'cco:open-logs'
  | 'cco:pick-project'
  | 'cco:settings-get'
  | 'cco:settings-set';

export type BridgeEventChannel = 'cco:daemon-state' | 'cco:settings-changed';
