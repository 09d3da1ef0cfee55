import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * A data directory's identity as `/health` shows it: a short hash of its real path, so the CLI can
 * tell its own daemon from one started from another data directory on the same port without the
 * daemon publishing where its files (and token) are.
 */
export function dataDirId(dir: string): string {
  let path = resolve(dir);
  try {
    path = realpathSync(path);
  } catch {
    // Not created yet: the resolved path is what the daemon will see too.
  }
  return createHash('sha256').update(path).digest('hex').slice(0, 16);
}
