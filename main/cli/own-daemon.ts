import { dataDirId } from '../common/data-dir-id.js';
import type { ResolvedCli } from './config.js';
import { CliError } from './errors.js';
import type { Health } from './health.js';

/**
 * Refuses a daemon on our port that belongs to another data directory: its token is not ours, so
 * a dashboard link made here would be refused, and its usage is recorded elsewhere. A daemon too
 * old to say which directory it serves is taken as ours, as before.
 */
export function assertOwnDaemon(resolved: ResolvedCli, health: Health): void {
  if (health.dataDirId === undefined || health.dataDirId === dataDirId(resolved.dataDir)) return;
  const { port } = resolved.config;
  throw new CliError(`Port ${port} is held by a CCO daemon of another data directory (PID ${health.pid})`, 1, [
    `This data directory is ${resolved.dataDir}; that daemon keeps its own token, cache and usage.`,
    'Stop it with the CCO_HOME it was started with (cco daemon stop), or use another port: --port N.',
  ]);
}
