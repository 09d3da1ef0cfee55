import { pipeline } from 'node:stream/promises';
import type { Context } from 'koa';
import { readBody } from '../http/body.js';
import type { ProxyContext } from './context.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { CACHE_HEADER } from './respond.js';

/** Any other `/v1/*` call (count_tokens, models, batches, files, ...): streamed through untouched. */
export function passthroughHandler(px: ProxyContext) {
  return async (ctx: Context): Promise<void> => {
    const { req, res } = ctx;
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const body = hasBody ? await readBody(req, px.bodyLimitBytes) : undefined;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client went away'));
    });
    const release = await px.limiter.acquire(abort.signal);
    try {
      const up = await px.upstream.send({
        path: req.url ?? '/',
        method: req.method ?? 'GET',
        headers: upstreamRequestHeaders(req.headers),
        ...(body ? { body } : {}),
        signal: abort.signal,
      });
      ctx.respond = false;
      res.writeHead(up.status, { ...clientResponseHeaders(up.headers), [CACHE_HEADER]: 'bypass' });
      await pipeline(up.body, res).catch(() => res.destroy());
    } finally {
      release();
    }
  };
}
