import type { IncomingMessage } from 'node:http';
import { tokenMatches } from '../../common/token.js';
import { isUnder } from './path.js';

/** The header the dashboard puts the per-install token in for admin actions. */
export const TOKEN_HEADER = 'x-cco-token';

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The daemon's own API (`/api/*`): a token that is given but wrong is refused on every request,
 * reads included, from anyone. Admin actions (state-changing requests) from a browser need the
 * right token; a local tool (curl, a script) sends no `Origin` and passes without one, as the
 * troubleshooting guide promises. The proxy's own `/v1/*` routes are not admin actions.
 * `path` is the normalised path (./path.ts), so no spelling of an `/api` route escapes this.
 * Returns the reason to refuse, or null.
 */
export function refuseAdminRequest(req: IncomingMessage, path: string, token: string | undefined): string | null {
  if (!isUnder(path, '/api')) return null;
  const given = req.headers[TOKEN_HEADER];
  if (given !== undefined) {
    return token !== undefined && typeof given === 'string' && tokenMatches(token, given) ? null : 'Wrong dashboard token';
  }
  if (READ_ONLY_METHODS.has(req.method ?? 'GET') || req.headers.origin === undefined) return null;
  return 'This action needs the dashboard token (open the dashboard with `cco dashboard`)';
}
