import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import type { Context } from 'koa';
import { errorBody } from '../anthropic/types.js';
import { cacheKey } from '../cache/key.js';
import { type StoredAnswer, storedAnswer } from '../cache/store.js';
import type { MessagesRequest } from '../anthropic/request.js';
import { readBody, scanMessagesRequest } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { queryOf, type RouteDecision, type Target } from '../routing/match.js';
import type { CacheOutcome } from '../usage/record.js';
import type { ProxyContext } from './context.js';
import { Flight, type FlightOutcome, type ServedBy } from './flight.js';
import { logUpstreamFailure } from './failure-log.js';
import { buildRecord } from './record.js';
import { CACHE_HEADER, type ResponseMeter, responseSubscriber, sendStored } from './respond.js';

interface Served {
  cache: CacheOutcome;
  outcome?: FlightOutcome;
  stored?: StoredAnswer;
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  request: MessagesRequest;
  streaming: boolean;
  key: string;
  meter: ResponseMeter;
  decision: RouteDecision;
  /** The upstream's `request-id`, set when this exchange made the upstream call itself. */
  upstreamRequestId?: string;
}

/** The same request routed elsewhere (another provider or target model) is another answer. */
function keyTarget(target: Target, url: string | undefined): string {
  return `${target.provider.name}\0${target.provider.baseUrl}${url ?? ''}\0${target.model}`;
}

/**
 * Where a finished answer is cached: under the route's own key when its provider answered, under
 * the fallback's key when a fallback did. A fallback's answer must never be served later as if
 * the route's provider had given it; the next identical request tries that provider again.
 */
function storeKey(ex: Exchange, servedBy: ServedBy | undefined): string {
  const { decision } = ex;
  if (!servedBy || (servedBy.provider === decision.provider.name && servedBy.model === decision.model)) return ex.key;
  const fallback = decision.fallbacks.find((t) => t.provider.name === servedBy.provider && t.model === servedBy.model);
  if (!fallback) return ex.key;
  const { raw, spans } = ex.request;
  return cacheKey({ target: keyTarget(fallback, ex.req.url), headers: ex.req.headers, raw, spans });
}

function routeQuery(request: MessagesRequest) {
  return queryOf({ model: request.model, stream: request.stream, thinking: request.safeField('thinking') }, request.raw.length);
}

/** Whether the route or one of its fallbacks speaks another format than Anthropic's. */
function translated(decision: RouteDecision): boolean {
  return decision.provider.type !== 'anthropic' || decision.fallbacks.some((t) => t.provider.type !== 'anthropic');
}

function parsedOr400(request: MessagesRequest): void {
  try {
    request.body();
  } catch (error) {
    throw new HttpError(400, `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A request asks to skip the cache with `Cache-Control: no-cache` or `x-cco-cache: bypass`. */
function wantsBypass(req: IncomingMessage): boolean {
  const cc = req.headers['cache-control'];
  return (typeof cc === 'string' && /\bno-(cache|store)\b/i.test(cc)) || req.headers[CACHE_HEADER] === 'bypass';
}

/** `POST /v1/messages`: cache lookup, then a shared upstream call, then a usage record. */
export function messagesHandler(px: ProxyContext) {
  return async (ctx: Context): Promise<void> => {
    const startedAt = px.now();
    const { req, res } = ctx;
    const raw = await readBody(req, px.bodyLimitBytes);
    const request = scanMessagesRequest(raw);
    const streaming = request.stream;
    const decision = px.router.decide(routeQuery(request));
    // Another provider's format needs the whole body; the 400 for a body that is not JSON comes first.
    if (translated(decision)) parsedOr400(request);
    const key = cacheKey({ target: keyTarget(decision, req.url), headers: req.headers, raw, spans: request.spans, body: request.spans ? undefined : request.body() });
    ctx.respond = false;
    const meter: ResponseMeter = { status: 0, bytes: 0, firstByteAt: null };
    const ex: Exchange = { req, res, request, streaming, key, meter, decision };
    const served = await serve(px, ex, wantsBypass(req));
    await finished(res).catch(() => undefined);
    const answer = served.stored;
    const record = buildRecord({
      req, startedAt, endedAt: px.now(), requestBytes: raw.length,
      requestedModel: request.model,
      streaming, cache: served.cache, meter: { status: meter.status || 499, bytes: meter.bytes, firstByteAt: meter.firstByteAt },
      provider: served.outcome?.servedBy?.provider ?? decision.provider.name,
      errorType: served.outcome?.errorType ?? null,
      servedModel: answer?.model ?? served.outcome?.servedModel ?? served.outcome?.servedBy?.model ?? null,
      usage: answer?.usage ?? served.outcome?.usage,
      ...(px.quota?.credentialOf ? { credential: px.quota.credentialOf(req.headers) } : {}),
      // A hit or a coalesced request made no call of its own: only the caller that did carries the id.
      upstreamRequestId: served.cache === 'hit' || served.cache === 'coalesced' ? null : (ex.upstreamRequestId ?? null),
    });
    px.recorder.record(record);
    // Built only when kept: this line would otherwise cost every request a string.
    if (px.logger.debugEnabled?.() !== false) px.logger.debug(
      `${record.method} ${record.path} ${record.status} ${record.cache} ${record.requestedModel ?? '-'} ` +
        `${record.provider}${record.servedModel && record.servedModel !== record.requestedModel ? `:${record.servedModel}` : ''} ` +
        `${record.latencyMs}ms${record.errorType ? ` ${record.errorType}` : ''}`,
    );
  };
}

async function serve(px: ProxyContext, ex: Exchange, bypass: boolean): Promise<Served> {
  if (bypass || !px.cache.enabled) {
    if (refuseOverBudget(px, ex)) return { cache: 'budget' };
    px.cache.count('bypassed');
    return { cache: 'bypass', outcome: await attach(px, startFlight(px, ex, false), ex, 'bypass') };
  }
  const stored = px.cache.get(ex.key);
  if (stored) {
    px.cache.count('hits');
    sendStored(ex.res, stored, ex.streaming, 'hit', ex.meter, px.now);
    return { cache: 'hit', stored };
  }
  const joined = await joinFlight(px, ex);
  if (joined) return joined;
  if (refuseOverBudget(px, ex)) return { cache: 'budget' };
  const outcome = await attach(px, startFlight(px, ex, true), ex, 'miss');
  // A failed call is an error, not a cache miss: the hit rate counts only answers that could be cached.
  px.cache.count(outcome.status >= 400 || outcome.errorType !== null ? 'failed' : 'misses');
  return { cache: 'miss', outcome };
}

/**
 * An exhausted `enforce` budget refuses what would go upstream with the status the API uses for
 * "credit balance too low" (400 invalid_request_error), which Claude Code shows and does not retry.
 * Hits and shared calls cost nothing and were served above.
 */
function refuseOverBudget(px: ProxyContext, ex: Exchange): boolean {
  if (!px.admit) return false;
  // A local model (Ollama) costs nothing, so no budget stops it.
  if (px.router.providerType(ex.decision.provider.name) === 'ollama') return false;
  const project = ex.req.headers['x-cco-project'];
  const model = ex.request.model;
  const message = px.admit({ project: typeof project === 'string' ? project : 'unknown', model });
  if (!message) return false;
  const body = JSON.stringify(errorBody('invalid_request_error', message));
  ex.meter.status = 400;
  ex.meter.bytes = Buffer.byteLength(body);
  // x-should-retry: the SDKs (and so Claude Code) honour it; a budget does not refill in seconds.
  ex.res.writeHead(400, { 'content-type': 'application/json', 'content-length': ex.meter.bytes, 'x-should-retry': 'false' });
  ex.res.end(body);
  return true;
}

/** Shares an identical call already under way, if there is one. */
async function joinFlight(px: ProxyContext, ex: Exchange): Promise<Served | undefined> {
  const flight = px.flights.get(ex.key);
  if (!flight) return undefined;
  if (flight.streaming === ex.streaming) {
    px.cache.count('coalesced');
    return { cache: 'coalesced', outcome: await attach(px, flight, ex, 'coalesced') };
  }
  // The other form can be served only from a complete answer; otherwise this request makes its own call.
  const outcome = await flight.done;
  if (!outcome.message || ex.res.destroyed) return undefined;
  const answer = storedAnswer(outcome.message);
  px.cache.count('coalesced');
  sendStored(ex.res, answer, ex.streaming, 'coalesced', ex.meter, px.now);
  return { cache: 'coalesced', stored: answer };
}

function attach(px: ProxyContext, flight: Flight, ex: Exchange, tag: CacheOutcome): Promise<FlightOutcome> {
  const unsubscribe = flight.subscribe(responseSubscriber(ex.res, tag, ex.meter, px.now));
  ex.res.on('close', () => {
    if (!ex.res.writableFinished) unsubscribe();
  });
  return flight.done;
}

function startFlight(px: ProxyContext, ex: Exchange, shared: boolean): Flight {
  const call = {
    path: ex.req.url ?? '/v1/messages',
    headers: ex.req.headers,
    request: ex.request,
    streaming: ex.streaming,
    maxBufferedBytes: px.bodyLimitBytes,
  };
  const flight = new Flight(
    { limiter: px.limiter, now: px.now, maxBufferedBytes: px.bodyLimitBytes, stopping: px.stopping },
    {
      streaming: ex.streaming,
      send: (signal) => px.router.send(ex.decision, call, signal).then((res) => {
        px.quota?.observe(ex.req.headers, res.headers);
        const id = res.headers['request-id'];
        if (typeof id === 'string' && id !== '') ex.upstreamRequestId = id;
        return res;
      }),
    },
  );
  if (shared) px.flights.set(ex.key, flight);
  void flight.done.then((outcome) => {
    // Once per call: requests that joined this flight share its one failure.
    logUpstreamFailure(px.logger, {
      status: outcome.status, errorType: outcome.errorType, baseUrl: servingBaseUrl(ex.decision, outcome.servedBy),
      method: ex.req.method ?? 'POST', path: call.path, model: outcome.servedBy?.model ?? ex.decision.model,
    });
    if (outcome.message) px.cache.set(storeKey(ex, outcome.servedBy), outcome.message);
    else if (outcome.uncacheable) px.cache.count('uncacheable');
    if (px.flights.get(ex.key) === flight) px.flights.delete(ex.key);
  });
  return flight;
}

/** The base URL of the provider that answered: the route's own, or the fallback that served. */
function servingBaseUrl(decision: RouteDecision, servedBy: ServedBy | undefined): string {
  if (!servedBy || servedBy.provider === decision.provider.name) return decision.provider.baseUrl;
  return decision.fallbacks.find((t) => t.provider.name === servedBy.provider)?.provider.baseUrl ?? decision.provider.baseUrl;
}
