// A stand-in for the `electron` module, so the app's real entry point (dist/main/app/main.js) and
// its Electron adapter can run under plain Node. It behaves like Electron where the app depends
// on it (events are checked against Electron's own typings; 'ready' comes only after the entry
// module has finished loading, as Electron does for an ESM entry) and reports what the app did,
// one JSON line per thing on stdout, for test/app/electron-adapter.test.ts to read.
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsOf } from './typings.js';

export function report(type: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ type, ...data })}\n`);
}

/** An EventEmitter that throws on an event Electron does not have: a typo would otherwise never fire. */
class Checked extends EventEmitter {
  constructor(private readonly kind: string, private readonly known: Set<string>) {
    super();
  }
  // biome-ignore lint/suspicious/noExplicitAny: the same listener type as EventEmitter.on, which this overrides
  override on(name: string | symbol, listener: (...args: any[]) => void): this {
    if (typeof name === 'string' && !this.known.has(name)) throw new Error(`Electron's ${this.kind} has no '${name}' event`);
    return super.on(name, listener);
  }
}

function preventable(url?: string) {
  const event = { defaultPrevented: false, url, preventDefault: () => {
    event.defaultPrevented = true;
  } };
  return event;
}

let markReady: () => void = () => {};
const ready = new Promise<void>((resolve) => {
  markReady = resolve;
});
let isReady = false;

class FakeApp extends Checked {
  readonly dock = process.platform === 'darwin' ? { hide: () => report('dock-hide') } : undefined;
  readonly isPackaged = false;
  constructor() {
    super('App', eventsOf('App'));
  }
  requestSingleInstanceLock(): boolean {
    return process.env.FAKE_ELECTRON_LOCK !== 'taken';
  }
  whenReady(): Promise<void> {
    return ready;
  }
  isReady(): boolean {
    return isReady;
  }
  getVersion(): string {
    return '0.0.0-fake';
  }
  /** electron-store asks for userData (the app passes its data directory as `cwd`, so it is only a fallback). */
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`the stand-in has no path '${name}'`);
    return process.env.FAKE_ELECTRON_USER_DATA ?? join(tmpdir(), 'cco-fake-electron-user-data');
  }
  getAppPath(): string {
    return process.env.FAKE_ELECTRON_APP_PATH ?? process.cwd();
  }
  setAppUserModelId(id: string): void {
    report('app-user-model-id', { id });
  }
  setLoginItemSettings(settings: object): void {
    report('login-item', { settings });
  }
  focus(options?: object): void {
    report('app-focus', { options });
  }
  quit(): void {
    const event = preventable();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exit(0);
  }
  exit(code = 0): void {
    report('exit', { code });
    process.exit(code);
  }
}

export const app = new FakeApp();

/** Called by the boot script once the entry module has finished evaluating, as Electron does. */
export function emitReady(): void {
  isReady = true;
  app.emit('ready');
  markReady();
}

export const dialog = {
  showErrorBox: (title: string, content: string) => report('error-box', { title, content }),
  showMessageBox: async (options: { message: string }) => {
    report('message-box', { message: options.message });
    return { response: Number(process.env.FAKE_ELECTRON_ANSWER ?? 1), checkboxChecked: false };
  },
  showOpenDialog: async () => ({ canceled: true, filePaths: [] as string[] }),
};

type Template = Array<{ label?: string; submenu?: Template; click?: () => void; enabled?: boolean; type?: string }>;
let lastMenu: Template = [];

export const Menu = {
  buildFromTemplate: (template: Template) => ({ template }),
};

function flat(template: Template): Template {
  return template.flatMap((item) => [item, ...(item.submenu ? flat(item.submenu) : [])]);
}

/** Clicks the tray menu item with this label, as a user would. */
export function clickMenu(label: string): void {
  const item = flat(lastMenu).find((i) => i.label === label);
  if (!item?.click) throw new Error(`no clickable menu item "${label}"`);
  item.click();
}

export const nativeImage = {
  createFromPath: (path: string) => ({ path, isEmpty: () => !existsSync(path), setTemplateImage: () => {} }),
};

export class Notification {
  static isSupported(): boolean {
    return true;
  }
  constructor(private readonly options: { title: string; body: string }) {}
  show(): void {
    report('notification', this.options);
  }
}

export const shell = {
  openExternal: async (url: string) => report('open-external', { url }),
  openPath: async (path: string) => {
    report('open-path', { path });
    return '';
  },
};

type Image = { path: string; isEmpty(): boolean };

export class Tray extends Checked {
  constructor(image: Image) {
    super('Tray', eventsOf('Tray'));
    report('tray', { icon: image.path, empty: image.isEmpty() });
  }
  setImage(image: Image): void {
    report('tray-image', { icon: image.path, empty: image.isEmpty() });
  }
  setToolTip(tooltip: string): void {
    report('tray-tooltip', { tooltip });
  }
  setContextMenu(menu: { template: Template }): void {
    lastMenu = menu.template;
    report('tray-menu', { labels: flat(menu.template).map((i) => i.label ?? '-') });
  }
  popUpContextMenu(): void {
    report('tray-popup');
  }
}

type PermissionHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
export const session = {
  defaultSession: {
    permissionRequest: null as PermissionHandler | null,
    permissionCheck: null as ((...args: unknown[]) => boolean) | null,
    setPermissionRequestHandler(handler: PermissionHandler) {
      this.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      this.permissionCheck = handler;
    },
  },
};

export class WebContents extends Checked {
  url = '';
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly session = session.defaultSession;
  readonly mainFrame = { parent: null, get url() { return ''; } };
  constructor(readonly owner: BrowserWindow) {
    super('WebContents', eventsOf('WebContents'));
    const contents = this;
    this.mainFrame = { parent: null, get url() { return contents.url; } };
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.openHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  send(channel: string, payload: unknown): void {
    report('send', { channel, payload });
  }
  /** A page-initiated navigation: returns whether the app let it happen. */
  navigate(url: string): boolean {
    const event = preventable(url);
    this.emit('will-navigate', event, url);
    if (!event.defaultPrevented) this.url = url;
    return !event.defaultPrevented;
  }
}

const windows = new Set<BrowserWindow>();

export class BrowserWindow extends Checked {
  readonly webContents: WebContents;
  private destroyed = false;
  constructor(readonly options: { webPreferences?: { preload?: string } & Record<string, unknown> } & Record<string, unknown>) {
    super('BrowserWindow', eventsOf('BrowserWindow', 'BaseWindow'));
    this.webContents = new WebContents(this);
    this.bounds = { x: Number(options.x ?? 40), y: Number(options.y ?? 30), width: Number(options.width), height: Number(options.height) };
    windows.add(this);
    const preload = options.webPreferences?.preload;
    report('window', { options, preloadExists: preload ? existsSync(preload) : false });
  }
  static fromWebContents(contents: WebContents): BrowserWindow | null {
    return contents.owner ?? null;
  }
  static getAllWindows(): BrowserWindow[] {
    return [...windows];
  }
  async loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    report('load', { url });
    setImmediate(() => this.emit('ready-to-show'));
  }
  show(): void {
    report('window-show');
  }
  focus(): void {}
  isMinimized(): boolean {
    return false;
  }
  isFullScreen(): boolean {
    return false;
  }
  /** Where the user left it: the test moves windows with the 'close-window' command. */
  bounds = { x: 40, y: 30, width: 800, height: 600 };
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { ...this.bounds };
  }
  /** The user closing it: 'close' first (the app keeps the bounds), then 'closed'. */
  close(): void {
    this.emit('close', preventable());
    this.destroy();
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    windows.delete(this);
    this.emit('closed');
  }
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();

/** electron-store's main-process listener (for renderers that use it; the app's pages do not). */
const listeners = new Map<string, unknown>();

export const ipcMain = {
  on(channel: string, listener: unknown): void {
    listeners.set(channel, listener);
  },
  handle(channel: string, handler: Handler): void {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    handlers.delete(channel);
  },
};

/** ipcRenderer.invoke from a window's top frame (or from a frame at `frameUrl`, for foreign senders). */
export async function invoke(channel: string, args: unknown[], from?: { frameUrl?: string; subFrame?: boolean; stranger?: boolean }): Promise<unknown> {
  const handler = handlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  const window = [...windows][0];
  const sender = from?.stranger || !window ? new WebContents(null as unknown as BrowserWindow) : window.webContents;
  const url = from?.frameUrl ?? sender.url;
  const senderFrame = from?.subFrame ? { parent: sender.mainFrame, url } : from?.frameUrl ? { parent: null, url } : sender.mainFrame;
  return handler({ sender, senderFrame }, ...args);
}

export function firstWindow(): BrowserWindow | undefined {
  return [...windows][0];
}

type ForkOptions = {
  env?: NodeJS.ProcessEnv;
  stdio?: string | string[];
  serviceName?: string;
  cwd?: string;
  execArgv?: string[];
};

/**
 * Electron's UtilityProcess by child_process.fork: the child is a real Node process on the same
 * entry, given Electron's `process.parentPort` (and no `process.send`) by ./parent-port.js. Only
 * what Electron's typings have: postMessage, kill, pid, stdout/stderr and the checked events.
 */
export class UtilityProcess extends Checked {
  private readonly child: ChildProcess;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  constructor(modulePath: string, args: string[], options: ForkOptions) {
    super('UtilityProcess', eventsOf('UtilityProcess'));
    const piped = options.stdio === 'pipe';
    // Never the parent's stdout: it carries this stand-in's report lines.
    this.child = fork(modulePath, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      execArgv: ['--import', new URL('./parent-port.js', import.meta.url).href, ...(options.execArgv ?? [])],
      stdio: ['ignore', piped ? 'pipe' : 'ignore', piped ? 'pipe' : 'inherit', 'ipc'],
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.on('spawn', () => {
      report('utility-process', { modulePath, serviceName: options.serviceName, pid: this.child.pid });
      this.emit('spawn');
    });
    this.child.on('message', (message) => this.emit('message', message));
    // Electron reports a signal's end as a code too (waitpid's status), never as a signal name.
    this.child.on('exit', (code, signal) => {
      report('utility-exit', { pid: this.child.pid, code, signal });
      this.emit('exit', code ?? 1);
    });
  }
  static fork(modulePath: string, args: string[] = [], options: ForkOptions = {}): UtilityProcess {
    if (!isReady) throw new Error('utilityProcess.fork can only be called after the ready event');
    return new UtilityProcess(modulePath, args, options);
  }
  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }
  postMessage(message: unknown): void {
    // Electron serialises with structured clone; JSON is what the IPC channel carries here.
    if (this.child.connected) this.child.send(message as object);
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

export const utilityProcess = UtilityProcess;

// Electron is a CommonJS module: `import electron from 'electron'` (electron-store does) gets
// the module object, as this does.
export default { app, dialog, Menu, nativeImage, Notification, shell, Tray, session, BrowserWindow, ipcMain, utilityProcess };
