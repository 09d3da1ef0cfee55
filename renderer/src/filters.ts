// Drill-down filters (project, model, status), kept in the address so a filtered view can be
// shared and reloaded. Pure functions, tested in Node.
import type { RequestEntry } from '../../shared/api.js';

export interface Filters {
  project?: string;
  model?: string;
  /** An HTTP status (`429`), a class (`4xx`), `error` or `ok`, as `GET /api/requests` takes it. */
  status?: string;
  /** Claude Code's session id where known, else CCO's. */
  session?: string;
  /** Words searched in project, model, status, error type and cache outcome (`q` in the API). */
  q?: string;
}

export const FILTER_KEYS = ['project', 'model', 'status', 'session', 'q'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const FILTER_LABELS: Record<FilterKey, string> = {
  project: 'Project', model: 'Model', status: 'Status', session: 'Session', q: 'Search',
};

export function readFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') filters[key] = value;
  }
  return filters;
}

/** The address's query with the filters set (other parameters kept). */
export function writeFilters(search: string, filters: Filters): string {
  const params = new URLSearchParams(search);
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value === undefined) params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function failed(r: Pick<RequestEntry, 'status' | 'errorType'>): boolean {
  return r.status >= 400 || r.errorType !== null;
}

function statusMatches(status: string, r: Pick<RequestEntry, 'status' | 'errorType'>): boolean {
  if (status === 'error') return failed(r);
  if (status === 'ok') return !failed(r);
  if (/^[1-5]xx$/i.test(status)) return Math.floor(r.status / 100) === Number(status[0]);
  return String(r.status) === status;
}

/** Whether a live request belongs in the filtered list (the daemon filters the first page alike). */
type Filterable = Pick<RequestEntry, 'project' | 'servedModel' | 'requestedModel' | 'status' | 'errorType'> &
  Partial<Pick<RequestEntry, 'session' | 'sessionId' | 'cache'>>;

/** Each word in one of the searched fields, as the daemon's `q` does. */
function searchMatches(q: string, r: Filterable): boolean {
  const fields = [r.project, r.servedModel, r.requestedModel, String(r.status), r.errorType, r.cache]
    .filter((f): f is string => typeof f === 'string')
    .map((f) => f.toLowerCase());
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => fields.some((f) => f.includes(word)));
}

export function matchesFilters(filters: Filters, r: Filterable): boolean {
  if (filters.project !== undefined && r.project !== filters.project) return false;
  if (filters.model !== undefined && r.servedModel !== filters.model && r.requestedModel !== filters.model) return false;
  if (filters.status !== undefined && !statusMatches(filters.status, r)) return false;
  if (filters.session !== undefined && (r.sessionId ?? r.session) !== filters.session) return false;
  if (filters.q !== undefined && !searchMatches(filters.q, r)) return false;
  return true;
}

export function isFiltered(filters: Filters): boolean {
  return FILTER_KEYS.some((key) => filters[key] !== undefined);
}
