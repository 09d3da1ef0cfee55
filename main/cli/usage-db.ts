import { existsSync } from 'node:fs';
import { instanceFiles } from '../common/paths.js';
import type { Db } from '../daemon/usage/schema.js';
import { CliError } from './errors.js';

const UPGRADE_BUSY_TIMEOUT_MS = 10_000;

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
    // A file from an older CCO is upgraded once (its roll-ups backfilled): say so, it can take a while.
    let lastTenth = -1;
    const progress = (done: number, total: number) => {
      const tenth = Math.floor((done / total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      process.stderr.write(`Upgrading the usage database: ${tenth * 10} % (${done} of ${total} requests)\n`);
    };
    // A daemon upgrading the same file holds the write lock a batch (about a second) at a time:
    // wait for it, and take turns with it (each batch moves the shared cursor, none is done twice).
    return { db: openUsageDatabase(file, UPGRADE_BUSY_TIMEOUT_MS, progress), file };
  } catch (error) {
    if (error instanceof UsageDatabaseError) throw new CliError(error.message);
    throw error;
  }
}

export function noUsageMessage(dataDir: string, port: number): string {
  return `No usage recorded yet on port ${port} (no database at ${instanceFiles(dataDir, port).database}).`;
}
