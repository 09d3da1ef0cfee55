// What belongs to the desktop app alone, kept by electron-store (main/app/electron/app-state.ts)
// in app-state.json beside settings.json: window bounds, the settings window's last tab,
// dismissed banners, notification preferences. The daemon's settings are not here: they live in
// settings.json (main/common), where the `cco` command reads them too.
import type { BridgePrefs } from '../../shared/bridge.js';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type WindowKind = 'dashboard' | 'settings' | 'terminal';

export interface AppState extends BridgePrefs {
  windowBounds: Partial<Record<WindowKind, WindowBounds>>;
}

/** The one declaration of the app's state: defaults and the check each value passes. */
const DECLARED: { [K in keyof AppState]: { default: () => AppState[K]; check: (value: unknown) => string | null } } = {
  notifications: {
    default: () => 'all',
    check: (v) => (v === 'all' || v === 'problems' || v === 'off' ? null : 'must be "all", "problems" or "off"'),
  },
  lastTab: {
    default: () => 'daemon',
    check: (v) => (v === 'daemon' || v === 'app' ? null : 'must be "daemon" or "app"'),
  },
  dismissedBanners: {
    default: () => [],
    check: (v) =>
      Array.isArray(v) && v.length <= 50 && v.every((id) => typeof id === 'string' && /^[a-z0-9-]{1,40}$/.test(id))
        ? null
        : 'must be a list of banner ids',
  },
  windowBounds: {
    default: () => ({}),
    check: (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? null : 'must be an object'),
  },
};

/** The keys a page may change through the bridge (window bounds are the app's own business). */
export const BRIDGE_PREF_KEYS = ['notifications', 'lastTab', 'dismissedBanners'] as const satisfies ReadonlyArray<
  keyof BridgePrefs
>;
// Every preference is settable: a key added to BridgePrefs but not here fails the build.
const allPrefKeys: Record<keyof BridgePrefs, true> = { notifications: true, lastTab: true, dismissedBanners: true };
void allPrefKeys;

export function checkPref<K extends keyof AppState>(key: K, value: unknown): string | null {
  return DECLARED[key].check(value);
}

export function defaultState<K extends keyof AppState>(key: K): AppState[K] {
  return DECLARED[key].default();
}

/** Where app state is kept: electron-store in the app, a Map in plain-Node tests. */
export interface AppStatePort {
  get<K extends keyof AppState>(key: K): AppState[K] | undefined;
  set<K extends keyof AppState>(key: K, value: AppState[K]): void;
}

/** Reads with defaults and drops a stored value that no longer passes its check (an older app's, a hand edit). */
export class AppStateStore {
  constructor(private readonly port: AppStatePort) {}

  get<K extends keyof AppState>(key: K): AppState[K] {
    const value = this.port.get(key);
    return value !== undefined && checkPref(key, value) === null ? value : defaultState(key);
  }

  set<K extends keyof AppState>(key: K, value: AppState[K]): void {
    const problem = checkPref(key, value);
    if (problem) throw new Error(`${key} ${problem}`);
    this.port.set(key, value);
  }

  prefs(): BridgePrefs {
    return {
      notifications: this.get('notifications'),
      lastTab: this.get('lastTab'),
      dismissedBanners: this.get('dismissedBanners'),
    };
  }

  /** A patch already checked by the IPC validator (checked again: the port is the last gate). */
  setPrefs(patch: Partial<BridgePrefs>): BridgePrefs {
    for (const key of BRIDGE_PREF_KEYS) {
      const value = patch[key];
      if (value !== undefined) this.set(key, value);
    }
    return this.prefs();
  }
}
