import { ConfigError, configFromEnv, resolveConfig, type DaemonConfig } from '../common/config.js';
import { dataDir as defaultDataDir } from '../common/paths.js';
import { readSettings, settingsConfigLayer } from '../common/settings.js';
import { CONFIG_FLAGS } from '../common/settings-schema.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';

export type ConfigFlags = Partial<Record<keyof DaemonConfig, unknown>>;

/** Command-line spelling of each daemon setting that has one (declared in settings-schema.ts). */
export { CONFIG_FLAGS };

export interface ResolvedCli {
  config: DaemonConfig;
  dataDir: string;
}

/** flags > environment > settings.json > defaults; a bad value in any layer is a usage error. */
export function resolveCliConfig(ctx: CliContext, flags: ConfigFlags = {}): ResolvedCli {
  const dir = defaultDataDir(ctx.env);
  try {
    const config = resolveConfig({ file: settingsConfigLayer(readSettings(dir)), env: configFromEnv(ctx.env), flags });
    // Port 0 would give every start a different port, so no later command could find the daemon.
    if (config.port === 0) throw new ConfigError('port must be a whole number from 1 to 65535, got 0');
    return { config, dataDir: dir };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** The flags that reproduce a config exactly, so a spawned daemon resolves the same values. */
export function configToFlags(config: DaemonConfig): string[] {
  // An empty value is the default (routing file in the data directory) and needs no flag.
  return CONFIG_FLAGS.flatMap(({ flag, key }) => (config[key] === '' ? [] : [`--${flag}`, String(config[key])]));
}
