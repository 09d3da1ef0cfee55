import { readFileSync } from 'node:fs';
import { errorCode } from './format.js';

/** Whether a process with this pid exists (EPERM: it does, it just belongs to someone else). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the predicate holds or the time is up; true when it held. */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() >= deadline) return false;
    await delay(intervalMs);
  }
}

/**
 * The argv of a process where the OS exposes it without spawning anything (Linux /proc);
 * undefined elsewhere. Used to recognise a hung daemon that no longer answers /health.
 */
export function commandLineOf(pid: number): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  } catch {
    return undefined;
  }
}

export function looksLikeForegroundDaemon(argv: readonly string[], port: number): boolean {
  const joined = argv.join(' ');
  return /\bcco(\.js)?\b/.test(joined) && joined.includes('daemon start') && joined.includes('--foreground') &&
    argv.some((arg, i) => arg === '--port' && argv[i + 1] === String(port));
}

/**
 * Alive and not a zombie: a daemon whose parent exited is reaped by init, but where init does not
 * reap (some containers) a finished daemon would otherwise look alive forever.
 */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
