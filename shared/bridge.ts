// The desktop app's preload bridge: what `window.cco` offers the pages when they run inside the
// app, and nothing they do not use. Types only. In a plain browser `window.cco` is undefined and
// the dashboard works without it (it reads the token from the URL fragment instead); the settings
// page says it needs the app.

/** What the tray knows about the daemon. */
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

export const BRIDGE_LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'off'] as const;

/**
 * The keys of settings.json the app edits (the same file and keys the `cco` command reads). Declared
 * in main/common/settings-schema.ts (`editable`); the build fails when this copy and it disagree.
 */
export interface BridgeSettings {
  port?: number;
  host?: string;
  upstream?: string;
  upstreamTimeoutSeconds?: number;
  upstreamIdleTimeoutSeconds?: number;
  queueTimeoutSeconds?: number;
  drainTimeoutSeconds?: number;
  cacheSize?: number;
  cacheTtlSeconds?: number;
  cacheMaxBytes?: number;
  workers?: number;
  logLevel?: (typeof BRIDGE_LOG_LEVELS)[number];
  routingFile?: string;
  terminalIdleMinutes?: number;
  watchTranscripts?: boolean;
  startAtLogin?: boolean;
  openDashboardOnStart?: boolean;
}
export type BridgeSettingKey = keyof BridgeSettings;

/** A change from the page: text as typed (the schema parses it, as it parses flags); `null` resets a key. */
export type BridgeSettingsPatch = { [K in BridgeSettingKey]?: string | number | boolean | null };

/** How the page labels and explains a field: from the schema, so the CLI's --help and the window agree. */
export interface BridgeFieldInfo {
  label: string;
  help: string;
  /** The default as text (what an empty field means). */
  default: string;
  /** Changing it takes effect only when the daemon restarts. */
  needsRestart: boolean;
}

/** The routing file and what its validator says about it now. */
export interface BridgeRoutingStatus {
  path: string;
  exists: boolean;
  /** The validator's message (`file:LINE: field: problem`), or null when the file is valid or absent. */
  error: string | null;
}

/** Preferences of the app alone (kept by electron-store, not in settings.json). */
export interface BridgePrefs {
  /** Which notifications the app shows: all, only problems (a crash, settings that cannot be used), or none. */
  notifications: 'all' | 'problems' | 'off';
  /** The settings window's last open tab. */
  lastTab: 'daemon' | 'app';
  /** Ids of the banners the user closed. */
  dismissedBanners: string[];
}
export type BridgePrefsPatch = Partial<BridgePrefs>;

export interface BridgeSettingsView {
  settings: BridgeSettings;
  fields: { [K in BridgeSettingKey]-?: BridgeFieldInfo };
  /** Why settings.json cannot be used right now (then nothing can be saved until it is fixed), or null. */
  fileProblem: string | null;
  settingsFile: string;
  routing: BridgeRoutingStatus;
  prefs: BridgePrefs;
  daemon: BridgeDaemonState;
  /** Saved changes the running daemon has not picked up yet (it needs a restart). */
  pendingRestart: BridgeSettingKey[];
}

export type BridgeSaveResult =
  | { ok: true; view: BridgeSettingsView; restartNeeded: BridgeSettingKey[] }
  /** Nothing was saved. `fields` holds a message per field, naming it; `error` a problem with the file. */
  | { ok: false; fields: { [K in BridgeSettingKey]?: string }; error: string | null };

export type Unsubscribe = () => void;

/**
 * Every call: its channel, arguments and answer. The preload, the IPC validators (derived from
 * the settings schema in main/app/ipc-validate.ts) and the handlers are all typed from this table.
 */
export interface BridgeCalls {
  'cco:daemon-info': { args: []; result: BridgeDaemonInfo };
  'cco:settings-view': { args: []; result: BridgeSettingsView };
  'cco:settings-save': { args: [patch: BridgeSettingsPatch]; result: BridgeSaveResult };
  'cco:daemon-restart': { args: []; result: BridgeDaemonState };
  // biome-ignore lint/suspicious/noConfusingVoidType: the call answers nothing; handlers return Promise<void>
  'cco:routing-open': { args: []; result: void };
  'cco:prefs-set': { args: [patch: BridgePrefsPatch]; result: BridgePrefs };
}
export type BridgeInvokeChannel = keyof BridgeCalls;
export type BridgeArgs<C extends BridgeInvokeChannel> = BridgeCalls[C]['args'];
export type BridgeResult<C extends BridgeInvokeChannel> = BridgeCalls[C]['result'];

/** Events main sends to the pages: the settings view again whenever settings, routing file or daemon change. */
export interface BridgeEvents {
  'cco:settings-view': BridgeSettingsView;
}
export type BridgeEventChannel = keyof BridgeEvents;

/** One function per capability the pages use; no generic channel access. */
export interface CcoBridge {
  readonly version: 2;
  /** The dashboard and terminal: the token and the daemon's URL. */
  daemonInfo(): Promise<BridgeDaemonInfo>;
  /** The settings page: */
  settingsView(): Promise<BridgeSettingsView>;
  saveSettings(patch: BridgeSettingsPatch): Promise<BridgeSaveResult>;
  restartDaemon(): Promise<BridgeDaemonState>;
  /** Opens the routing file in the OS editor (creating an empty valid one first if there is none). */
  openRoutingFile(): Promise<void>;
  setPrefs(patch: BridgePrefsPatch): Promise<BridgePrefs>;
  onSettingsView(listener: (view: BridgeSettingsView) => void): Unsubscribe;
}
