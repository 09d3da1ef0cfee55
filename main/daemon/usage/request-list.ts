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
  status?: StatusFilter;
  cache?: CacheOutcome;
}

const IS_ERROR = '(status >= 400 OR error_type IS NOT NULL)';

function statusClause(filter: StatusFilter): string {
  switch (filter.kind) {
    case 'exact': return 'status = :status';
    case 'class': return 'status >= :statusLow AND status < :statusHigh';
    case 'error': return IS_ERROR;
    case 'ok': return `NOT ${IS_ERROR}`;
  }
}

function statusParams(filter: StatusFilter): Record<string, number> {
  if (filter.kind === 'exact') return { status: filter.status };
  if (filter.kind === 'class') return { statusLow: filter.hundreds * 100, statusHigh: filter.hundreds * 100 + 100 };
  return {};
}

/** Newest first. */
export function queryRequests(db: Db, filter: RequestFilter): StoredRequest[] {
  const where: string[] = [];
  const params: Record<string, string | number> = { limit: Math.floor(filter.limit) };
  if (filter.project !== undefined) {
    where.push('project = :project');
    params.project = filter.project;
  }
  if (filter.model !== undefined) {
    where.push('(served_model = :model OR requested_model = :model)');
    params.model = filter.model;
  }
  if (filter.status !== undefined) {
    where.push(statusClause(filter.status));
    Object.assign(params, statusParams(filter.status));
  }
  if (filter.cache !== undefined) {
    where.push('cache = :cache');
    params.cache = filter.cache;
  }
  const sql =
    `SELECT ${REQUEST_COLUMNS.join(', ')} FROM requests` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY started_at DESC, id DESC LIMIT :limit';
  return (db.prepare(sql).all(params) as Array<Record<string, unknown>>).map(fromRow);
}
