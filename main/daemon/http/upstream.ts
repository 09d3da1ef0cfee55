import { Agent, errors, request } from 'undici';
import { HttpError } from './errors.js';
import { errorMessage } from '../../common/format.js';

export interface UpstreamRequest {
  /** Path and query, appended to the upstream base URL (`/v1/messages?beta=true`). */
  path: string;
  method: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer>;
  /** Discards the rest of the body and frees the connection. */
  dump(): Promise<void>;
}

export interface UpstreamClient {
  readonly baseUrl: string;
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  baseUrl: string;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

/** One keep-alive connection pool to the upstream, shared by every request. */
export function createUpstreamClient(options: UpstreamOptions): UpstreamClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 10 * 60_000,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.idleTimeoutMs,
    connect: { timeout: 15_000 },
  });
  return {
    baseUrl: base,
    async send(req) {
      try {
        const res = await request(base + req.path, {
          method: req.method as 'POST',
          headers: req.headers,
          body: req.body ?? null,
          signal: req.signal,
          dispatcher: agent,
        });
        return {
          status: res.statusCode,
          headers: res.headers,
          body: res.body,
          dump: () => res.body.dump().then(() => undefined, () => undefined),
        };
      } catch (error) {
        throw describeFailure(error, base, req.signal);
      }
    },
    close: () => agent.close(),
  };
}

/** The upstream went silent mid-body for longer than the idle timeout. */
export function isIdleTimeout(error: unknown): boolean {
  return error instanceof errors.BodyTimeoutError;
}

/** Turns a transport failure into what the client should see: 502 unreachable, 504 timeout. */
export function describeFailure(error: unknown, base: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return error as Error;
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return new HttpError(504, `Upstream ${base} did not answer in time`);
  }
  if (error instanceof errors.ConnectTimeoutError) {
    return new HttpError(504, `Upstream ${base} did not accept a connection in time`);
  }
  const code = (error as { code?: string; cause?: { code?: string } }).code
    ?? (error as { cause?: { code?: string } }).cause?.code;
  const reason = code ?? errorMessage(error);
  return new HttpError(502, `Upstream ${base} is unreachable (${reason})`);
}
