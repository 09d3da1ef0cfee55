import type { CursorStore } from './cursor-store.js';
import { listTranscripts, type TranscriptFile } from './layout.js';
import { addCounts, emptyCounts, type ScanCounts, type TranscriptSink, type TranscriptUsageRecord } from './record.js';
import { scanTranscript } from './scan.js';
import { errorMessage } from '../../common/format.js';

export interface ImportProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptions {
  /** Claude Code's configuration directory (the one holding `projects/`). */
  claudeDir: string;
  sink: TranscriptSink;
  cursors: CursorStore;
  now: () => number;
  /** Epoch ms: responses before it are left out, and files untouched since are not opened. */
  since?: number;
  onProgress?: (progress: ImportProgress) => void;
  chunkBytes?: number;
}

export interface ImportResult {
  files: number;
  /** Files that had something new. */
  filesRead: number;
  counts: ScanCounts;
  /** Responses left out by `since`. */
  beforeSince: number;
  /** Files read again from their start (rotated, truncated or rewritten since the last import). */
  restarted: number;
  /** Files that could not be read; the others were imported. */
  failures: Array<{ file: string; message: string }>;
}

/** Bytes left to read in a file; a file whose cursor is at its end is skipped without being opened. */
function pending(f: TranscriptFile, cursors: CursorStore): number {
  const c = cursors.get(f.file);
  return c && f.size >= c.offset ? f.size - c.offset : f.size;
}

function sinceFilter(sink: TranscriptSink, since: number | undefined, skipped: { n: number }): TranscriptSink {
  if (since === undefined) return sink;
  return {
    write(records) {
      const kept = records.filter((r: TranscriptUsageRecord) => r.timestamp === null || r.timestamp >= since);
      skipped.n += records.length - kept.length;
      return kept.length > 0 ? sink.write(kept) : undefined;
    },
  };
}

/**
 * Imports every transcript's new lines once. Idempotent: a second run with the same cursors reads
 * nothing. A file that fails (removed mid-run, unreadable) is reported and the others go on.
 */
export async function importTranscripts(options: ImportOptions): Promise<ImportResult> {
  const all = await listTranscripts(options.claudeDir);
  const since = options.since;
  const files = since === undefined ? all : all.filter((f) => f.mtimeMs >= since);
  const work = files.filter((f) => pending(f, options.cursors) > 0);
  const progress: ImportProgress = {
    filesDone: 0,
    filesTotal: work.length,
    bytesDone: 0,
    bytesTotal: work.reduce((sum, f) => sum + pending(f, options.cursors), 0),
  };
  const result: ImportResult = {
    files: all.length, filesRead: 0, counts: emptyCounts(), beforeSince: 0, restarted: 0, failures: [],
  };
  const skipped = { n: 0 };
  const sink = sinceFilter(options.sink, options.since, skipped);
  options.onProgress?.(progress);
  for (const file of work) {
    const doneBefore = progress.bytesDone;
    const size = pending(file, options.cursors);
    try {
      const scan = await scanTranscript(file, options.cursors.get(file.file) ?? null, sink, {
        now: options.now,
        ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}),
        onProgress: (bytes) => {
          progress.bytesDone = doneBefore + bytes;
          options.onProgress?.(progress);
        },
      });
      options.cursors.set(scan.cursor);
      addCounts(result.counts, scan.counts);
      if (scan.restarted) result.restarted++;
      if (scan.counts.bytes > 0) result.filesRead++;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Removed since the listing (Claude Code cleans up old sessions): nothing left to import.
      if (code !== 'ENOENT') result.failures.push({ file: file.file, message: code ?? errorMessage(error) });
    }
    progress.filesDone++;
    progress.bytesDone = doneBefore + size;
    options.onProgress?.(progress);
  }
  options.cursors.save();
  result.beforeSince = skipped.n;
  return result;
}
