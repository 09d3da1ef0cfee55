import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../common/logger.js';
import { appVersion } from '../../common/version.js';
import { messageToSse } from '../anthropic/replay.js';
import type { MessagesRequest } from '../anthropic/request.js';
import { HttpError } from '../http/errors.js';
import { upstreamRequestHeaders } from '../http/headers.js';
import { SseParser } from '../anthropic/sse.js';
import type { UpstreamClient, UpstreamResponse } from '../http/upstream.js';
import { BUILTIN_PROVIDER, type ProviderConfig } from './config.js';
import { type Target, wantsThinking } from './match.js';
import { toAnthropicError, toAnthropicMessage } from './translate/from-openai.js';
import type { ChatCompletion } from './translate/openai-types.js';
import { OpenAiStreamTranslator } from './translate/openai-stream.js';
import { toOpenAiRequest } from './translate/to-openai.js';

/** One client request, as every provider attempt needs it. */
export interface RoutedCall {
  /** Path and query as the client sent them (`/v1/messages?beta=true`). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The client's body: its bytes, its key fields, a full parse only when asked for. */
  request: MessagesRequest;
  streaming: boolean;
  /** Largest error or JSON body read from a provider. */
  maxBufferedBytes: number;
}

export interface SendDeps {
  client(provider: ProviderConfig): UpstreamClient;
  /**
   * Some route leads to a provider that is not Anthropic, whose reasoning came back as unsigned
   * thinking blocks: those are taken out before a request goes to an Anthropic endpoint.
   */
  foreignProviders: boolean;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
}

/** Response headers a client may act on, kept from another provider's reply. */
const KEPT_HEADERS = ['retry-after', 'x-request-id'];

/** Sends the call to one provider and answers in the Anthropic wire format, whatever the provider speaks. */
export function sendToTarget(deps: SendDeps, target: Target, call: RoutedCall, signal: AbortSignal): Promise<UpstreamResponse> {
  return target.provider.type === 'anthropic' ? sendAnthropic(deps, target, call, signal) : sendOpenAi(deps, target, call, signal);
}

function apiKey(deps: SendDeps, provider: ProviderConfig): string | undefined {
  if (!provider.apiKeyEnv) return undefined;
  const key = deps.env[provider.apiKeyEnv];
  if (!key) {
    throw new HttpError(500, `Provider "${provider.name}": the environment variable ${provider.apiKeyEnv} (its API key) is not set in the daemon's environment`);
  }
  return key;
}

async function sendAnthropic(deps: SendDeps, target: Target, call: RoutedCall, signal: AbortSignal): Promise<UpstreamResponse> {
  const { provider } = target;
  const builtin = provider.name === BUILTIN_PROVIDER;
  // The client's own credentials go only to the built-in upstream; another endpoint gets its own key.
  const key = apiKey(deps, provider);
  const overrides: Record<string, string> = { 'accept-encoding': 'identity', ...provider.headers };
  if (key) overrides['x-api-key'] = key;
  const headers = upstreamRequestHeaders(call.headers, overrides);
  if (!builtin) {
    if (!key) delete headers['x-api-key'];
    delete headers.authorization;
  }
  const { request } = call;
  const unsigned = deps.foreignProviders && request.raw.includes(UNSIGNED_THINKING) && parses(request)
    ? withoutUnsignedThinking(request.body().messages)
    : undefined;
  // The client's bytes as they came when they can be; a new model is spliced in; only a rewrite of the messages re-serialises.
  const body = unsigned
    ? Buffer.from(JSON.stringify({ ...request.body(), model: target.model, messages: unsigned }))
    : request.model === target.model ? request.raw : request.withModel(target.model);
  return deps.client(provider).send({ path: call.path, method: 'POST', headers, body, signal });
}

/** A body broken deep inside goes on as it came, and the API's 400 says why. */
function parses(request: MessagesRequest): boolean {
  try {
    request.body();
    return true;
  } catch {
    return false;
  }
}

/** How an unsigned thinking block looks in the compact JSON Claude Code sends (a cheap first check). */
const UNSIGNED_THINKING = '"signature":""';

/**
 * The conversation without the thinking blocks another provider's reasoning became: Anthropic
 * refuses a thinking block whose signature it did not make, which would end a conversation
 * switched back to a Claude model. Undefined when there are none.
 */
export function withoutUnsignedThinking(messages: unknown): unknown[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  let changed = false;
  const out: unknown[] = [];
  for (const m of messages) {
    const content = (m as { role?: unknown; content?: unknown } | null)?.content;
    if ((m as { role?: unknown }).role !== 'assistant' || !Array.isArray(content)) {
      out.push(m);
      continue;
    }
    const kept = content.filter((b: { type?: unknown; signature?: unknown } | null) => !(b?.type === 'thinking' && !b.signature));
    if (kept.length === content.length) {
      out.push(m);
      continue;
    }
    changed = true;
    if (kept.length > 0) out.push({ ...(m as object), content: kept });
  }
  return changed ? out : undefined;
}

async function sendOpenAi(deps: SendDeps, target: Target, call: RoutedCall, signal: AbortSignal): Promise<UpstreamResponse> {
  const { provider } = target;
  const { body, dropped } = toOpenAiRequest(call.request.body(), target.model);
  if (dropped.length > 0) {
    deps.logger.debug(`Provider ${provider.name}: left out what Chat Completions cannot express: ${dropped.join(', ')}`);
  }
  const key = apiKey(deps, provider);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: call.streaming ? 'text/event-stream' : 'application/json',
    'accept-encoding': 'identity',
    'user-agent': `cco/${appVersion()}`,
    ...provider.headers,
  };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await deps.client(provider).send({
    path: '/chat/completions',
    method: 'POST',
    headers,
    body: Buffer.from(JSON.stringify(body)),
    signal,
  });
  if (res.status < 200 || res.status >= 300) {
    const text = (await readAll(res, call.maxBufferedBytes)).toString('utf8');
    return buffered(res.status, JSON.stringify(toAnthropicError(res.status, text, provider.name)), kept(res.headers));
  }
  const isSse = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
  const onDrop = (what: string): void => deps.logger.debug(`Provider ${provider.name}: dropped ${what}`);
  const thinking = wantsThinking(call.request.body());
  if (isSse) {
    const translator = new OpenAiStreamTranslator(target.model, onDrop, { thinking });
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...kept(res.headers) },
      body: translateStream(res.body, translator),
      dump: res.dump,
    };
  }
  const completion = parseCompletion(await readAll(res, call.maxBufferedBytes), provider.name);
  const message = toAnthropicMessage(completion, target.model, { thinking, onDrop });
  // A provider that ignored `stream: true` still gets the client a stream.
  if (call.streaming) return buffered(200, messageToSse(message), { 'content-type': 'text/event-stream; charset=utf-8' });
  return buffered(200, JSON.stringify(message), kept(res.headers));
}

async function* translateStream(body: AsyncIterable<Buffer>, translator: OpenAiStreamTranslator): AsyncGenerator<Buffer> {
  const parser = new SseParser();
  for await (const chunk of body) {
    let out = '';
    for (const event of parser.push(chunk)) out += translator.push(event.data);
    if (out !== '') yield Buffer.from(out);
  }
  parser.flush();
  const tail = translator.end();
  if (tail !== '') yield Buffer.from(tail);
}

function parseCompletion(raw: Buffer, provider: string): ChatCompletion {
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null) return parsed as ChatCompletion;
  } catch {
    // reported below
  }
  throw new HttpError(502, `Provider "${provider}" sent an answer that is not a Chat Completions JSON object`);
}

export async function readAll(res: UpstreamResponse, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > limit) throw new HttpError(502, 'Provider response is too large to proxy');
    parts.push(chunk);
  }
  return Buffer.concat(parts, size);
}

function kept(headers: UpstreamResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

export function buffered(status: number, text: string, headers: UpstreamResponse['headers']): UpstreamResponse {
  const body = Buffer.from(text);
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: (async function* () {
      yield body;
    })(),
    dump: async () => {},
  };
}
