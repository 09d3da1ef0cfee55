import type { ParsedUrlQuery } from 'node:querystring';
import { HttpError } from '../http/errors.js';
import type { Clock } from '../usage/clock.js';
import { rangeWindow, parseWindow, WindowError, type Window } from '../usage/window.js';
import type { SummaryRange } from '../usage/ranges.js';
import type { CacheOutcome } from '../usage/record.js';
import type { RequestCursor, RequestFilter, RequestMatch, StatusFilter } from '../usage/request-list.js';

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

/**
 * The window a range-taking endpoint reads: `from` and `to` (epoch ms or YYYY-MM-DD, window.ts)
 * when given, overriding `range`; else `range`, one of `ranges`.
 */
export function windowOf<R extends SummaryRange>(
  query: ParsedUrlQuery,
  ranges: readonly R[],
  fallback: R,
  clock: Clock,
): Window {
  const now = clock.now();
  try {
    const custom = parseWindow(param(query, 'from'), param(query, 'to'), now);
    if (custom !== null) return custom;
  } catch (error) {
    if (error instanceof WindowError) throw new HttpError(400, error.message);
    throw error;
  }
  return rangeWindow(oneOf(query, 'range', ranges, fallback), now);
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

const MAX_SEARCH_CHARS = 200;

/** The filters a request list and an export share: project, model, status, cache, session, search. */
export function requestMatchOf(query: ParsedUrlQuery): RequestMatch {
  const match: RequestMatch = {};
  const project = param(query, 'project');
  const model = param(query, 'model');
  const status = statusOf(param(query, 'status'));
  const cache = cacheOf(query);
  const session = param(query, 'session');
  const search = param(query, 'q')?.trim();
  if (session !== undefined) match.session = session;
  if (project !== undefined) match.project = project;
  if (model !== undefined) match.model = model;
  if (status !== undefined) match.status = status;
  if (cache !== undefined) match.cache = cache;
  if (search !== undefined && search !== '') {
    if (search.length > MAX_SEARCH_CHARS) throw new HttpError(400, `q must be at most ${MAX_SEARCH_CHARS} characters`);
    match.search = search;
  }
  return match;
}

/** `before=<startedAt>:<id>`: the page after the last row shown (the previous answer's last row). */
function cursorOf(value: string | undefined): RequestCursor | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+):(\d+)$/.exec(value);
  if (!m) throw new HttpError(400, `before must be "<startedAt>:<id>" of the last request shown, got "${value}"`);
  return { startedAt: Number(m[1]), id: Number(m[2]) };
}

export function requestFilterOf(query: ParsedUrlQuery): RequestFilter {
  const filter: RequestFilter = { limit: limitOf(query), ...requestMatchOf(query) };
  const before = cursorOf(param(query, 'before'));
  if (before !== undefined) filter.before = before;
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
