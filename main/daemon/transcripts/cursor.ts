import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * How far one transcript file has been imported: persisted by the importer, so the next run (or
 * the watcher's next look) reads only what was appended. The file's identity (inode and a hash of
 * its first bytes) tells an append from a rotation, a truncation or a rewrite, which start over.
 */
export interface FileCursor {
  file: string;
  /** Byte offset just past the last complete line imported. */
  offset: number;
  ino: number;
  /** SHA-256 of the first `headBytes` bytes of the file, as it was when the cursor was saved. */
  headHash: string;
  headBytes: number;
  /** The last responses counted (message id + request id), so one split across two reads counts once. */
  recentKeys: string[];
  /** Epoch milliseconds of the save. */
  updatedAt: number;
}

/** How much of the file's start identifies it; a transcript's first line (with its session id) fits. */
export const HEAD_BYTES = 1024;
/** Responses remembered across reads; Claude Code writes a response's blocks next to each other. */
export const RECENT_KEYS = 256;

export async function headHash(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return createHash('sha256').update(buf.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

/** Why a saved cursor cannot be resumed from, or null when it can. */
export async function cursorInvalidReason(
  cursor: FileCursor,
  stat: { ino: number; size: number },
): Promise<string | null> {
  if (stat.ino !== cursor.ino) return 'rotated';
  if (stat.size < cursor.offset) return 'truncated';
  if (cursor.headBytes > 0 && (await headHash(cursor.file, cursor.headBytes)) !== cursor.headHash) return 'rewritten';
  return null;
}
