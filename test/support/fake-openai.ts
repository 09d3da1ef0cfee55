/**
 * A stand-in for an OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama's /v1, vLLM, ...)
 * on loopback. Like the fake Anthropic upstream, its behaviour is picked by directives in the
 * text of the last user message, so tests steer it through the request itself:
 *
 *   ERROR:<status>  answer with that status and an OpenAI error body (429 adds retry-after: 7)
 *   TOOL:<name>     call the tool <name> with TOOL_INPUT (streamed as argument fragments)
 *   DROP            streaming only: cut the connection after a couple of chunks
 *   PARALLEL        with TOOL:<name>: two calls of it (TOOL_INPUT, then {"n":2}); streamed with their
 *                   argument fragments interleaved, as some servers do
 *   THINK           the answer carries reasoning (`reasoning_content`) before its text
 *   otherwise       reply "openai: <text>"; a last message of role `tool` gets "Tool said: <content>"
 *
 * A model named `error-<status>` always fails with that status, whatever the prompt (for fallbacks).
 *
 * Served under any path ending in /chat/completions, so a base URL may carry a prefix (`/v1`).
 */
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TOOL_INPUT } from './fake-anthropic.js';

export interface OpenAiRequest {
  url: string;
  headers: IncomingHttpHeaders;
  json: Record<string, unknown>;
}

export interface FakeOpenAi {
  url: string;
  /** Every Chat Completions request, in arrival order. */
  requests: OpenAiRequest[];
  close(): Promise<void>;
}

interface Message {
  role: string;
  content?: unknown;
}

const TEXT_CHUNK = 7;

function lastText(messages: Message[]): { text: string; toolReply?: string } {
  const last = messages.at(-1);
  if (last?.role === 'tool') return { text: '', toolReply: String(last.content) };
  const user = messages.findLast((m) => m.role === 'user');
  const content = user?.content;
  if (typeof content === 'string') return { text: content };
  if (Array.isArray(content)) {
    const texts = content.filter((p): p is { type: 'text'; text: string } => p?.type === 'text');
    return { text: texts.map((p) => p.text).join('\n') };
  }
  return { text: '' };
}

function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: OpenAiRequest[] = [];
  const sockets = new Set<Socket>();
  let seq = 0;

  function sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const body = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  }

  function sendError(res: ServerResponse, status: number): void {
    const headers: Record<string, string> = status === 429 ? { 'retry-after': '7' } : {};
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    sendJson(res, status, { error: { message: `fake-openai error ${status}`, type, param: null, code: null } }, headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) return sendError(res, 404);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return sendError(res, 400);
    }
    requests.push({ url: req.url ?? '', headers: req.headers, json });
    const messages = Array.isArray(json.messages) ? (json.messages as Message[]) : [];
    const model = String(json.model);
    const { text, toolReply } = lastText(messages);
    const error = /\bERROR:(\d{3})\b/.exec(text)?.[1] ?? /^error-(\d{3})$/.exec(model)?.[1];
    if (error) return sendError(res, Number(error));
    const tool = toolReply === undefined ? /\bTOOL:([A-Za-z0-9_-]+)/.exec(text)?.[1] : undefined;
    const parallel = tool !== undefined && /\bPARALLEL\b/.test(text);
    const reasoning = /\bTHINK\b/.test(text) ? 'The user wants an answer; I will give one.' : undefined;
    const second = { n: 2 };
    const reply = toolReply !== undefined ? `Tool said: ${toolReply}` : `openai: ${text}`;
    const id = `chatcmpl-fake${++seq}`;
    const callId = `call_fake${seq}`;
    const promptTokens = tokens(JSON.stringify(messages));
    const usage = { prompt_tokens: promptTokens, completion_tokens: tokens(tool ? JSON.stringify(TOOL_INPUT) : reply), total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;

    if (json.stream !== true) {
      const calls = [{ id: callId, type: 'function', function: { name: tool, arguments: JSON.stringify(TOOL_INPUT) } }];
      if (parallel) calls.push({ id: `${callId}b`, type: 'function', function: { name: tool, arguments: JSON.stringify(second) } });
      const message: Record<string, unknown> = tool
        ? { role: 'assistant', content: 'Let me check.', tool_calls: calls }
        : { role: 'assistant', content: reply };
      if (reasoning) message.reasoning_content = reasoning;
      return sendJson(res, 200, {
        id, object: 'chat.completion', created: 1, model,
        choices: [{ index: 0, message, finish_reason: tool ? 'tool_calls' : 'stop' }],
        usage,
      });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const base = { id, object: 'chat.completion.chunk', created: 1, model };
    const write = (payload: unknown): void => {
      res.write(`data: ${JSON.stringify(payload)}\n\n`);
    };
    const choice = (delta: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
    write(choice({ role: 'assistant', content: '' }));
    if (reasoning) for (let i = 0; i < reasoning.length; i += TEXT_CHUNK) write(choice({ reasoning_content: reasoning.slice(i, i + TEXT_CHUNK) }));
    const body = tool ? 'Let me check.' : reply;
    let sent = 0;
    for (let i = 0; i < body.length; i += TEXT_CHUNK) {
      write(choice({ content: body.slice(i, i + TEXT_CHUNK) }));
      if (++sent === 2 && /\bDROP\b/.test(text)) {
        res.destroy();
        return;
      }
    }
    if (tool) {
      write(choice({ tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: tool, arguments: '' } }] }));
      const args = JSON.stringify(TOOL_INPUT);
      const other = JSON.stringify(second);
      if (parallel) write(choice({ tool_calls: [{ index: 1, id: `${callId}b`, type: 'function', function: { name: tool, arguments: '' } }] }));
      for (let i = 0; i < Math.max(args.length, parallel ? other.length : 0); i += 5) {
        if (i < args.length) write(choice({ tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 5) } }] }));
        if (parallel && i < other.length) write(choice({ tool_calls: [{ index: 1, function: { arguments: other.slice(i, i + 5) } }] }));
      }
    }
    write(choice({}, tool ? 'tool_calls' : 'stop'));
    const options = json.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) write({ ...base, choices: [], usage });
    res.end('data: [DONE]\n\n');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
