import { readFileSync, unlinkSync } from 'node:fs';
import { writePrivateFile } from '../common/private-fs.js';

/** The pid recorded in a PID file, or undefined when there is none or it is unreadable. */
export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePidFile(file: string, pid: number): void {
  writePrivateFile(file, `${pid}\n`);
}

/** Removes the file only while it still names `pid`, so a newer daemon's file survives. */
export function removePidFileIf(file: string, pid: number): void {
  if (readPidFile(file) !== pid) return;
  try {
    unlinkSync(file);
  } catch {
    // Already gone: the goal is reached.
  }
}

export function removePidFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
