import { pipeline } from 'node:stream/promises';
import type { Context } from 'koa';
import { readBody } from '../http/body.js';
import { errorTypeForStatus, HttpError } from '../http/errors.js';
import { normalisePath } from '../http/path.js';
import { estimatePromptTokens, queryOf } from '../routing/match.js';
import type { ProxyContext } from './context.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../http/headers.js';
import { logUpstreamFailure } from './failure-log.js';
import { CACHE_HEADER } from './respond.js';

/** Any other `/v1/*` call (count_tokens, models, batches, files, ...): streamed through untouched. */
export function passthroughHandler(px: ProxyContext) {
  return async (ctx: Context): Promise<void> => {
    const { req, res } = ctx;
    // The upstream's URL parser resolves `..` (also spelled `%2e%2e`): what leaves /v1/ would
    // reach another of its paths with the client's credentials.
    if (!normalisePath(ctx.path)?.startsWith('/v1/')) {
      throw new HttpError(400, `Path ${ctx.path} leaves /v1/; only /v1/* is passed to the upstream`);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const body = hasBody ? await readBody(req, px.bodyLimitBytes) : undefined;
    if (body && routedCountTokens(px, ctx.path, body)) {
      // The upstream does not know another provider's model (and Chat Completions has no
      // count endpoint): an estimate keeps Claude Code's context meter working.
      ctx.set(CACHE_HEADER, 'bypass');
      ctx.body = { input_tokens: estimatePromptTokens(body.length) };
      return;
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client went away'));
    });
    const release = await px.limiter.acquire(abort.signal);
    const failure = { baseUrl: px.upstream.baseUrl, method: req.method ?? 'GET', path: ctx.path };
    try {
      const up = await px.upstream.send({
        path: req.url ?? '/',
        method: req.method ?? 'GET',
        headers: upstreamRequestHeaders(req.headers),
        ...(body ? { body } : {}),
        signal: abort.signal,
      }).catch((error: unknown) => {
        if (error instanceof HttpError) logUpstreamFailure(px.logger, { ...failure, status: error.status, errorType: error.type });
        throw error;
      });
      logUpstreamFailure(px.logger, { ...failure, status: up.status, errorType: errorTypeForStatus(up.status) });
      ctx.respond = false;
      const headers = clientResponseHeaders(up.headers);
      headers[CACHE_HEADER] = 'bypass';
      res.writeHead(up.status, headers);
      await pipeline(up.body, res).catch(() => res.destroy());
    } finally {
      release();
    }
  };
}

/** A count_tokens call for a model routed to a provider that is not Anthropic-compatible. */
function routedCountTokens(px: ProxyContext, path: string, raw: Buffer): boolean {
  if (path !== '/v1/messages/count_tokens' || px.router.table.upstreamOnly) return false;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return px.router.decide(queryOf(body as Record<string, unknown>, raw.length)).provider.type !== 'anthropic';
}
