import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1).toLowerCase();
  return hostHeader.split(':')[0]!.toLowerCase();
}

function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || name.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * Refuses what a hostile web page could send: a foreign `Host` (DNS rebinding) or a browser
 * `Origin` other than the daemon's own. Local tools (Claude Code, curl) send no Origin and pass.
 * Returns the reason to refuse, or null.
 */
export function refuseForeignRequest(req: IncomingMessage, extraHosts: ReadonlySet<string>): string | null {
  const host = req.headers.host;
  if (!host) return 'Missing Host header';
  const name = hostnameOf(host);
  if (!isLoopbackName(name) && !extraHosts.has(name)) return `Host "${host}" is not allowed`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `Origin "${origin}" is not allowed`;
  }
  if (url.host.toLowerCase() !== host.toLowerCase()) return `Origin "${origin}" is not allowed`;
  return null;
}
