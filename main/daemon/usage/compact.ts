import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { formatBytes } from '../../../shared/format.js';
import type { Db } from './schema.js';

// A file created by schema v3 or later has auto_vacuum = INCREMENTAL, so each prune gives its pages
// back (retention.ts). A file upgraded from v2 was made without it, and SQLite can switch only by
// rewriting the whole file with VACUUM. That is done once, on the writer's thread after a prune,
// when enough is free to be worth it: the rows that arrive meanwhile wait in the writer's queue.

const AUTO_VACUUM_INCREMENTAL = 2;
/** Worth a rewrite: at least a tenth of the file, and 1 MiB at the usual 4 KiB page. */
const MIN_FREE_SHARE = 0.1;
const MIN_FREE_PAGES = 256;

export interface FileShape {
  pageSize: number;
  pages: number;
  freePages: number;
  autoVacuum: number;
}

export type CompactOutcome =
  | { kind: 'converted'; beforeBytes: number; afterBytes: number; ms: number }
  | { kind: 'no-space'; neededBytes: number; freeBytes: number; where: string };

function pragmaNumber(db: Db, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown> | undefined;
  return Number(row?.[name] ?? 0);
}

export function fileShape(db: Db): FileShape {
  return {
    pageSize: pragmaNumber(db, 'page_size'),
    pages: pragmaNumber(db, 'page_count'),
    freePages: pragmaNumber(db, 'freelist_count'),
    autoVacuum: pragmaNumber(db, 'auto_vacuum'),
  };
}

/** An upgraded file holding enough free pages that only a rewrite would give back. */
export function needsConversion(shape: FileShape): boolean {
  return shape.autoVacuum !== AUTO_VACUUM_INCREMENTAL
    && shape.freePages >= MIN_FREE_PAGES
    && shape.freePages >= shape.pages * MIN_FREE_SHARE;
}

/** Free bytes on the file system holding `path`. */
export type FreeSpace = (path: string) => number;

export const freeSpace: FreeSpace = (path) => {
  const s = statfsSync(path);
  return s.bavail * s.bsize;
};

/**
 * Where VACUUM writes: a temporary copy of the live pages (in the temp directory) and then the
 * whole file again through the WAL, beside the database. Each needs the live size, with a margin.
 */
function missingSpace(file: string, liveBytes: number, free: FreeSpace): CompactOutcome | null {
  const neededBytes = Math.ceil(liveBytes * 1.2) + 16 * 1024 * 1024;
  for (const where of new Set([dirname(file), tmpdir()])) {
    const freeBytes = free(where);
    if (freeBytes < neededBytes) return { kind: 'no-space', neededBytes, freeBytes, where };
  }
  return null;
}

/** Rewrites the file once with incremental auto-vacuum, giving back every free page. */
export function convertToIncremental(db: Db, file: string, free: FreeSpace = freeSpace): CompactOutcome {
  const before = fileShape(db);
  const liveBytes = (before.pages - before.freePages) * before.pageSize;
  const lacking = missingSpace(file, liveBytes, free);
  if (lacking) return lacking;
  const started = Date.now();
  db.exec(`PRAGMA auto_vacuum = INCREMENTAL`);
  db.exec('VACUUM');
  // The rewrite went through the WAL: fold it back so the disk sees the smaller file now.
  db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').all();
  const after = fileShape(db);
  return { kind: 'converted', beforeBytes: before.pages * before.pageSize, afterBytes: after.pages * after.pageSize, ms: Date.now() - started };
}

/** The log line a compaction deserves: what the user got back, or what to do about the space. */
export function describeCompaction(file: string, outcome: CompactOutcome): { level: 'info' | 'warn'; message: string } {
  if (outcome.kind === 'converted') {
    return {
      level: 'info',
      message: `Usage database ${file}: rewritten once so that it shrinks after each prune, ` +
        `${formatBytes(outcome.beforeBytes, ' ')} -> ${formatBytes(outcome.afterBytes, ' ')} (${(outcome.ms / 1000).toFixed(1)} s)`,
    };
  }
  return {
    level: 'warn',
    message: `Usage database ${file} was made by an older CCO and keeps the space of pruned rows. Giving it back ` +
      `needs ${formatBytes(outcome.neededBytes, ' ')} free in ${outcome.where}, which has ${formatBytes(outcome.freeBytes, ' ')}. ` +
      'Free some space: CCO tries again after the next prune.',
  };
}
