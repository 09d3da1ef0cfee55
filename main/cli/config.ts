import { ConfigError, configFromEnv, resolveConfig, type DaemonConfig } from '../common/config.js';
import { dataDir as defaultDataDir } from '../common/paths.js';
import { readSettings, settingsConfigLayer, SettingsError } from '../common/settings.js';
import { CONFIG_FLAGS, SECRET_KEYS, SETTINGS } from '../common/settings-schema.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';

export type ConfigFlags = Partial<Record<keyof DaemonConfig, unknown>>;

/** Command-line spelling of each daemon setting that has one (declared in settings-schema.ts). */
export { CONFIG_FLAGS };


export interface ResolvedCli {
  config: DaemonConfig;
  dataDir: string;
}

export interface ResolveOptions {
  /**
   * For commands that manage a running daemon (stop, status, logs): when --port is given, an
   * unusable settings.json is a warning, not a refusal, so a broken file never keeps anyone from
   * stopping or inspecting their daemon.
   */
  manage?: boolean;
}

/** flags > environment > settings.json > defaults; a bad value in any layer is a usage error. */
export function resolveCliConfig(ctx: CliContext, flags: ConfigFlags = {}, options: ResolveOptions = {}): ResolvedCli {
  const dir = defaultDataDir(ctx.env);
  try {
    const env = configFromEnv(ctx.env);
    const config = resolveConfig({ file: fileLayer(ctx, dir, options.manage === true && flags.port !== undefined), env, flags });
    // Port 0 would give every start a different port, so no later command could find the daemon.
    if (config.port === 0) throw new ConfigError('port must be a whole number from 1 to 65535, got 0', 'port');
    return { config, dataDir: dir };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(cliMessage(error), EXIT.usage);
    throw error;
  }
}

/** The schema allows port 0 (a free port, for tests and embedding); the command line does not. */
function cliMessage(error: ConfigError): string {
  return error.key === 'port' ? error.message.replace('from 0 to 65535', 'from 1 to 65535') : error.message;
}

function fileLayer(ctx: CliContext, dir: string, tolerant: boolean): ConfigFlags {
  try {
    return settingsConfigLayer(readSettings(dir));
  } catch (error) {
    if (!tolerant || !(error instanceof SettingsError)) throw error;
    ctx.err(`Warning: ignoring the settings file: ${error.message}`);
    return {};
  }
}

/** The flags that reproduce a config exactly, so a spawned daemon resolves the same values. */
export function configToFlags(config: DaemonConfig): string[] {
  // An empty value is the default (routing file in the data directory) and needs no flag.
  return CONFIG_FLAGS.flatMap(({ flag, key }) =>
    config[key] === '' || SECRET_KEYS.has(key) ? [] : [`--${flag}`, String(config[key])],
  );
}

/** The environment that carries the settings configToFlags leaves out (`ps` shows argv to everyone). */
export function configToEnv(config: DaemonConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of SECRET_KEYS) {
    const name = (SETTINGS[key] as { env?: string }).env;
    if (name && config[key] !== '') env[name] = String(config[key]);
  }
  return env;
}
