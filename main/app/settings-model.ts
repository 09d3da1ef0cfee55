import { DAEMON_SETTING_KEYS, SettingsError, validateSettings, type Settings } from '../common/settings.js';

/**
 * Keys the app's UI may change. `host` is left out on purpose: binding anything but loopback is a
 * deliberate, hand-made choice (edit settings.json), never one click away in a window.
 */
export const EDITABLE_KEYS = [
  'port',
  'upstream',
  'cacheSize',
  'cacheTtlSeconds',
  'cacheMaxBytes',
  'workers',
  'logLevel',
  'startAtLogin',
  'openDashboardOnStart',
] as const satisfies ReadonlyArray<keyof Settings>;

export type EditableKey = (typeof EDITABLE_KEYS)[number];
export type SettingsPatch = { [K in EditableKey]?: Settings[K] | null };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names hand-written files and earlier drafts used for today's keys. */
const RENAMED: Readonly<Record<string, keyof Settings>> = {
  cacheTTL: 'cacheTtlSeconds',
  cacheTtl: 'cacheTtlSeconds',
  maxCacheSize: 'cacheSize',
  cacheMaxSize: 'cacheSize',
  maxCacheBytes: 'cacheMaxBytes',
  upstreamUrl: 'upstream',
  upstreamURL: 'upstream',
  launchAtLogin: 'startAtLogin',
  openAtLogin: 'startAtLogin',
  openDashboard: 'openDashboardOnStart',
};

const NUMERIC = new Set<string>(['port', 'cacheSize', 'cacheTtlSeconds', 'cacheMaxBytes', 'workers']);
const BOOLEAN = new Set<string>(['startAtLogin', 'openDashboardOnStart']);

export interface Migration {
  value: Record<string, unknown>;
  /** One line per change, for the log; empty when the file was already current. */
  changes: string[];
}

/**
 * Brings a settings object to today's keys and types without losing what the user meant: renamed
 * keys move (an explicit new key wins), numbers and booleans written as strings become values,
 * a log level in capitals is lowered. Keys it does not know are left for validation to drop.
 */
export function migrateSettings(raw: unknown): Migration {
  if (!isRecord(raw)) return { value: {}, changes: [] };
  const value: Record<string, unknown> = { ...raw };
  const changes: string[] = [];
  for (const [old, key] of Object.entries(RENAMED)) {
    if (!(old in value)) continue;
    if (value[key] === undefined) {
      value[key] = value[old];
      changes.push(`renamed "${old}" to "${key}"`);
    } else {
      changes.push(`dropped "${old}" ("${key}" is set)`);
    }
    delete value[old];
  }
  for (const [key, v] of Object.entries(value)) {
    if (NUMERIC.has(key) && typeof v === 'string' && /^\s*\d+\s*$/.test(v)) {
      value[key] = Number(v);
      changes.push(`"${key}" is now the number ${Number(v)}`);
    } else if (BOOLEAN.has(key) && (v === 'true' || v === 'false')) {
      value[key] = v === 'true';
      changes.push(`"${key}" is now the boolean ${v}`);
    } else if (key === 'logLevel' && typeof v === 'string' && v !== v.trim().toLowerCase()) {
      value[key] = v.trim().toLowerCase();
      changes.push(`"logLevel" is now "${v.trim().toLowerCase()}"`);
    }
  }
  return { value, changes };
}

/** Applies a patch from the window: only editable keys, `null` removes one; the result is validated as a whole. */
export function applyPatch(current: Settings, patch: unknown): Settings {
  if (!isRecord(patch)) throw new SettingsError('settings change: expected an object');
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (!(EDITABLE_KEYS as readonly string[]).includes(key)) throw new SettingsError(`settings change: "${key}" cannot be changed here`);
    if (value === null || value === undefined) delete next[key];
    else next[key] = value;
  }
  return validateSettings(next, 'settings change');
}

/** Daemon keys whose value differs: the running daemon only picks them up on a restart. */
export function restartNeeded(before: Settings, after: Settings): Array<keyof Settings> {
  return DAEMON_SETTING_KEYS.filter((key) => before[key] !== after[key]);
}
