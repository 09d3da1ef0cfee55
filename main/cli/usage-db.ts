import { existsSync } from 'node:fs';
import { instanceFiles } from '../common/paths.js';
import type { Db } from '../daemon/usage/schema.js';
import { CliError } from './errors.js';

/**
 * Opens an instance's usage database for reading, whether or not its daemon runs (WAL lets a
 * reader in beside the writer). Null when nothing was ever recorded on that port.
 * Loaded only by `cco stats` / `cco export`, so the launch path never touches SQLite.
 */
export async function openUsageForReading(dataDir: string, port: number): Promise<{ db: Db; file: string } | null> {
  const file = instanceFiles(dataDir, port).database;
  if (!existsSync(file)) return null;
  const { openUsageDatabase, UsageDatabaseError } = await import('../daemon/usage/schema.js');
  try {
    return { db: openUsageDatabase(file), file };
  } catch (error) {
    if (error instanceof UsageDatabaseError) throw new CliError(error.message);
    throw error;
  }
}

export function noUsageMessage(dataDir: string, port: number): string {
  return `No usage recorded yet on port ${port} (no database at ${instanceFiles(dataDir, port).database}).`;
}
