import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

function countNewlines(buffer: Buffer): number {
  let n = 0;
  for (let i = buffer.indexOf(NEWLINE); i !== -1; i = buffer.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/**
 * The last `count` lines of a file, read backwards so a large log costs only its tail. Bytes are
 * decoded once at the end so a character split across chunks stays whole.
 */
export function lastLines(file: string, count: number, end?: number): string[] {
  if (count <= 0) return [];
  const fd = openSync(file, 'r');
  try {
    let position = Math.min(end ?? Number.POSITIVE_INFINITY, fstatSync(fd).size);
    const chunks: Buffer[] = [];
    let newlines = 0;
    while (position > 0 && newlines <= count) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, position);
      chunks.unshift(buffer);
      newlines += countNewlines(buffer);
    }
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}

/** Like lastLines, but an absent or unreadable file is simply no lines (used in error reports). */
export function lastLinesOrNone(file: string, count: number): string[] {
  try {
    return lastLines(file, count);
  } catch {
    return [];
  }
}
