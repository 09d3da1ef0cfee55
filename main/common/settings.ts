import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config.js';
import { errorMessage, isRecord } from './format.js';
import { settingsFile } from './paths.js';
import {
  checkSetting,
  DAEMON_FILE_KEYS,
  FILE_KEYS,
  SETTINGS,
  type DaemonConfig,
  type Settings,
  type SettingSpec,
} from './settings-schema.js';

/**
 * `settings.json` in the data directory. The CLI reads it as the layer under the environment;
 * the desktop app writes it. Its keys are declared in settings-schema.ts.
 */
export type { Settings };

/** Daemon keys stored in settings.json (a change needs a daemon restart). */
export const DAEMON_SETTING_KEYS = DAEMON_FILE_KEYS;

/** A settings file that cannot be used; a ConfigError so every caller already reports it. */
export class SettingsError extends ConfigError {
  override name = 'SettingsError';
}

/** The daemon keys of a settings object, as a layer for resolveConfig. */
export function settingsConfigLayer(settings: Settings): Partial<Record<keyof DaemonConfig, unknown>> {
  const layer: Partial<Record<keyof DaemonConfig, unknown>> = {};
  for (const key of DAEMON_SETTING_KEYS) if (settings[key] !== undefined) layer[key] = settings[key];
  return layer;
}

/** Checks types and ranges; unknown keys are dropped (a newer app may write keys this build does not know). */
export function validateSettings(value: unknown, source: string): Settings {
  if (!isRecord(value)) throw new SettingsError(`${source}: expected a JSON object`);
  const out: Record<string, unknown> = {};
  for (const key of FILE_KEYS) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    const checked = checkSetting(key, v);
    if (!checked.ok) throw new SettingsError(`${source}: ${checked.message}`);
    out[key] = checked.value;
  }
  return out as Settings;
}

export interface Migration {
  value: Record<string, unknown>;
  /** One line per change, for the log; empty when the file was already current. */
  changes: string[];
}

/**
 * Brings a settings object to today's keys and types without losing what the user meant: renamed
 * keys move (an explicit new key wins), and each value takes the form its schema gives it (numbers
 * and booleans written as strings become values, a log level in capitals is lowered, sizes with
 * units become bytes). Values the schema refuses, and keys it does not know, are left for
 * validation to report or drop. Used by the CLI on every read and by the app, which also saves it.
 */
export function migrateSettings(raw: unknown): Migration {
  if (!isRecord(raw)) return { value: {}, changes: [] };
  const value: Record<string, unknown> = { ...raw };
  const changes: string[] = [];
  for (const key of FILE_KEYS) {
    for (const old of (SETTINGS[key] as SettingSpec).renamedFrom ?? []) {
      if (!(old in value)) continue;
      if (value[key] === undefined) {
        value[key] = value[old];
        changes.push(`renamed "${old}" to "${key}"`);
      } else {
        changes.push(`dropped "${old}" ("${key}" is set)`);
      }
      delete value[old];
    }
  }
  for (const key of FILE_KEYS) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    const checked = checkSetting(key, v);
    if (checked.ok && checked.value !== v) {
      value[key] = checked.value;
      changes.push(`"${key}" is now ${JSON.stringify(checked.value)}`);
    }
  }
  return { value, changes };
}

export function parseSettings(text: string, source: string): Settings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`${source} is not valid JSON (${errorMessage(error)}); fix or delete the file`);
  }
  return validateSettings(isRecord(value) ? migrateSettings(value).value : value, source);
}

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No file, or no directory yet: no settings. The data directory's own problems are reported by whoever writes there.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new SettingsError(`cannot read ${file}: ${errorMessage(error)}`);
  }
}

/** The settings of a data directory; a missing file means no settings. */
export function readSettings(dir: string): Settings {
  const file = settingsFile(dir);
  const text = readRaw(file);
  return text === undefined || text.trim() === '' ? {} : parseSettings(text, file);
}

/** Replaces the file atomically so a crash or a concurrent reader never sees half a file. */
export function writeSettings(dir: string, settings: Settings): void {
  const file = settingsFile(dir);
  const valid = validateSettings(settings, 'settings');
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Merges a change into the stored settings; `undefined` in the patch removes a key. */
export function updateSettings(dir: string, patch: Settings): Settings {
  const merged: Record<string, unknown> = { ...readSettings(dir) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  const settings = merged as Settings;
  writeSettings(dir, settings);
  return settings;
}
