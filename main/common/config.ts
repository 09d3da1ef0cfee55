import {
  checkSetting,
  DAEMON_KEYS,
  ENV_NAMES,
  LOG_LEVELS,
  SETTINGS,
  TEAM_PROJECT_NAMES,
  type DaemonConfig,
  type DaemonKey,
} from './settings-schema.js';

// The declarations live in settings-schema.ts; this module applies them in layers.
export { LOG_LEVELS, TEAM_PROJECT_NAMES, type DaemonConfig };
export type TeamProjectNames = (typeof TEAM_PROJECT_NAMES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export function defaultConfig(): DaemonConfig {
  const config: Record<string, unknown> = {};
  for (const key of DAEMON_KEYS) config[key] = SETTINGS[key].default();
  return config as DaemonConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** The setting at fault, when there is one. */
  constructor(message: string, readonly key?: DaemonKey) {
    super(message);
  }
}

type Raw = Partial<Record<DaemonKey, unknown>>;

/** Validates one layer of settings (flags, environment or file) over a base; unknown keys are ignored. */
export function applyConfig(base: DaemonConfig, raw: Raw): DaemonConfig {
  const c: Record<string, unknown> = { ...base };
  for (const key of DAEMON_KEYS) {
    if (raw[key] === undefined) continue;
    const checked = checkSetting(key, raw[key]);
    if (!checked.ok) throw new ConfigError(checked.message, key);
    c[key] = checked.value;
  }
  return c as DaemonConfig;
}

export function configFromEnv(env: Readonly<Record<string, string | undefined>>): Raw {
  const raw: Raw = {};
  for (const [name, key] of ENV_NAMES) if (env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  return raw;
}

/** Precedence: flags > environment > settings file > defaults. */
export function resolveConfig(layers: { file?: Raw; env?: Raw; flags?: Raw }): DaemonConfig {
  let c = defaultConfig();
  for (const layer of [layers.file, layers.env, layers.flags]) if (layer) c = applyConfig(c, layer);
  return c;
}
