import type { CacheOutcome } from './record.js';
import { fromRow, REQUEST_COLUMNS, type StoredRequest } from './rows.js';
import type { Db } from './schema.js';

/** `429` exactly, a class (`4xx`), any failure (`error`) or any success (`ok`). */
export type StatusFilter =
  | { kind: 'exact'; status: number }
  | { kind: 'class'; hundreds: number }
  | { kind: 'error' }
  | { kind: 'ok' };

/** What a request list or an export is narrowed to; the same for both, so an export is what was shown. */
export interface RequestMatch {
  project?: string;
  /** Matches the served or the requested model. */
  model?: string;
  /** Claude Code's session id where known, else CCO's session. */
  session?: string;
  status?: StatusFilter;
  cache?: CacheOutcome;
  /** Words found in project, model, status or error type (case-insensitive); bodies are not stored. */
  search?: string;
}

/** Rows strictly older than this one (newest-first paging). */
export interface RequestCursor {
  startedAt: number;
  id: number;
}

export interface RequestFilter extends RequestMatch {
  limit: number;
  before?: RequestCursor;
}

function statusClause(filter: StatusFilter): string {
  switch (filter.kind) {
    case 'exact': return 'status = :status';
    // `+status`: a class or outcome matches most rows, which the newest-first walk finds at once.
    case 'class': return '+status >= :statusLow AND +status < :statusHigh';
    case 'error': return '(+status >= 400 OR error_type IS NOT NULL)';
    case 'ok': return `NOT (+status >= 400 OR error_type IS NOT NULL)`;
  }
}

function statusParams(filter: StatusFilter): Record<string, number> {
  if (filter.kind === 'exact') return { status: filter.status };
  if (filter.kind === 'class') return { statusLow: filter.hundreds * 100, statusHigh: filter.hundreds * 100 + 100 };
  return {};
}

const SEARCHED = ['project', 'served_model', 'requested_model', 'CAST(status AS TEXT)', 'error_type', 'cache'];

/** `%`, `_` and the escape itself match literally. */
function likePattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Each word must appear in one of the searched columns. */
function searchClauses(search: string, params: Record<string, string | number>): string[] {
  const words = search.trim().split(/\s+/).filter(Boolean).slice(0, 8);
  return words.map((word, i) => {
    params[`q${i}`] = likePattern(word);
    return `(${SEARCHED.map((c) => `${c} LIKE :q${i} ESCAPE '\\'`).join(' OR ')})`;
  });
}

/** The WHERE terms of a match (model excepted: callers decide how to walk its two indexes). */
export function matchClauses(match: RequestMatch, params: Record<string, string | number>): string[] {
  const where: string[] = [];
  if (match.project !== undefined) {
    where.push('project = :project');
    params.project = match.project;
  }
  if (match.session !== undefined) {
    where.push('COALESCE(session_id, session) = :session');
    params.session = match.session;
  }
  if (match.status !== undefined) {
    where.push(statusClause(match.status));
    Object.assign(params, statusParams(match.status));
  }
  if (match.cache !== undefined) {
    where.push('cache = :cache');
    params.cache = match.cache;
  }
  if (match.search !== undefined) where.push(...searchClauses(match.search, params));
  return where;
}

/** Newest first. Project, model, session and exact status walk their own index, newest first. */
export function queryRequests(db: Db, filter: RequestFilter): StoredRequest[] {
  const params: Record<string, string | number> = { limit: Math.floor(filter.limit) };
  const where = matchClauses(filter, params);
  if (filter.before !== undefined) {
    where.push('(started_at < :beforeAt OR (started_at = :beforeAt AND id < :beforeId))');
    params.beforeAt = filter.before.startedAt;
    params.beforeId = filter.before.id;
  }
  const select = (extra: string[]) => {
    const all = [...where, ...extra];
    return `SELECT ${REQUEST_COLUMNS.join(', ')} FROM requests` + (all.length ? ` WHERE ${all.join(' AND ')}` : '') +
      ' ORDER BY started_at DESC, id DESC LIMIT :limit';
  };
  let sql = select([]);
  if (filter.model !== undefined) {
    // Served or requested model: each side walks its own index newest first, then the two merge.
    params.model = filter.model;
    sql = `SELECT * FROM (${select(['served_model = :model'])}) UNION
      SELECT * FROM (${select(['requested_model = :model'])}) ORDER BY started_at DESC, id DESC LIMIT :limit`;
  }
  return (db.prepare(sql).all(params) as Array<Record<string, unknown>>).map(fromRow);
}
