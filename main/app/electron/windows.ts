import { app, BrowserWindow, session, shell, type WebContents } from 'electron';
import type { DashboardPanel } from '../../../shared/api.js';
import type { BridgeEventChannel, BridgeEvents } from '../../../shared/bridge.js';
import type { AppStateStore, WindowBounds, WindowKind } from '../app-state.js';
import type { Logger } from '../../common/logger.js';
import { isExternalLinkAllowed, isNavigationAllowed, originOf } from '../navigation.js';
import type { WindowsPort } from '../ports.js';

/** The only webPreferences the app uses: no Node in pages, isolated and sandboxed preload. */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** The one permission pages get: writing to the clipboard (the terminal's copy). */
const ALLOWED_PERMISSION = 'clipboard-sanitized-write';

/** Permissions for every page of the app's session (set once: all windows share the default session). */
function lockDownSession(): void {
  const { defaultSession } = session;
  defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === ALLOWED_PERMISSION));
  defaultSession.setPermissionCheckHandler((_contents, permission) => permission === ALLOWED_PERMISSION);
}

/** New windows are denied; web links go to the browser; the page never leaves the daemon's origin. */
function lockDown(contents: WebContents, daemonOrigin: () => string | null): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The URL is read from the event itself (the separate url argument is deprecated).
  contents.on('will-navigate', (event) => {
    if (isNavigationAllowed(event.url, daemonOrigin())) return;
    event.preventDefault();
    if (isExternalLinkAllowed(event.url)) void shell.openExternal(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isNavigationAllowed(event.url, daemonOrigin())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return originOf(url) === origin;
  } catch {
    return false;
  }
}

export class ElectronWindows implements WindowsPort {
  private dashboard: BrowserWindow | null = null;
  private settings: BrowserWindow | null = null;
  private readonly all = new Set<BrowserWindow>();
  private readonly kinds = new WeakMap<BrowserWindow, WindowKind>();
  private allowedOrigin: string | null = null;
  private sessionLocked = false;

  constructor(private readonly options: { preload: string; icon?: string; logger: Logger; appState?: AppStateStore }) {}

  /** Whether an IPC sender belongs to one of the app's windows. */
  owns(contents: WebContents): boolean {
    const window = BrowserWindow.fromWebContents(contents);
    return window !== null && this.all.has(window);
  }

  showDashboard(url: string, panel?: DashboardPanel): void {
    this.allowedOrigin = originOf(url);
    if (this.dashboard && !this.dashboard.isDestroyed()) {
      // Same daemon: keep the page as it is (its filters too), only moved to the panel asked for.
      // A daemon on another port: load its dashboard.
      if (!sameOrigin(this.dashboard.webContents.getURL(), this.allowedOrigin)) this.load(this.dashboard, url);
      else if (panel) this.showPanel(this.dashboard, panel);
      this.bringToFront(this.dashboard);
      return;
    }
    const window = this.create(url, 'CCO', 'dashboard', 1200, 800);
    this.dashboard = window;
    window.on('closed', () => {
      if (this.dashboard === window) this.dashboard = null;
    });
  }

  showSettings(url: string): void {
    this.allowedOrigin = originOf(url);
    if (this.settings && !this.settings.isDestroyed()) {
      if (!sameOrigin(this.settings.webContents.getURL(), this.allowedOrigin)) this.load(this.settings, url);
      this.bringToFront(this.settings);
      return;
    }
    const window = this.create(url, 'CCO Settings', 'settings', 720, 760);
    this.settings = window;
    window.on('closed', () => {
      if (this.settings === window) this.settings = null;
    });
  }

  openTerminal(url: string): void {
    this.allowedOrigin = originOf(url);
    this.create(url, 'CCO — Claude Code', 'terminal', 960, 640);
  }

  /** Each open page reloads at the same path on the daemon's new origin (the token is in the bridge). */
  followDaemon(origin: string): void {
    this.allowedOrigin = origin;
    for (const window of this.all) {
      if (window.isDestroyed()) continue;
      const current = new URL(window.webContents.getURL());
      if (current.origin !== origin) this.load(window, new URL(current.pathname + current.search, origin).toString());
    }
  }

  broadcast<C extends BridgeEventChannel>(channel: C, payload: BridgeEvents[C]): void {
    for (const window of this.all) if (!window.isDestroyed()) window.webContents.send(channel, payload);
  }

  closeAll(): void {
    for (const window of [...this.all]) {
      if (window.isDestroyed()) continue;
      // Quitting destroys windows without a 'close' event: keep where they were first.
      const kind = this.kinds.get(window);
      if (kind) this.saveBounds(kind, window);
      window.destroy();
    }
  }

  focusAny(): boolean {
    const window = this.dashboard ?? [...this.all][0];
    if (!window || window.isDestroyed()) return false;
    if (window.isMinimized()) window.restore();
    this.bringToFront(window);
    return true;
  }

  /** The page scrolls to a panel on a `#panel=` fragment (renderer/src/panel-link.ts). */
  private showPanel(window: BrowserWindow, panel: DashboardPanel): void {
    window.webContents
      .executeJavaScript(`location.hash = ${JSON.stringify(`panel=${panel}`)}`)
      .catch((error: Error) => this.options.logger.warn(`Could not show the ${panel} panel: ${error.message}`));
  }

  private bringToFront(window: BrowserWindow): void {
    window.show();
    window.focus();
    // With no Dock icon, clicking the menu-bar item does not make the app active, so a window
    // would open behind the frontmost app.
    if (process.platform === 'darwin') app.focus({ steal: true });
  }

  private saveBounds(kind: WindowKind, window: BrowserWindow): void {
    const store = this.options.appState;
    if (!store || window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    try {
      store.set('windowBounds', { ...store.get('windowBounds'), [kind]: window.getNormalBounds() });
    } catch (error) {
      this.options.logger.warn(`Could not keep the window's size: ${(error as Error).message}`);
    }
  }

  private load(window: BrowserWindow, url: string): void {
    window.loadURL(url).catch((error: Error & { code?: string }) => {
      // ERR_ABORTED: another load replaced this one. Anything else leaves an error page: log why.
      if (error.code !== 'ERR_ABORTED') this.options.logger.warn(`Could not load ${new URL(url).origin}${new URL(url).pathname}: ${error.message}`);
    });
  }

  private create(url: string, title: string, kind: WindowKind, width: number, height: number): BrowserWindow {
    if (!this.sessionLocked) {
      lockDownSession();
      this.sessionLocked = true;
    }
    // Where the user last left a window of this kind (kept in the app's own state).
    const saved: WindowBounds | undefined = this.options.appState?.get('windowBounds')[kind];
    const window = new BrowserWindow({
      title,
      ...(saved ?? { width, height }),
      show: false,
      autoHideMenuBar: true,
      ...(this.options.icon ? { icon: this.options.icon } : {}),
      webPreferences: secureWebPreferences(this.options.preload),
    });
    this.all.add(window);
    this.kinds.set(window, kind);
    window.on('close', () => this.saveBounds(kind, window));
    window.on('closed', () => this.all.delete(window));
    lockDown(window.webContents, () => this.allowedOrigin);
    window.once('ready-to-show', () => this.bringToFront(window));
    this.load(window, url);
    return window;
  }
}
