// The floor: the least a Node proxy can do. node:http in, an undici Pool out, bodies piped both
// ways, nothing parsed. CCO's per-request cost is reported as a ratio to this one's.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

/** Hop-by-hop headers, which a proxy must not forward. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection', 'te']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP.has(name)) out[name] = value;
  }
  return out;
}

export function startFloorProxy(upstream: string): Promise<{ url: string; server: Server; pool: Pool }> {
  const pool = new Pool(upstream, { connections: 64 });
  const server = createServer((req, res) => {
    pool.request({ path: req.url ?? '/', method: (req.method ?? 'POST') as 'POST', headers: forwardable(req.headers), body: req })
      .then(async (up) => {
        res.writeHead(up.statusCode, forwardable(up.headers));
        await pipeline(up.body, res);
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, server, pool });
    });
  });
}
