import type { ServerResponse } from 'node:http';
import { errorBody } from '../anthropic/types.js';

/** Anthropic's error type for an HTTP status, so local errors look like the API's own. */
export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400: return 'invalid_request_error';
    case 401: return 'authentication_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 405: return 'invalid_request_error';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit_error';
    case 504: return 'timeout_error';
    case 529: return 'overloaded_error';
    default: return 'api_error';
  }
}

/** An error the daemon itself answers with (bad input, unreachable upstream, ...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = errorTypeForStatus(status),
  ) {
    super(message);
  }

  body(): string {
    return JSON.stringify(errorBody(this.type, this.message));
  }
}

export function sendError(res: ServerResponse, error: HttpError, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = error.body();
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}
