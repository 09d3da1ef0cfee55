import { closeSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export interface Follower {
  stop(): void;
}

const READ_CHUNK = 64 * 1024;
/** fs.watch misses events on some file systems (network shares, some containers); a slow poll backs it up. */
const POLL_MS = 1000;

interface Position {
  ino: number;
  offset: number;
}

/**
 * Calls `onText` with whatever is appended to `file` after `start`. A new inode (rotation) or a
 * shorter file (truncation) starts over from the beginning of the current file.
 */
export function followFile(file: string, start: number, onText: (text: string) => void): Follower {
  let position: Position | undefined = current(file, start);
  let decoder = new StringDecoder('utf8');
  const check = () => {
    const stat = statOrUndefined(file);
    if (!stat) return;
    if (!position || stat.ino !== position.ino || stat.size < position.offset) {
      position = { ino: stat.ino, offset: 0 };
      decoder = new StringDecoder('utf8');
    }
    if (stat.size > position.offset) position.offset = readRange(file, position.offset, stat.size, (b) => onText(decoder.write(b)));
  };
  const watcher = watchDir(file, check);
  const timer = setInterval(check, POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      watcher?.close();
    },
  };
}

function current(file: string, start: number): Position | undefined {
  const stat = statOrUndefined(file);
  return stat ? { ino: stat.ino, offset: Math.min(start, stat.size) } : undefined;
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** The directory is watched, not the file, so a rotated-away file does not keep our attention. */
function watchDir(file: string, onChange: () => void): FSWatcher | undefined {
  const name = basename(file);
  try {
    return watch(dirname(file), (_event, changed) => {
      if (changed === null || changed === name) onChange();
    });
  } catch {
    return undefined;
  }
}

function readRange(file: string, from: number, to: number, onChunk: (chunk: Buffer) => void): number {
  const fd = openSync(file, 'r');
  let offset = from;
  try {
    while (offset < to) {
      const buffer = Buffer.alloc(Math.min(READ_CHUNK, to - offset));
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      if (read === 0) break;
      onChunk(buffer.subarray(0, read));
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
  return offset;
}
