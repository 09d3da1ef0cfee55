import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { writePrivateFile } from '../common/private-fs.js';
import { errorCode } from './errors.js';
import { isAlive } from '../common/processes.js';

/**
 * A start-up lock: whoever creates the file (O_EXCL) may start the daemon; everyone else waits
 * for /health. The file holds "pid token"; the token tells our lock from a successor's.
 */
export interface StartLock {
  release(): void;
}

export interface LockOptions {
  /** A lock older than this is abandoned even if its pid is alive (pid reuse, a hung starter). */
  staleMs: number;
  now?: () => number;
  alive?: (pid: number) => boolean;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function ageMs(path: string, now: number): number | undefined {
  try {
    return now - statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The pid recorded in a lock's text; undefined while the creator has not written it yet. */
export function lockHolder(text: string): number | undefined {
  const pid = Number.parseInt(text.split(/\s+/)[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isStale(text: string, age: number, options: LockOptions): boolean {
  if (age > options.staleMs) return true;
  const pid = lockHolder(text);
  // No pid yet means the creator is between open and write: young and empty is not stale.
  return pid !== undefined && !(options.alive ?? isAlive)(pid);
}

/**
 * Removes a stale lock without removing a fresh one that replaced it meanwhile: move it aside,
 * then check that what was moved is what was judged stale, and put it back otherwise.
 */
function breakStaleLock(path: string, judged: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (readText(aside) !== judged) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone created a newer lock meanwhile; theirs stands.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // Nothing left to clean.
  }
}

/** Takes the lock or returns null while someone alive holds it; throws on file-system errors. */
export function tryLock(path: string, options: LockOptions): StartLock | null {
  const token = randomBytes(8).toString('hex');
  const content = `${process.pid} ${token}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writePrivateFile(path, content, 'wx');
      return { release: () => releaseIfOurs(path, content) };
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const text = readText(path);
    const age = ageMs(path, (options.now ?? Date.now)());
    if (text === undefined || age === undefined) continue;
    if (!isStale(text, age, options)) return null;
    breakStaleLock(path, text);
  }
  return null;
}

function releaseIfOurs(path: string, content: string): void {
  if (readText(path) !== content) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
