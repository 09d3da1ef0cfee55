import { dataDirId } from '../common/data-dir-id.js';
import { otherDataDirError, type Health } from '../common/daemon-client.js';
import type { ResolvedCli } from './config.js';
import { CliError } from './errors.js';

/** Refuses a daemon on our port that belongs to another data directory (see otherDataDirError). */
export function assertOwnDaemon(resolved: ResolvedCli, health: Health): void {
  const other = otherDataDirError(health, resolved.dataDir, resolved.config.port, dataDirId(resolved.dataDir));
  if (other) throw new CliError(other.message, 1, other.details);
}
