import { ConfigError, configFromEnv, resolveConfig, type DaemonConfig } from '../common/config.js';
import { dataDir as defaultDataDir } from '../common/paths.js';
import { readSettings, settingsConfigLayer } from '../common/settings.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './errors.js';

export type ConfigFlags = Partial<Record<keyof DaemonConfig, unknown>>;

/** Command-line spelling of each daemon setting that can be given as a flag. */
export const CONFIG_FLAGS: ReadonlyArray<{ flag: string; key: keyof DaemonConfig; value: string; help: string }> = [
  { flag: 'port', key: 'port', value: 'N', help: 'port to listen on (one daemon per port)' },
  { flag: 'host', key: 'host', value: 'ADDR', help: 'address to bind' },
  { flag: 'upstream', key: 'upstream', value: 'URL', help: 'API the daemon forwards to' },
  { flag: 'cache-size', key: 'cacheSize', value: 'N', help: 'most cached responses (0 disables the cache)' },
  { flag: 'cache-ttl', key: 'cacheTtlSeconds', value: 'S', help: 'seconds a cached response stays valid' },
  { flag: 'cache-max-bytes', key: 'cacheMaxBytes', value: 'B', help: 'most bytes held by the cache (a number, or with a unit: 512MB, 1G)' },
  { flag: 'workers', key: 'workers', value: 'N', help: 'most concurrent upstream requests' },
  { flag: 'log-level', key: 'logLevel', value: 'L', help: 'trace, debug, info, warn, error, fatal or off' },
  { flag: 'routing-file', key: 'routingFile', value: 'PATH', help: 'model routing file' },
  {
    flag: 'terminal-idle-minutes',
    key: 'terminalIdleMinutes',
    value: 'M',
    help: 'minutes a terminal session no page shows keeps running',
  },
];

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
