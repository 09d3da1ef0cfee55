import { open } from 'node:fs/promises';

/** One complete line of a file (without its newline) and where the next line starts. */
export interface FileLine {
  text: string;
  /** Byte offset just past this line's newline: where a later read resumes. */
  end: number;
}

export interface LineReadOptions {
  /** Byte offset to start at (a saved cursor). */
  start: number;
  /** Bytes read at a time. Default 1 MiB. */
  chunkBytes?: number;
  /** A longer line is skipped without being held in memory (and reported through `onOversized`). Default 64 MiB. */
  maxLineBytes?: number;
  onOversized?: (start: number, end: number) => void;
}

const NEWLINE = 0x0a;

/**
 * Streams the complete lines of a file from a byte offset, holding at most one chunk plus one line.
 * A last line without its newline is left alone: Claude Code may be writing it right now, and the
 * next read resumes at its start once it is whole.
 */
export async function* readLines(file: string, options: LineReadOptions): AsyncGenerator<FileLine> {
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const maxLine = options.maxLineBytes ?? 64 * 1024 * 1024;
  const handle = await open(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    let position = options.start;
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let lineStart = options.start;
    let skipping = false;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, position);
      if (bytesRead === 0) return;
      let from = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, from);
        if (nl === -1 || nl >= bytesRead) break;
        const end = position + nl + 1;
        if (skipping) {
          options.onOversized?.(lineStart, end);
          skipping = false;
        } else {
          const piece = chunk.subarray(from, nl);
          const text = carryBytes === 0
            ? piece.toString('utf8')
            : Buffer.concat([...carry, piece], carryBytes + piece.length).toString('utf8');
          yield { text, end };
        }
        carry = [];
        carryBytes = 0;
        lineStart = end;
        from = nl + 1;
      }
      if (from < bytesRead && !skipping) {
        carryBytes += bytesRead - from;
        if (carryBytes > maxLine) {
          skipping = true;
          carry = [];
          carryBytes = 0;
        } else {
          carry.push(Buffer.from(chunk.subarray(from, bytesRead)));
        }
      }
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
