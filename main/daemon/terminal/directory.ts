import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { TerminalError } from './errors.js';

/** The project directory a new session starts in: absolute or `~`-relative; empty means home. */
export async function resolveDirectory(input: string | undefined, home: string): Promise<string> {
  const raw = (input ?? '').trim();
  const expanded = raw === '' || raw === '~' ? home : raw.startsWith('~/') || raw.startsWith('~\\') ? join(home, raw.slice(2)) : raw;
  if (!isAbsolute(expanded)) throw new TerminalError('bad-directory', `"${raw}" is not an absolute path`);
  const info = await stat(expanded).catch(() => null);
  if (!info?.isDirectory()) throw new TerminalError('bad-directory', `${expanded} is not a directory`);
  return resolve(expanded);
}
