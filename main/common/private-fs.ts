import { chmodSync, closeSync, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Everything CCO keeps in its data directory is private to the user: the token there opens a
 * shell, logs name projects and models, the database holds every request. Directories are 0700
 * and files 0600 whatever the umask, because every create below is followed by a chmod.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) private, and makes an existing `dir` private too. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir, PRIVATE_DIR_MODE);
}

/** Opens a file for writing (created private if new, made private if it exists); the caller closes the fd. */
export function openPrivateFile(file: string, flags: 'a' | 'w' | 'wx' = 'a'): number {
  const fd = openSync(file, flags, PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** writeFileSync for files under the data directory. `wx` fails with EEXIST as usual. */
export function writePrivateFile(file: string, data: string, flag: 'w' | 'wx' = 'w'): void {
  writeFileSync(file, data, { flag, mode: PRIVATE_FILE_MODE });
  tighten(file, PRIVATE_FILE_MODE);
}

/** Creates an empty private file unless it exists, and makes it private if it does (SQLite's database). */
export function touchPrivateFile(file: string): void {
  closeSync(openPrivateFile(file, 'a'));
}

/** Makes an existing path private; a missing one is fine. Best effort: a file we do not own stays as it is. */
export function makePrivate(path: string): void {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return; // chmod would follow it out of the data directory
    tighten(path, stat.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE);
  } catch {
    // Missing or not ours: nothing to tighten.
  }
}

/** CCO's own files in the data directory and in its logs/ (anything else there is the user's business). */
const OWN_FILE = /^(token|settings\.json|pricing\.json|model-routing\.json|daemon-\d+\.(pid|lock)|usage-\d+\.db(-wal|-shm|-journal)?)$/;
const OWN_LOG = /^(daemon-\d+|app)(\.\d+)?\.log(\.\d+)?$/;

/**
 * Tightens what an older CCO left readable (a 0755 directory, 0644 logs and databases): the data
 * directory, its logs/ and CCO's own files in both. Files CCO does not know are left alone, so a
 * data directory pointed at a shared place changes only what CCO wrote there.
 */
export function makeDataDirPrivate(dir: string): void {
  makePrivate(dir);
  for (const name of namesIn(dir)) if (OWN_FILE.test(name)) makePrivate(join(dir, name));
  const logs = join(dir, 'logs');
  makePrivate(logs);
  for (const name of namesIn(logs)) if (OWN_LOG.test(name)) makePrivate(join(logs, name));
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const TOLERATED = new Set(['EPERM', 'EACCES', 'EROFS']);

function tighten(path: string, mode: number): void {
  if (process.platform === 'win32') return; // POSIX modes mean little there; the profile directory is private
  try {
    chmodSync(path, mode);
  } catch (error) {
    // Not ours (CCO_HOME pointed at someone else's directory) or a read-only file system: what CCO
    // creates is still created private, and reading must keep working.
    if (!TOLERATED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}
