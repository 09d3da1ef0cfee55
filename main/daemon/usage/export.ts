import type { Writable } from 'node:stream';
import { matchClauses, type RequestMatch } from './request-list.js';
import { fromRow, REQUEST_COLUMNS } from './rows.js';
import type { Span } from './rollup-read.js';
import type { Db } from './schema.js';
import { prepared } from './statements.js';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value);
}

type Row = Record<string, unknown>;

// A quote, a comma or a line break inside, or white space at either end (a reader would trim it).
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** RFC 4180: quote when needed, double the quotes inside. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Most of a row is numbers, which never need quotes: the regular expression is for text.
  if (typeof value === 'number') return String(value);
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += i === 0 ? csvField(values[i]) : `,${csvField(values[i])}`;
  return `${line}\r\n`;
}

interface Format {
  head: string;
  /** Rows come as arrays in REQUEST_COLUMNS order (SQLite's raw mode: a third cheaper to read). */
  raw: boolean;
  row(row: Row | readonly unknown[], index: number): string;
  tail: string;
}

const FORMATS: Record<ExportFormat, Format> = {
  csv: {
    head: csvLine(REQUEST_COLUMNS),
    raw: true,
    row: (row) => csvLine(row as readonly unknown[]),
    tail: '',
  },
  // One JSON array, one record per line: valid JSON as a whole, and still readable line by line.
  json: {
    head: '[\n',
    raw: false,
    row: (row, index) => (index === 0 ? '' : ',\n') + JSON.stringify(fromRow(row as Row)),
    tail: '\n]\n',
  },
};

/** A CLI export reads objects (rows.ts); the CSV line takes their values in column order. */
function rowValues(row: Row): unknown[] {
  return REQUEST_COLUMNS.map((c) => row[c]);
}

function drainOrClose(out: Writable): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (drained: boolean) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(drained);
    };
    const onDrain = () => settle(true);
    const onClose = () => settle(false);
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/** False when the client went away; waits for `drain` when its buffer is full. */
async function write(out: Writable, chunk: string): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return false;
  return out.write(chunk) || drainOrClose(out);
}

const CHUNK_CHARS = 64 * 1024;

/** Where the next export page starts: after this row (oldest first), or at the range's start. */
export interface ExportPosition {
  startedAt: number;
  id: number;
}

export interface ExportPage {
  text: string;
  rows: number;
  /** Null when the export is complete (the text then carries the format's tail). */
  next: ExportPosition | null;
}

/** Rows per page: about 1 MB of CSV, formatted off the proxy's thread. */
export const EXPORT_PAGE_ROWS = 2000;

const ID = REQUEST_COLUMNS.indexOf('id');
const STARTED_AT = REQUEST_COLUMNS.indexOf('started_at');

function positionOf(row: Row | unknown[]): ExportPosition {
  return Array.isArray(row)
    ? { startedAt: Number(row[STARTED_AT]), id: Number(row[ID]) }
    : { startedAt: Number(row.started_at), id: Number(row.id) };
}

/**
 * One page of an export: up to `limit` rows after `after`, formatted. Keyset paging (started_at, id)
 * holds no read transaction between pages, so a long export never pins the WAL.
 */
export function exportPage(
  db: Db,
  format: ExportFormat,
  span: Span,
  after: ExportPosition | null,
  written: number,
  match: RequestMatch = {},
  limit = EXPORT_PAGE_ROWS,
): ExportPage {
  const f = FORMATS[format];
  const from = span.from;
  // `started_at >= :from` bounds the index walk, so each page starts where the last one stopped.
  const params: Record<string, string | number> = { from, to: span.to, limit };
  const where = ['started_at >= :from', 'started_at < :to', ...matchClauses(match, params)];
  if (match.model !== undefined) {
    where.push('(served_model = :model OR requested_model = :model)');
    params.model = match.model;
  }
  if (after !== null) {
    where.push('(started_at > :afterAt OR (started_at = :afterAt AND id > :afterId))');
    params.from = Math.max(from, after.startedAt);
    params.afterAt = after.startedAt;
    params.afterId = after.id;
  }
  // Prepared once per filter shape (values are bound, never spliced), in the format's row mode.
  const statement = prepared(db, `SELECT ${REQUEST_COLUMNS.join(', ')} FROM requests WHERE ${where.join(' AND ')}
      ORDER BY started_at, id LIMIT :limit /* ${format} */`);
  statement.raw(f.raw);
  const rows = statement.all(params) as (Row | unknown[])[];
  let text = written === 0 && after === null ? f.head : '';
  for (let i = 0; i < rows.length; i++) text += f.row(rows[i]!, written + i);
  const last = rows[rows.length - 1];
  if (rows.length < limit || !last) return { text: text + f.tail, rows: rows.length, next: null };
  return { text, rows: rows.length, next: positionOf(last) };
}

/**
 * Writes the rows to `out` as they are read, a chunk at a time: memory stays flat however many
 * rows there are. Ends `out` unless `end: false` (stdout stays open). Returns the number of rows written (fewer if the client left early).
 */
export async function writeExport(rows: Iterable<Row>, format: ExportFormat, out: Writable, options: { end?: boolean } = {}): Promise<number> {
  const f = FORMATS[format];
  let chunk = f.head;
  let count = 0;
  for (const row of rows) {
    chunk += f.row(f.raw ? rowValues(row) : row, count++);
    if (chunk.length >= CHUNK_CHARS) {
      if (!(await write(out, chunk))) return count;
      chunk = '';
    }
  }
  if ((await write(out, chunk + f.tail)) && options.end !== false) out.end();
  return count;
}
