import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) plus framing the proxy recomputes itself. `expect` is
 * answered here (Node sends the client its 100 Continue); the proxy sends the body whole.
 */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect',
]);

function isForwardable(name: string): boolean {
  // x-cco-* are ours (attribution, cache control): the provider never needs to see them.
  return !HOP_BY_HOP.has(name) && !name.startsWith('x-cco-');
}

/**
 * The client's headers as they go upstream: credentials, anthropic-version, anthropic-beta,
 * user-agent, x-stainless-* and session headers all pass untouched.
 */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  overrides: Record<string, string> = {},
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || !isForwardable(name)) continue;
    out[name] = value;
  }
  // Also drop headers named by the client's own Connection header (they are hop-by-hop too).
  const connection = incoming.connection;
  if (typeof connection === 'string') {
    for (const token of connection.split(',')) delete out[token.trim().toLowerCase()];
  }
  return Object.assign(out, overrides);
}

/** The upstream's response headers as the client gets them (request-id, retry-after, ratelimits, ...). */
export function clientResponseHeaders(
  upstream: Readonly<Record<string, string | string[] | undefined>>,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  return out;
}
