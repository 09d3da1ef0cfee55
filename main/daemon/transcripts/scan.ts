import { stat } from 'node:fs/promises';
import { cursorInvalidReason, type FileCursor, HEAD_BYTES, headHash, RECENT_KEYS } from './cursor.js';
import { readLines } from './lines.js';
import { type FileContext, parseLine, responseKey } from './parse.js';
import { emptyCounts, type ScanCounts, type TranscriptSink, type TranscriptUsageRecord } from './record.js';

export interface ScanOptions {
  now: () => number;
  /** Records handed to the sink at a time. Default 500. */
  batchSize?: number;
  chunkBytes?: number;
  maxLineBytes?: number;
  /** Told after each batch: bytes done so far in this file. */
  onProgress?: (bytes: number) => void;
}

export interface ScanResult {
  cursor: FileCursor;
  counts: ScanCounts;
  /** Set when the saved cursor could not be resumed and the file was read from its start. */
  restarted: 'rotated' | 'truncated' | 'rewritten' | null;
}

/** Remembers the last responses seen, oldest dropped first. */
class RecentKeys {
  private readonly set: Set<string>;
  constructor(keys: readonly string[]) {
    this.set = new Set(keys);
  }
  has(key: string): boolean {
    return this.set.has(key);
  }
  add(key: string): void {
    this.set.add(key);
    if (this.set.size > RECENT_KEYS) this.set.delete(this.set.values().next().value as string);
  }
  list(): string[] {
    return [...this.set];
  }
}

/**
 * Imports what a transcript file gained since `cursor`: each complete line once, each API
 * response once. The cursor returned moves only past lines whose records the sink accepted, so a
 * failure or a crash never loses a record (at worst the store sees one again and drops it).
 */
export async function scanTranscript(
  ctx: FileContext,
  cursor: FileCursor | null,
  sink: TranscriptSink,
  options: ScanOptions,
): Promise<ScanResult> {
  const info = await stat(ctx.file);
  const reason = cursor ? await cursorInvalidReason(cursor, info) : null;
  const resume = cursor !== null && reason === null;
  const start = resume ? cursor.offset : 0;
  const recent = new RecentKeys(resume ? cursor.recentKeys : []);
  const counts = emptyCounts();
  const batchSize = options.batchSize ?? 500;
  let batch: TranscriptUsageRecord[] = [];
  let offset = start;
  let pendingEnd = start;

  const flush = async (): Promise<void> => {
    if (batch.length > 0) await sink.write(batch);
    batch = [];
    offset = pendingEnd;
    options.onProgress?.(offset - start);
  };

  const lines = readLines(ctx.file, {
    start,
    ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
    ...(options.maxLineBytes ? { maxLineBytes: options.maxLineBytes } : {}),
    onOversized: (_from, end) => {
      counts.oversized++;
      pendingEnd = end;
    },
  });
  for await (const line of lines) {
    counts.lines++;
    pendingEnd = line.end;
    const verdict = parseLine(line.text, ctx, line.end);
    if (verdict.kind === 'bad') counts.bad++;
    else if (verdict.kind === 'unknown') counts.unknown++;
    else if (verdict.kind === 'record') {
      const key = responseKey(verdict.record);
      if (recent.has(key)) counts.duplicates++;
      else {
        recent.add(key);
        batch.push(verdict.record);
        counts.records++;
        if (batch.length >= batchSize) await flush();
      }
    }
  }
  await flush();
  counts.bytes = offset - start;
  const headBytes = Math.min(HEAD_BYTES, offset);
  return {
    cursor: {
      file: ctx.file,
      offset,
      ino: info.ino,
      headHash: await headHash(ctx.file, headBytes),
      headBytes,
      recentKeys: recent.list(),
      updatedAt: options.now(),
    },
    counts,
    restarted: reason as ScanResult['restarted'],
  };
}
