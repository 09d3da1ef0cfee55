import type { OutgoingHttpHeaders } from 'node:http';
import type { Message } from '../anthropic/types.js';
import { errorBody } from '../anthropic/types.js';
import { MessageAccumulator } from '../anthropic/accumulate.js';
import { HttpError } from '../http/errors.js';
import { clientResponseHeaders } from '../http/headers.js';
import type { Limiter } from './limiter.js';
import { formatSse, SseParser } from '../anthropic/sse.js';
import { isIdleTimeout, type UpstreamResponse } from '../http/upstream.js';
import { errorMessage } from '../../common/format.js';

/** A client response fed by a flight. */
export interface FlightSubscriber {
  head(status: number, headers: OutgoingHttpHeaders): void;
  data(chunk: Buffer): void;
  end(): void;
  /** The flight failed before any byte: answer with this error instead. */
  fail(error: HttpError): void;
}

export interface FlightOutcome {
  status: number;
  errorType: string | null;
  streaming: boolean;
  /** The complete answer (a 200 that finished), the only thing ever cached. */
  message?: Message;
  /** A complete answer with an event, delta or field the cache cannot replay: passed on, never stored. */
  uncacheable?: boolean;
  /** What is known of usage even when the answer is incomplete. */
  usage?: Message['usage'];
  servedModel?: string;
  /** The provider that answered (after any fallback) and the model asked of it. */
  servedBy?: ServedBy;
  ttfbMs: number | null;
}

export interface ServedBy {
  provider: string;
  model: string;
}

/** The upstream call itself: one provider, or a route's providers in turn. */
export type FlightSend = (signal: AbortSignal) => Promise<UpstreamResponse & { servedBy?: ServedBy }>;

export interface FlightDeps {
  limiter: Limiter;
  now: () => number;
  /** Largest non-streaming body the proxy buffers (the daemon's body limit serves well). */
  maxBufferedBytes: number;
  /** Aborted when the daemon's stop has drained long enough: the flight ends as overloaded. */
  stopping?: AbortSignal;
}

interface Request {
  streaming: boolean;
  send: FlightSend;
}

const CUT_EVENT = formatSse('error', errorBody('api_error', 'The upstream connection was lost mid-stream'));
const IDLE_EVENT = formatSse(
  'error',
  errorBody('timeout_error', 'The upstream stopped sending mid-stream (idle timeout)'),
);
// overloaded_error: clients (Claude Code, the SDKs) retry it, and a restarted daemon will answer.
const STOPPING_MESSAGE = 'CCO is stopping; retry the request';
const STOPPING_EVENT = formatSse('error', errorBody('overloaded_error', STOPPING_MESSAGE));

/** The abort reason when the daemon stops with this flight still under way. */
class StoppingError extends Error {}

/**
 * One upstream call, shared by every identical request that arrives while it runs. Subscribers
 * that join late get what was already sent, then the rest live. When the last subscriber leaves
 * before the end, the upstream request is aborted.
 */
export class Flight {
  readonly done: Promise<FlightOutcome>;
  readonly streaming: boolean;
  private readonly subscribers = new Set<FlightSubscriber>();
  private readonly abort = new AbortController();
  private headSent: { status: number; headers: OutgoingHttpHeaders } | undefined;
  private readonly chunks: Buffer[] = [];
  private failure: HttpError | undefined;
  private finished = false;
  private readonly startedAt: number;
  private firstByteAt: number | undefined;
  private servedBy: ServedBy | undefined;

  constructor(private readonly deps: FlightDeps, request: Request) {
    this.streaming = request.streaming;
    this.startedAt = deps.now();
    const stop = () => this.abort.abort(new StoppingError(STOPPING_MESSAGE));
    if (deps.stopping?.aborted) stop();
    deps.stopping?.addEventListener('abort', stop, { once: true });
    this.done = this.run(request);
    void this.done.finally(() => deps.stopping?.removeEventListener('abort', stop));
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted && this.abort.signal.reason instanceof StoppingError;
  }

  subscribe(subscriber: FlightSubscriber): () => void {
    if (this.failure) subscriber.fail(this.failure);
    else if (this.headSent) {
      subscriber.head(this.headSent.status, this.headSent.headers);
      for (const chunk of this.chunks) subscriber.data(chunk);
      if (this.finished) subscriber.end();
    }
    if (this.finished) return () => {};
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && !this.finished) this.abort.abort(new Error('all clients went away'));
    };
  }

  private async run(request: Request): Promise<FlightOutcome> {
    let release: (() => void) | undefined;
    try {
      release = await this.deps.limiter.acquire(this.abort.signal);
      const res = await request.send(this.abort.signal);
      this.firstByteAt = this.deps.now();
      this.servedBy = res.servedBy;
      const isSse = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      return isSse ? await this.relayStream(res) : await this.relayBuffered(res);
    } catch (error) {
      return this.fail(error);
    } finally {
      release?.();
      this.finished = true;
      this.subscribers.clear();
    }
  }

  private fail(error: unknown): FlightOutcome {
    const httpError = error instanceof HttpError
      ? error
      : this.stopped
        ? new HttpError(529, STOPPING_MESSAGE, 'overloaded_error')
        : this.abort.signal.aborted
        ? new HttpError(499, 'Client closed the request', 'client_closed')
        : new HttpError(502, `Proxy error: ${errorMessage(error)}`);
    this.failure = httpError;
    for (const s of this.subscribers) s.fail(httpError);
    return { status: httpError.status, errorType: httpError.type, streaming: this.streaming, ttfbMs: null };
  }

  private async relayBuffered(res: UpstreamResponse): Promise<FlightOutcome> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > this.deps.maxBufferedBytes) throw new HttpError(502, 'Upstream response is too large to proxy');
      parts.push(chunk);
    }
    const body = Buffer.concat(parts, size);
    const headers = clientResponseHeaders(res.headers);
    headers['content-length'] = body.length;
    this.emitHead(res.status, headers);
    this.emitData(body);
    this.emitEnd();
    return this.bufferedOutcome(res.status, body);
  }

  private bufferedOutcome(status: number, body: Buffer): FlightOutcome {
    const outcome = this.outcome(status, false);
    let parsed: Record<string, unknown> | undefined;
    try {
      parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      parsed = undefined;
    }
    if (status === 200 && parsed?.type === 'message') {
      const message = parsed as unknown as Message;
      outcome.message = message;
      outcome.usage = message.usage;
      outcome.servedModel = message.model;
      return outcome;
    }
    const type = (parsed?.error as { type?: unknown } | undefined)?.type;
    outcome.errorType = typeof type === 'string' ? type : status >= 400 ? 'api_error' : null;
    return outcome;
  }

  private async relayStream(res: UpstreamResponse): Promise<FlightOutcome> {
    this.emitHead(res.status, clientResponseHeaders(res.headers));
    const parser = new SseParser();
    const acc = new MessageAccumulator();
    let cut: string | null = null;
    try {
      for await (const chunk of res.body) {
        this.emitData(chunk);
        for (const event of parser.push(chunk)) acc.apply(event);
      }
      for (const event of parser.flush()) acc.apply(event);
    } catch (error) {
      cut = this.stopped ? 'overloaded_error' : isIdleTimeout(error) ? 'timeout_error' : 'stream_cut';
      if (this.abort.signal.aborted && !this.stopped) {
        throw new HttpError(499, 'Client closed the request', 'client_closed');
      }
    }
    if (!cut && !acc.complete && !acc.failed) cut = 'stream_cut';
    // A cut stream must end in an error event, so the client knows to retry rather than trust a partial answer.
    if (cut) this.emitData(Buffer.from(cutEvent(cut)));
    this.emitEnd();
    return this.streamOutcome(res.status, acc, cut);
  }

  private streamOutcome(status: number, acc: MessageAccumulator, cut: string | null): FlightOutcome {
    const partial = acc.message();
    const complete = status === 200 && acc.complete;
    const outcome = this.outcome(status, true);
    outcome.errorType = complete ? null : cut ?? 'stream_error';
    if (complete && acc.uncacheable) outcome.uncacheable = true;
    else if (complete && partial) outcome.message = partial;
    if (partial) {
      outcome.usage = partial.usage;
      outcome.servedModel = partial.model;
    }
    return outcome;
  }

  // Built field by field: V8 (Node 20) takes a slow path, about 1 us, for `{ ...a, b }` literals.
  private outcome(status: number, streaming: boolean): FlightOutcome {
    const outcome: FlightOutcome = { status, errorType: null, streaming, ttfbMs: this.ttfb() };
    if (this.servedBy) outcome.servedBy = this.servedBy;
    return outcome;
  }

  private ttfb(): number | null {
    return this.firstByteAt === undefined ? null : this.firstByteAt - this.startedAt;
  }

  private emitHead(status: number, headers: OutgoingHttpHeaders): void {
    this.headSent = { status, headers };
    for (const s of this.subscribers) s.head(status, headers);
  }

  private emitData(chunk: Buffer): void {
    this.chunks.push(chunk);
    for (const s of this.subscribers) s.data(chunk);
  }

  private emitEnd(): void {
    for (const s of this.subscribers) s.end();
  }
}

function cutEvent(reason: string): string {
  if (reason === 'overloaded_error') return STOPPING_EVENT;
  return reason === 'timeout_error' ? IDLE_EVENT : CUT_EVENT;
}
