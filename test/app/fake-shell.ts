import type { DashboardPanel } from '../../shared/api.js';
import type { BridgeEventChannel, BridgeEvents } from '../../shared/bridge.js';
import type { AppState, AppStatePort } from '../../main/app/app-state.js';
import type { TrayIconState } from '../../main/app/daemon-state.js';
import type { MenuAction, MenuEntry, TrayView } from '../../main/app/menu-model.js';
import type { Shell } from '../../main/app/ports.js';

/** electron-store's stand-in for plain Node: a Map (what electron-store itself does is tested in electron-adapter). */
export class MemoryAppState implements AppStatePort {
  readonly values = new Map<string, unknown>();
  get<K extends keyof AppState>(key: K): AppState[K] | undefined {
    return this.values.get(key) as AppState[K] | undefined;
  }
  set<K extends keyof AppState>(key: K, value: AppState[K]): void {
    this.values.set(key, structuredClone(value));
  }
}

/**
 * Electron replaced by a recorder: what the tray shows, what was notified, which windows opened.
 * Dialog answers are scripted per test.
 */
export class FakeShell implements Shell {
  icon: TrayIconState | null = null;
  view: TrayView | null = null;
  click: ((action: MenuAction) => void) | null = null;
  notifications: Array<{ title: string; body: string }> = [];
  dashboards: string[] = [];
  dashboardPanels: Array<DashboardPanel | null> = [];
  terminals: string[] = [];
  settingsWindows: string[] = [];
  followed: string[] = [];
  events: Array<{ [C in BridgeEventChannel]: { channel: C; payload: BridgeEvents[C] } }[BridgeEventChannel]> = [];
  opened: string[] = [];
  informed: Array<{ message: string; detail: string }> = [];
  asked: string[] = [];
  loginItem: boolean | null = null;
  quitCalls = 0;
  renders = 0;
  loginItemError: string | null = null;
  folderAnswer: string | null = null;
  askAnswer = 1;

  tray = {
    render: (icon: TrayIconState, view: TrayView, onAction: (action: MenuAction) => void) => {
      this.renders++;
      this.icon = icon;
      this.view = view;
      this.click = onAction;
    },
  };

  windows = {
    showDashboard: (url: string, panel?: DashboardPanel) => {
      this.dashboards.push(url);
      this.dashboardPanels.push(panel ?? null);
    },
    openTerminal: (url: string) => void this.terminals.push(url),
    showSettings: (url: string) => void this.settingsWindows.push(url),
    followDaemon: (origin: string) => void this.followed.push(origin),
    broadcast: <C extends BridgeEventChannel>(channel: C, payload: BridgeEvents[C]) => void this.events.push({ channel, payload }),
    closeAll: () => {},
  };

  dialogs = {
    pickFolder: async () => this.folderAnswer,
    ask: async (message: string) => {
      this.asked.push(message);
      return this.askAnswer;
    },
    inform: async (message: string, detail: string) => void this.informed.push({ message, detail }),
  };

  notifier = { notify: (title: string, body: string) => void this.notifications.push({ title, body }) };

  system = {
    platform: process.platform,
    openPath: async (path: string) => void this.opened.push(path),
    openExternal: async (url: string) => void this.opened.push(url),
    setStartAtLogin: (enabled: boolean) => {
      if (this.loginItemError) throw new Error(this.loginItemError);
      this.loginItem = enabled;
    },
    quit: () => void this.quitCalls++,
  };

  /** The labels of the menu's first lines (the status). */
  statusLabels(): string[] {
    const labels: string[] = [];
    for (const entry of this.view?.menu ?? []) {
      if (entry.type !== 'label') break;
      labels.push(entry.label);
    }
    return labels;
  }

  entry(id: MenuAction): MenuEntry | undefined {
    const find = (entries: readonly MenuEntry[]): MenuEntry | undefined => {
      for (const e of entries) {
        if ((e.type === 'action' || e.type === 'checkbox') && e.id === id) return e;
        if (e.type === 'submenu') {
          const inner = find(e.items);
          if (inner) return inner;
        }
      }
      return undefined;
    };
    return find(this.view?.menu ?? []);
  }
}
