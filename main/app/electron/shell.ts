import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { app, dialog, Menu, nativeImage, Notification, shell, Tray, type MenuItemConstructorOptions } from 'electron';
import type { TrayIconState } from '../daemon-state.js';
import { autostartFile, setLinuxAutostart } from '../autostart.js';
import { appleScriptFor } from '../install-shim.js';
import type { MenuAction, MenuEntry, TrayView } from '../menu-model.js';
import type { DialogsPort, NotifierPort, Shell, SystemPort, TrayPort } from '../ports.js';
import type { ElectronWindows } from './windows.js';

const run = promisify(execFile);

/** Tray images by platform: macOS template images (the OS tints them), ICO on Windows, PNG on Linux. */
export function trayIconPath(assetsDir: string, state: TrayIconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return join(assetsDir, 'tray', `${state}Template.png`);
  if (platform === 'win32') return join(assetsDir, 'tray', `${state}.ico`);
  return join(assetsDir, 'tray', `${state}.png`);
}

function toTemplate(entries: readonly MenuEntry[], onAction: (action: MenuAction) => void): MenuItemConstructorOptions[] {
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every MenuEntry type (tsc checks it)
  return entries.map((entry): MenuItemConstructorOptions => {
    switch (entry.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: entry.label, enabled: false };
      case 'action':
        return { label: entry.label, enabled: entry.enabled, click: () => onAction(entry.id) };
      case 'checkbox':
        return { type: 'checkbox', label: entry.label, checked: entry.checked, click: () => onAction(entry.id) };
      case 'submenu':
        return { label: entry.label, submenu: toTemplate(entry.items, onAction) };
    }
  });
}

class ElectronTray implements TrayPort {
  private tray: Tray | null = null;
  private shownIcon: TrayIconState | null = null;

  constructor(private readonly assetsDir: string) {}

  render(icon: TrayIconState, view: TrayView, onAction: (action: MenuAction) => void): void {
    if (!this.tray) {
      this.tray = new Tray(this.image(icon));
      // Windows opens a tray icon's menu on right-click only; a left-click should not do nothing.
      if (process.platform === 'win32') this.tray.on('click', () => this.tray?.popUpContextMenu());
    } else if (this.shownIcon !== icon) this.tray.setImage(this.image(icon));
    this.shownIcon = icon;
    this.tray.setToolTip(view.tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(toTemplate(view.menu, onAction)));
  }

  private image(state: TrayIconState) {
    const image = nativeImage.createFromPath(trayIconPath(this.assetsDir, state, process.platform));
    if (process.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}

const dialogs: DialogsPort = {
  async pickFolder(title) {
    const result = await dialog.showOpenDialog({ title, properties: ['openDirectory', 'createDirectory'] });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  async ask(message, detail, buttons) {
    const result = await dialog.showMessageBox({ type: 'question', message, detail, buttons: [...buttons], defaultId: 0, cancelId: buttons.length - 1, noLink: true });
    return result.response;
  },
  async inform(message, detail) {
    await dialog.showMessageBox({ type: 'info', message, detail, buttons: ['OK'] });
  },
};

/** Notifications where the OS has them; otherwise an error box, so an error is never silent. */
const notifier: NotifierPort = {
  notify(title, body) {
    if (Notification.isSupported()) new Notification({ title, body }).show();
    else dialog.showErrorBox(title, body);
  },
};

const system: SystemPort = {
  platform: process.platform,
  async openPath(path) {
    const problem = await shell.openPath(path);
    if (problem) throw new Error(`Could not open ${path}: ${problem}`);
  },
  openExternal: (url) => shell.openExternal(url),
  setStartAtLogin(enabled) {
    // Run from a checkout, the executable is Electron itself, which needs the app's folder.
    const args = app.isPackaged ? [] : [app.getAppPath()];
    if (process.platform === 'win32') {
      app.setLoginItemSettings({ openAtLogin: enabled, path: process.execPath, args });
    } else if (process.platform === 'darwin') {
      // macOS starts the app bundle; from a checkout that would be a bare Electron.app, so only packaged.
      if (app.isPackaged) app.setLoginItemSettings({ openAtLogin: enabled });
      else if (enabled) throw new Error('Start at Login works only in the installed app on macOS');
    } else {
      // An AppImage runs from a temporary mount: autostart must start the .AppImage file itself.
      const command = process.env.APPIMAGE ? [process.env.APPIMAGE] : [process.execPath, ...args];
      setLinuxAutostart(autostartFile(process.env, homedir()), enabled, command);
    }
  },
  async runElevated(command) {
    if (process.platform !== 'darwin') throw new Error('administrator prompts are only used on macOS');
    await run('osascript', ['-e', appleScriptFor(command)]);
  },
  async readWindowsUserPath() {
    const { stdout } = await run('powershell.exe', ['-NoProfile', '-Command', "[Environment]::GetEnvironmentVariable('Path','User')"]);
    return stdout.trim();
  },
  async writeWindowsUserPath(value) {
    // The value travels in the environment, so no quoting of user paths inside the command.
    await run('powershell.exe', ['-NoProfile', '-Command', "[Environment]::SetEnvironmentVariable('Path', $env:CCO_NEW_PATH, 'User')"], {
      env: { ...process.env, CCO_NEW_PATH: value },
    });
  },
  quit: () => app.exit(0),
};

export function createElectronShell(options: { assetsDir: string; windows: ElectronWindows }): Shell {
  return { tray: new ElectronTray(options.assetsDir), windows: options.windows, dialogs, notifier, system };
}
