import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { FileCursor } from './cursor.js';
import { errorMessage } from '../../common/format.js';

/** Where the importer keeps its cursors between runs (the usage database after the merge, a file here). */
export interface CursorStore {
  get(file: string): FileCursor | undefined;
  set(cursor: FileCursor): void;
  /** Makes what was set durable. */
  save(): void;
}

export class MemoryCursorStore implements CursorStore {
  protected readonly cursors = new Map<string, FileCursor>();
  get(file: string): FileCursor | undefined {
    return this.cursors.get(file);
  }
  set(cursor: FileCursor): void {
    this.cursors.set(cursor.file, cursor);
  }
  save(): void {}
}

function isCursor(value: unknown): value is FileCursor {
  const c = value as Partial<FileCursor> | null;
  return typeof c === 'object' && c !== null && typeof c.file === 'string' && typeof c.offset === 'number'
    && typeof c.ino === 'number' && typeof c.headHash === 'string' && typeof c.headBytes === 'number'
    && Array.isArray(c.recentKeys);
}

/**
 * Cursors in a private JSON file, written whole and renamed into place. A damaged file is
 * reported and treated as empty: the next import reads everything again, and the store's
 * (message id, request id) key keeps that from counting anything twice.
 */
export class JsonCursorStore extends MemoryCursorStore {
  constructor(private readonly path: string, onError: (message: string) => void = () => {}) {
    super();
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') onError(`Cannot read ${path}: ${errorMessage(error)}`);
    }
    if (text === undefined) return;
    try {
      const raw = JSON.parse(text) as { cursors?: unknown };
      for (const c of Array.isArray(raw.cursors) ? raw.cursors : []) if (isCursor(c)) this.cursors.set(c.file, c);
    } catch (error) {
      onError(`Ignoring damaged ${path} (${errorMessage(error)}); transcripts are read again from the start`);
    }
  }

  override save(): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, cursors: [...this.cursors.values()] })}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
