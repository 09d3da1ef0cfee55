import type { ParsedUrlQuery } from 'node:querystring';
import { HttpError } from '../http/errors.js';
import type { CacheOutcome } from '../usage/record.js';
import type { RequestFilter, StatusFilter } from '../usage/request-list.js';

export const MAX_REQUEST_LIMIT = 1000;
const DEFAULT_REQUEST_LIMIT = 50;
const CACHE_OUTCOMES: readonly CacheOutcome[] = ['hit', 'miss', 'bypass', 'coalesced', 'budget'];

/** One query parameter as a string; absent or empty counts as not given. Repeats are refused. */
export function param(query: ParsedUrlQuery, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new HttpError(400, `${name} may be given only once`);
  return value === undefined || value === '' ? undefined : value;
}

/** A parameter that must be one of `allowed`, else a 400 naming them. */
export function oneOf<T extends string>(
  query: ParsedUrlQuery,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = param(query, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new HttpError(400, `${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function limitOf(query: ParsedUrlQuery): number {
  const value = param(query, 'limit');
  if (value === undefined) return DEFAULT_REQUEST_LIMIT;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new HttpError(400, `limit must be a whole number >= 1, got "${value}"`);
  return Math.min(n, MAX_REQUEST_LIMIT);
}

function statusOf(value: string | undefined): StatusFilter | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === 'error' || v === 'ok') return { kind: v };
  if (/^[1-5]xx$/.test(v)) return { kind: 'class', hundreds: Number(v[0]) };
  if (/^[1-5]\d\d$/.test(v)) return { kind: 'exact', status: Number(v) };
  throw new HttpError(400, `status must be an HTTP status (429), a class (4xx), "error" or "ok", got "${value}"`);
}

function cacheOf(query: ParsedUrlQuery): CacheOutcome | undefined {
  if (param(query, 'cache') === undefined) return undefined;
  return oneOf(query, 'cache', CACHE_OUTCOMES, 'hit');
}

export function requestFilterOf(query: ParsedUrlQuery): RequestFilter {
  const filter: RequestFilter = { limit: limitOf(query) };
  const project = param(query, 'project');
  const model = param(query, 'model');
  const status = statusOf(param(query, 'status'));
  const cache = cacheOf(query);
  const session = param(query, 'session');
  if (session !== undefined) filter.session = session;
  if (project !== undefined) filter.project = project;
  if (model !== undefined) filter.model = model;
  if (status !== undefined) filter.status = status;
  if (cache !== undefined) filter.cache = cache;
  return filter;
}

/** `limit` (1..500, default 50) and `offset` (default 0) of a paged list. */
export function pageOf(query: ParsedUrlQuery): { limit: number; offset: number } {
  const whole = (name: string, fallback: number, min: number): number => {
    const value = param(query, name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new HttpError(400, `${name} must be a whole number >= ${min}, got "${value}"`);
    }
    return Number(value);
  };
  return { limit: Math.min(whole('limit', 50, 1), 500), offset: whole('offset', 0, 0) };
}
