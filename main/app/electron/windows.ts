import { BrowserWindow, shell, type WebContents } from 'electron';
import type { BridgeEventChannel } from '../../../shared/bridge.js';
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

/** New windows are denied; web links go to the browser; the page never leaves the daemon's origin. */
function lockDown(contents: WebContents, daemonOrigin: () => string | null): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isNavigationAllowed(url, daemonOrigin())) return;
    event.preventDefault();
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, daemonOrigin())) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permission === 'clipboard-sanitized-write');
  });
}

export class ElectronWindows implements WindowsPort {
  private dashboard: BrowserWindow | null = null;
  private readonly all = new Set<BrowserWindow>();
  private allowedOrigin: string | null = null;

  constructor(private readonly options: { preload: string; icon?: string }) {}

  /** Whether an IPC sender belongs to one of the app's windows. */
  owns(contents: WebContents): boolean {
    const window = BrowserWindow.fromWebContents(contents);
    return window !== null && this.all.has(window);
  }

  showDashboard(url: string): void {
    this.allowedOrigin = originOf(url);
    if (this.dashboard && !this.dashboard.isDestroyed()) {
      if (!this.dashboard.webContents.getURL().startsWith(this.allowedOrigin)) void this.dashboard.loadURL(url);
      this.dashboard.show();
      this.dashboard.focus();
      return;
    }
    this.dashboard = this.create(url, 'CCO', 1200, 800);
    this.dashboard.on('closed', () => (this.dashboard = null));
  }

  openTerminal(url: string): void {
    this.allowedOrigin = originOf(url);
    this.create(url, 'CCO — Claude Code', 960, 640);
  }

  broadcast(channel: BridgeEventChannel, payload: unknown): void {
    for (const window of this.all) if (!window.isDestroyed()) window.webContents.send(channel, payload);
  }

  closeAll(): void {
    for (const window of this.all) if (!window.isDestroyed()) window.destroy();
  }

  focusAny(): boolean {
    const window = this.dashboard ?? [...this.all][0];
    if (!window || window.isDestroyed()) return false;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return true;
  }

  private create(url: string, title: string, width: number, height: number): BrowserWindow {
    const window = new BrowserWindow({
      title,
      width,
      height,
      show: false,
      autoHideMenuBar: true,
      ...(this.options.icon ? { icon: this.options.icon } : {}),
      webPreferences: secureWebPreferences(this.options.preload),
    });
    this.all.add(window);
    window.on('closed', () => this.all.delete(window));
    lockDown(window.webContents, () => this.allowedOrigin);
    window.once('ready-to-show', () => window.show());
    void window.loadURL(url);
    return window;
  }
}
