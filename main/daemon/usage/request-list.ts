import type { CacheOutcome } from './record.js';
import { fromRow, REQUEST_COLUMNS, type StoredRequest } from './rows.js';
import type { Db } from './schema.js';

/** `429` exactly, a class (`4xx`), any failure (`error`) or any success (`ok`). */
export type StatusFilter =
  | { kind: 'exact'; status: number }
  | { kind: 'class'; hundreds: number }
  | { kind: 'error' }
  | { kind: 'ok' };

export interface RequestFilter {
  limit: number;
  project?: string;
  /** Matches the served or the requested model. */
  model?: string;
  /** Claude Code's session id where known, else CCO's session. */
  session?: string;
  status?: StatusFilter;
  cache?: CacheOutcome;
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

/** Newest first. Project, model, session and exact status walk their own index, newest first. */
export function queryRequests(db: Db, filter: RequestFilter): StoredRequest[] {
  const where: string[] = [];
  const params: Record<string, string | number> = { limit: Math.floor(filter.limit) };
  if (filter.project !== undefined) {
    where.push('project = :project');
    params.project = filter.project;
  }
  if (filter.session !== undefined) {
    where.push('COALESCE(session_id, session) = :session');
    params.session = filter.session;
  }
  if (filter.status !== undefined) {
    where.push(statusClause(filter.status));
    Object.assign(params, statusParams(filter.status));
  }
  if (filter.cache !== undefined) {
    where.push('cache = :cache');
    params.cache = filter.cache;
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
