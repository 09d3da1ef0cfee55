import type { IncomingMessage } from 'node:http';
import { tokenMatches } from '../../common/token.js';

/** The header the dashboard puts the per-install token in for admin actions. */
export const TOKEN_HEADER = 'x-cco-token';

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Admin actions (state-changing `/api/*` requests) from a browser need the per-install token.
 * A local tool (curl, a script) sends no `Origin` and passes without it, as the troubleshooting
 * guide promises; a token that is given but wrong is refused from anyone. The proxy's own
 * `/v1/*` routes are not admin actions. Returns the reason to refuse, or null.
 */
export function refuseAdminRequest(req: IncomingMessage, path: string, token: string | undefined): string | null {
  if (READ_ONLY_METHODS.has(req.method ?? 'GET') || !path.startsWith('/api/')) return null;
  const given = req.headers[TOKEN_HEADER];
  if (given !== undefined) {
    return token !== undefined && typeof given === 'string' && tokenMatches(token, given) ? null : 'Wrong dashboard token';
  }
  if (req.headers.origin === undefined) return null;
  return 'This action needs the dashboard token (open the dashboard with `cco dashboard`)';
}
