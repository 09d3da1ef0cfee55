import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, openPrivateFile } from './private-fs.js';

/** Where the per-install secret lives: one file for every instance in the data directory. */
export function tokenFile(dataDir: string): string {
  return join(dataDir, 'token');
}

/**
 * The per-install token that the terminal and browser admin actions require. Created once with
 * mode 0600 (`wx`, so two processes racing to create it agree on the first one written).
 */
export function readOrCreateToken(dataDir: string): string {
  const file = tokenFile(dataDir);
  const existing = tryRead(file);
  if (existing) return existing;
  ensurePrivateDir(dataDir);
  const token = randomBytes(24).toString('base64url');
  try {
    const fd = openPrivateFile(file, 'wx');
    try {
      writeSync(fd, `${token}\n`);
    } finally {
      closeSync(fd);
    }
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = tryRead(file);
    if (!raced) throw new Error(`Token file ${file} exists but is empty; delete it and retry`);
    return raced;
  }
}

function tryRead(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text.length > 0 ? text : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
