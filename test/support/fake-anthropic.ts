import { setTimeout as delay } from 'node:timers/promises';
/**
 * A stand-in for api.anthropic.com that speaks the Messages wire format closely enough that the
 * official SDK (and the proxy under test) cannot tell the difference. Behaviour is picked by
 * directives in the text of the last user message, so a test chooses the upstream's behaviour
 * through the request itself and the proxy in between needs no test hooks.
 *
 * Directives (matched anywhere in that text, case-sensitive, can be combined):
 *   content:  tool_result in the last user message > TOOL:<name> > LONG:<n> > echo;  THINK prefixes
 *             a thinking block to any of them
 *   delivery: ERROR:<status> > HANG > DROP > HOLD:<tag> / STREAM_ERROR;  DROP_STREAM cuts only a
 *             streaming answer (a non-streaming retry of the same request then succeeds)
 *   quota:    QUOTA:<fraction> sets the 5-hour window's utilization in the unified plan-quota headers
 *             (default 0.1; the 7-day window stays at 0.2)
 *
 * Usage is reported like the real API: every content block with `cache_control` is a prompt-cache
 * write the first time this fake sees it (`ephemeral_1h_input_tokens` when its ttl is "1h", else
 * `ephemeral_5m_input_tokens`) and a cache read after that; `service_tier` is "standard".
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  json: unknown;
  /** true once the client closed the connection before the response ended */
  aborted: boolean;
}

export interface FakeAnthropic {
  /** "http://127.0.0.1:PORT" */
  url: string;
  /** every request in arrival order */
  requests: RecordedRequest[];
  /** number of POST /v1/messages calls */
  readonly messageCalls: number;
  /** lets a HOLD:<tag> response continue; the tag stays released, so later HOLD:<tag> requests don't wait */
  release(tag: string): void;
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** closes server and destroys open sockets */
  close(): Promise<void>;
}

export interface FakeAnthropicOptions {
  /** write every SSE event in 2–3 odd-sized pieces, cut inside the JSON (and inside UTF-8 sequences) */
  splitChunks?: boolean;
  /** false keeps `requests` empty (long benchmark runs would otherwise hold every body); default true */
  record?: boolean;
  /** The model's thinking time before a message answer starts (the benchmark's realistic upstream); default 0 */
  latencyMs?: number;
}

export const TOOL_INPUT = { location: 'Paris', units: 'celsius', nested: { a: [1, 2, 3] } } as const;

export const FAKE_MODELS = [
  { type: 'model', id: 'claude-opus-4-8', display_name: 'Claude Opus 4.8', created_at: '2026-05-14T00:00:00Z' },
  { type: 'model', id: 'claude-sonnet-4-6', display_name: 'Claude Sonnet 4.6', created_at: '2026-02-17T00:00:00Z' },
  { type: 'model', id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-15T00:00:00Z' },
] as const;

const ERROR_TYPES: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'Invalid request' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
  404: { type: 'not_found_error', message: 'Not found' },
  413: { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' },
  429: { type: 'rate_limit_error', message: 'Number of requests has exceeded your per-minute rate limit' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

const TEXT_CHUNK = 12;
// Odd, uneven sizes so fragments end mid-key, mid-string and mid-number.
const JSON_FRAGMENT_SIZES = [3, 9, 1, 14, 6, 2];
const LONG_FILLER = 'The quick brown fox jumps over the lazy dog. ';

type Block =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  service_tier: 'standard';
}

interface Reply {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: Block[];
  stop_reason: 'end_turn' | 'tool_use';
  stop_sequence: null;
  usage: Usage;
}

interface SseEvent {
  event: string;
  data: unknown;
}

interface Directives {
  error?: number;
  hang: boolean;
  drop: boolean;
  dropStream: boolean;
  hold?: string;
  streamError: boolean;
  tool?: string;
  think: boolean;
  long?: number;
  quota?: number;
}

interface UserTurn {
  text: string;
  toolResult?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDirectives(text: string): Directives {
  const error = /\bERROR:(\d{3})\b/.exec(text)?.[1];
  const tool = /\bTOOL:([A-Za-z0-9_-]+)/.exec(text)?.[1];
  const long = /\bLONG:(\d+)\b/.exec(text)?.[1];
  const hold = /\bHOLD:([A-Za-z0-9_.-]+)/.exec(text)?.[1];
  const quota = /\bQUOTA:(\d+(?:\.\d+)?)/.exec(text)?.[1];
  const directives: Directives = {
    hang: /\bHANG\b/.test(text),
    drop: /\bDROP\b/.test(text),
    dropStream: /\bDROP_STREAM\b/.test(text),
    streamError: /\bSTREAM_ERROR\b/.test(text),
    think: /\bTHINK\b/.test(text),
  };
  if (error !== undefined) directives.error = Number(error);
  if (tool !== undefined) directives.tool = tool;
  if (long !== undefined) directives.long = Number(long);
  if (hold !== undefined) directives.hold = hold;
  if (quota !== undefined) directives.quota = Number(quota);
  return directives;
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { type: 'text'; text: string } => isRecord(b) && b.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join('\n');
}

/** The text directives are read from, and the tool_result if this turn answers a tool call. */
function lastUserTurn(messages: unknown[]): UserTurn {
  const last = messages.findLast((m) => isRecord(m) && m.role === 'user');
  if (!isRecord(last)) return { text: '' };
  const content = last.content;
  if (typeof content === 'string') return { text: content };
  if (!Array.isArray(content)) return { text: '' };
  let text = '';
  let toolResult: string | undefined;
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') text = block.text;
    if (block.type === 'tool_result') toolResult = toolResultText(block.content);
  }
  return toolResult === undefined ? { text } : { text, toolResult };
}

function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

interface CachedBlock {
  key: string;
  tokens: number;
  ttl: '5m' | '1h';
}

/** Every block of system, tools and messages that carries `cache_control`, in prompt order. */
function cachedBlocks(body: Record<string, unknown>): CachedBlock[] {
  const found: CachedBlock[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!isRecord(value)) return;
    if (isRecord(value.cache_control)) {
      const json = JSON.stringify(value);
      found.push({
        key: createHash('sha256').update(json).digest('hex'),
        tokens: estimateTokens(json.length),
        ttl: value.cache_control.ttl === '1h' ? '1h' : '5m',
      });
    }
    if (Array.isArray(value.content)) visit(value.content);
  };
  visit(body.tools);
  visit(body.system);
  visit(body.messages);
  return found;
}

/**
 * About a quarter of the body's length, leaving out the fields that don't change the prompt, so a
 * streamed, non-streamed and count_tokens request for the same prompt all report the same number.
 */
function inputTokens(body: Record<string, unknown>): number {
  const { stream: _stream, max_tokens: _maxTokens, ...prompt } = body;
  return estimateTokens(JSON.stringify(prompt).length);
}

/** Split on code points so a delta never carries half a surrogate pair. */
function chunkText(text: string, size: number): string[] {
  const points = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < points.length; i += size) chunks.push(points.slice(i, i + size).join(''));
  return chunks;
}

function fragmentJson(json: string): string[] {
  const fragments: string[] = [];
  for (let i = 0, k = 0; i < json.length; k++) {
    const size = JSON_FRAGMENT_SIZES[k % JSON_FRAGMENT_SIZES.length] ?? 5;
    fragments.push(json.slice(i, i + size));
    i += size;
  }
  return fragments;
}

function longText(n: number): string {
  return LONG_FILLER.repeat(Math.ceil(n / LONG_FILLER.length)).slice(0, n);
}

function streamEvents(reply: Reply): SseEvent[] {
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          ...reply,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...reply.usage, output_tokens: 1 },
        },
      },
    },
    { event: 'ping', data: { type: 'ping' } },
  ];
  const delta = (index: number, d: Record<string, unknown>): SseEvent => ({
    event: 'content_block_delta',
    data: { type: 'content_block_delta', index, delta: d },
  });
  reply.content.forEach((block, index) => {
    let start: Block;
    const deltas: SseEvent[] = [];
    switch (block.type) {
      case 'text':
        start = { type: 'text', text: '' };
        for (const text of chunkText(block.text, TEXT_CHUNK)) deltas.push(delta(index, { type: 'text_delta', text }));
        break;
      case 'thinking':
        start = { type: 'thinking', thinking: '', signature: '' };
        for (const thinking of chunkText(block.thinking, TEXT_CHUNK)) {
          deltas.push(delta(index, { type: 'thinking_delta', thinking }));
        }
        deltas.push(delta(index, { type: 'signature_delta', signature: block.signature }));
        break;
      case 'tool_use':
        start = { type: 'tool_use', id: block.id, name: block.name, input: {} };
        // The real API opens every tool_use block with an empty fragment.
        deltas.push(delta(index, { type: 'input_json_delta', partial_json: '' }));
        for (const partial_json of fragmentJson(JSON.stringify(block.input))) {
          deltas.push(delta(index, { type: 'input_json_delta', partial_json }));
        }
        break;
    }
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: start } });
    events.push(...deltas);
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push(
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: reply.stop_reason, stop_sequence: null },
        usage: { output_tokens: reply.usage.output_tokens },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}

function encodeEvent(event: SseEvent): Buffer {
  return Buffer.from(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`, 'utf8');
}

/**
 * Cuts at byte offsets, and when the event carries non-ASCII text the first cut lands inside a
 * multi-byte UTF-8 sequence on purpose: a proxy that decodes each chunk on its own corrupts it.
 */
function splitPieces(buf: Buffer, seq: number): Buffer[] {
  const dataStart = buf.indexOf('data: ') + 6;
  const leadByte = buf.findIndex((byte, i) => i >= dataStart && byte >= 0xc0);
  const first = leadByte > 0 ? leadByte + 1 : Math.min(dataStart + 3 + (seq % 7), buf.length - 1);
  if (seq % 2 === 0 || buf.length - first < 4) return [buf.subarray(0, first), buf.subarray(first)];
  const second = first + Math.max(1, Math.floor(((buf.length - first) * 2) / 3) - (seq % 5));
  return [buf.subarray(0, first), buf.subarray(first, second), buf.subarray(second)];
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const splitChunks = options.splitChunks === true;
  const latencyMs = options.latencyMs ?? 0;
  const keepRequests = options.record !== false;
  const requests: RecordedRequest[] = [];
  const arrivals = new EventEmitter();
  const sockets = new Set<Socket>();
  const released = new Set<string>();
  const holdWaiters = new Map<string, Set<() => void>>();
  let closed = false;
  let requestCount = 0;
  let messageCount = 0;
  let messageCalls = 0;
  let arrived = 0;
  let toolCount = 0;
  let eventSeq = 0;

  const baseHeaders = (): Record<string, string> => ({ 'request-id': `req_fake_${++requestCount}` });
  // Fixed per fake, like a real window: 2 h left of the 5-hour one, 3 days of the 7-day one.
  const startS = Math.floor(Date.now() / 1000);
  const fiveHourReset = String(startS + 2 * 3600);
  const sevenDayReset = String(startS + 3 * 86_400);
  const cacheSeen = new Set<string>();
  const windowStatus = (u: number): string => (u >= 1 ? 'rejected' : u >= 0.8 ? 'allowed_warning' : 'allowed');
  const rateLimitHeaders = (fiveHour = 0.1): Record<string, string> => {
    const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      'anthropic-ratelimit-unified-status': windowStatus(fiveHour),
      'anthropic-ratelimit-unified-representative-claim': 'five_hour',
      'anthropic-ratelimit-unified-reset': fiveHourReset,
      'anthropic-ratelimit-unified-5h-utilization': String(fiveHour),
      'anthropic-ratelimit-unified-5h-reset': fiveHourReset,
      'anthropic-ratelimit-unified-5h-status': windowStatus(fiveHour),
      'anthropic-ratelimit-unified-7d-utilization': '0.2',
      'anthropic-ratelimit-unified-7d-reset': sevenDayReset,
      'anthropic-ratelimit-unified-7d-status': 'allowed',
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-requests-reset': reset,
      'anthropic-ratelimit-tokens-limit': '400000',
      'anthropic-ratelimit-tokens-remaining': '399000',
      'anthropic-ratelimit-tokens-reset': reset,
    };
  };

  function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    res.writeHead(status, {
      ...baseHeaders(),
      ...headers,
      'content-type': 'application/json',
      'content-length': String(body.length),
    });
    res.end(body);
  }

  function sendError(res: ServerResponse, status: number, message?: string): void {
    const known = ERROR_TYPES[status] ?? { type: status >= 500 ? 'api_error' : 'invalid_request_error', message: `Error ${status}` };
    const headers: Record<string, string> = status === 429 ? { 'retry-after': '7' } : {};
    sendJson(res, status, { type: 'error', error: { type: known.type, message: message ?? known.message } }, headers);
  }

  /** Resolves when the tag is released, the response's connection is gone, or the fake closes. */
  function holdUntilReleased(tag: string, res: ServerResponse): Promise<void> {
    if (released.has(tag) || closed || res.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = holdWaiters.get(tag) ?? new Set<() => void>();
      holdWaiters.set(tag, waiters);
      const done = (): void => {
        waiters.delete(done);
        res.off('close', done);
        resolve();
      };
      waiters.add(done);
      res.once('close', done);
    });
  }

  function release(tag: string): void {
    released.add(tag);
    for (const done of [...(holdWaiters.get(tag) ?? [])]) done();
    holdWaiters.delete(tag);
  }

  /** Resolves false instead of writing once the connection is gone, so scripts just stop. */
  function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
    if (res.destroyed || res.writableEnded) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onClose = (): void => resolve(false);
      res.once('close', onClose);
      res.write(chunk, (err) => {
        res.off('close', onClose);
        resolve(!err);
      });
    });
  }

  async function writeEvent(res: ServerResponse, event: SseEvent): Promise<boolean> {
    const buf = encodeEvent(event);
    const pieces = splitChunks ? splitPieces(buf, eventSeq++) : [buf];
    for (const piece of pieces) {
      if (!(await write(res, piece))) return false;
    }
    return true;
  }

  function buildReply(body: Record<string, unknown>, turn: UserTurn, d: Directives): Reply {
    const content: Block[] = [];
    if (d.think) {
      const thinking = `The user wrote "${turn.text}". I should answer it.`;
      const signature = createHash('sha256').update(thinking).digest('base64');
      content.push({ type: 'thinking', thinking, signature });
    }
    let stopReason: Reply['stop_reason'] = 'end_turn';
    if (turn.toolResult !== undefined) {
      content.push({ type: 'text', text: `Result received: ${turn.toolResult}` });
    } else if (d.tool !== undefined) {
      content.push({ type: 'text', text: 'Let me check.' });
      content.push({ type: 'tool_use', id: `toolu_fake_${++toolCount}`, name: d.tool, input: structuredClone(TOOL_INPUT) });
      stopReason = 'tool_use';
    } else if (d.long !== undefined) {
      content.push({ type: 'text', text: longText(d.long) });
    } else {
      content.push({ type: 'text', text: `Echo: ${turn.text}` });
    }
    let replyChars = 0;
    for (const block of content) {
      if (block.type === 'text') replyChars += block.text.length;
      else if (block.type === 'thinking') replyChars += block.thinking.length;
      else replyChars += JSON.stringify(block.input).length;
    }
    let write5m = 0;
    let write1h = 0;
    let read = 0;
    for (const block of cachedBlocks(body)) {
      if (cacheSeen.has(block.key)) read += block.tokens;
      else if (block.ttl === '1h') write1h += block.tokens;
      else write5m += block.tokens;
      cacheSeen.add(block.key);
    }
    return {
      id: `msg_fake_${++messageCount}`,
      type: 'message',
      role: 'assistant',
      model: typeof body.model === 'string' ? body.model : 'unknown',
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: {
        input_tokens: Math.max(1, inputTokens(body) - write5m - write1h - read),
        output_tokens: estimateTokens(replyChars),
        cache_creation_input_tokens: write5m + write1h,
        cache_read_input_tokens: read,
        cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
        service_tier: 'standard',
      },
    };
  }

  async function handleMessages(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    markDropped: () => void,
  ): Promise<void> {
    const body = record.json;
    if (!isRecord(body)) return sendError(res, 400, 'messages: body must be a JSON object');
    if (typeof body.model !== 'string') return sendError(res, 400, 'model: Field required');
    if (!Array.isArray(body.messages)) return sendError(res, 400, 'messages: Field required');
    const turn = lastUserTurn(body.messages);
    const d = parseDirectives(turn.text);
    const streaming = body.stream === true;
    if (d.dropStream && streaming) d.drop = true;

    if (d.error !== undefined) return sendError(res, d.error);
    if (d.hang) return; // the response stays open until the client gives up or close() runs
    if (d.drop && !streaming) {
      markDropped();
      req.socket.destroy();
      return;
    }

    if (latencyMs > 0) await delay(latencyMs);
    const reply = buildReply(body, turn, d);
    const headers = { ...baseHeaders(), ...rateLimitHeaders(d.quota) };

    if (!streaming) {
      if (d.hold !== undefined) await holdUntilReleased(d.hold, res);
      if (res.destroyed) return;
      const payload = Buffer.from(JSON.stringify(reply), 'utf8');
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) });
      res.end(payload);
      return;
    }

    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    res.flushHeaders();

    // DROP and STREAM_ERROR cut in after the second delta; HOLD pauses after the first. A reply with
    // fewer deltas than that still gets cut or paused, just before message_delta.
    const interrupt = async (): Promise<void> => {
      if (d.drop) {
        markDropped();
        res.destroy();
        return;
      }
      const error = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
      if (await writeEvent(res, { event: 'error', data: error })) res.end();
    };
    const interrupts = d.drop || d.streamError;
    let holdPending = d.hold !== undefined;
    let deltasSent = 0;
    for (const event of streamEvents(reply)) {
      if (event.event === 'message_delta') {
        if (interrupts) return interrupt();
        if (holdPending && d.hold !== undefined) {
          holdPending = false;
          await holdUntilReleased(d.hold, res);
        }
      }
      if (!(await writeEvent(res, event))) return;
      if (event.event !== 'content_block_delta') continue;
      deltasSent++;
      if (interrupts && deltasSent === 2) return interrupt();
      if (holdPending && d.hold !== undefined) {
        holdPending = false;
        await holdUntilReleased(d.hold, res);
      }
    }
    res.end();
  }

  function handleModels(res: ServerResponse, pathname: string): void {
    if (pathname === '/v1/models') {
      sendJson(res, 200, {
        data: FAKE_MODELS,
        has_more: false,
        first_id: FAKE_MODELS[0].id,
        last_id: FAKE_MODELS[FAKE_MODELS.length - 1]?.id ?? null,
      });
      return;
    }
    const id = decodeURIComponent(pathname.slice('/v1/models/'.length));
    const model = FAKE_MODELS.find((m) => m.id === id);
    if (model) {
      sendJson(res, 200, model);
      return;
    }
    sendError(res, 404, `model: ${id}`);
  }

  function remember(record: RecordedRequest): void {
    if (record.method === 'POST' && new URL(record.url, 'http://127.0.0.1').pathname === '/v1/messages') messageCalls++;
    if (keepRequests) requests.push(record);
    arrived++;
    arrivals.emit('request');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.alloc(0),
      json: undefined,
      aborted: false,
    };
    // Set when the fake cuts the connection itself (DROP, close()): that is not the client going away.
    let dropped = false;
    res.on('error', () => {});
    res.on('close', () => {
      if (!res.writableFinished && !dropped && !closed) record.aborted = true;
    });

    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      record.body = Buffer.concat(chunks);
      record.aborted = true;
      remember(record);
      return;
    }
    record.body = Buffer.concat(chunks);
    if (record.body.length > 0) {
      try {
        record.json = JSON.parse(record.body.toString('utf8'));
      } catch {
        record.json = undefined;
      }
    }
    remember(record);

    const { pathname } = new URL(record.url, 'http://127.0.0.1');
    if (req.headers['x-api-key'] === undefined && req.headers.authorization === undefined) {
      return sendError(res, 401, 'x-api-key header is required');
    }
    if (req.method === 'POST' && pathname === '/v1/messages') {
      if (record.body.length > 0 && record.json === undefined) {
        return sendError(res, 400, 'There was an error parsing the body of your request.');
      }
      return handleMessages(req, res, record, () => {
        dropped = true;
      });
    }
    if (req.method === 'POST' && pathname === '/v1/messages/count_tokens') {
      if (!isRecord(record.json) || !Array.isArray(record.json.messages)) {
        return sendError(res, 400, 'messages: Field required');
      }
      return sendJson(res, 200, { input_tokens: inputTokens(record.json) });
    }
    if (req.method === 'GET' && (pathname === '/v1/models' || pathname.startsWith('/v1/models/'))) {
      return handleModels(res, pathname);
    }
    sendError(res, 404, `Not found: ${req.method ?? ''} ${pathname}`);
  }

  const server = http.createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake-anthropic: ${String(err)}`);
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get messageCalls(): number {
      return messageCalls;
    },
    release,
    waitForRequests(n: number, timeoutMs = 5000): Promise<void> {
      if (arrived >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const onRequest = (): void => {
          if (arrived < n) return;
          clearTimeout(timer);
          arrivals.off('request', onRequest);
          resolve();
        };
        const timer = setTimeout(() => {
          arrivals.off('request', onRequest);
          reject(new Error(`fake-anthropic: expected ${n} requests within ${timeoutMs} ms, got ${arrived}`));
        }, timeoutMs);
        arrivals.on('request', onRequest);
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      for (const waiters of holdWaiters.values()) for (const wake of [...waiters]) wake();
      holdWaiters.clear();
      await done;
    },
  };
}
