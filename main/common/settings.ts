import { readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, applyConfig, defaultConfig, type DaemonConfig, type LogLevel } from './config.js';
import { settingsFile } from './paths.js';
import { ensurePrivateDir, writePrivateFile } from './private-fs.js';

/**
 * `settings.json` in the data directory. The CLI reads it as the layer under the environment;
 * the desktop app writes it. Daemon keys share DaemonConfig's names so one file serves both.
 */
export interface Settings {
  port?: number;
  host?: string;
  upstream?: string;
  cacheSize?: number;
  cacheTtlSeconds?: number;
  cacheMaxBytes?: number;
  workers?: number;
  logLevel?: LogLevel;
  terminalIdleMinutes?: number;
  /** App-only: the daemon ignores these. */
  startAtLogin?: boolean;
  openDashboardOnStart?: boolean;
}

type SettingType = 'number' | 'string' | 'boolean';

const SCHEMA: Readonly<Record<keyof Settings, SettingType>> = {
  port: 'number',
  host: 'string',
  upstream: 'string',
  cacheSize: 'number',
  cacheTtlSeconds: 'number',
  cacheMaxBytes: 'number',
  workers: 'number',
  logLevel: 'string',
  terminalIdleMinutes: 'number',
  startAtLogin: 'boolean',
  openDashboardOnStart: 'boolean',
};

export const DAEMON_SETTING_KEYS = [
  'port',
  'host',
  'upstream',
  'cacheSize',
  'cacheTtlSeconds',
  'cacheMaxBytes',
  'workers',
  'logLevel',
  'terminalIdleMinutes',
] as const satisfies ReadonlyArray<keyof Settings & keyof DaemonConfig>;

/** A settings file that cannot be used; a ConfigError so every caller already reports it. */
export class SettingsError extends ConfigError {
  override name = 'SettingsError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  for (const [key, type] of Object.entries(SCHEMA)) {
    const v = value[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== type) throw new SettingsError(`${source}: "${key}" must be a ${type}, got ${JSON.stringify(v)}`);
    out[key] = v;
  }
  const settings = out as Settings;
  try {
    applyConfig(defaultConfig(), settingsConfigLayer(settings));
  } catch (error) {
    if (error instanceof ConfigError) throw new SettingsError(`${source}: ${error.message}`);
    throw error;
  }
  return settings;
}

export function parseSettings(text: string, source: string): Settings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(`${source} is not valid JSON (${(error as Error).message}); fix or delete the file`);
  }
  return validateSettings(value, source);
}

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No file, or no directory yet: no settings. The data directory's own problems are reported by whoever writes there.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new SettingsError(`cannot read ${file}: ${(error as Error).message}`);
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
  ensurePrivateDir(dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  writePrivateFile(tmp, `${JSON.stringify(valid, null, 2)}\n`);
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
