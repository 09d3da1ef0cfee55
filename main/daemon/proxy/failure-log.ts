import type { Logger } from '../../common/logger.js';

export interface UpstreamFailure {
  status: number;
  errorType: string | null;
  /** The base URL of the provider that failed; only its host is logged. */
  baseUrl: string;
  method: string;
  path: string;
  model?: string | null;
}

/** Statuses that are not the upstream's failure: the client closed the request. */
const NOT_UPSTREAM = new Set([499]);
const STREAM_FAILURES = new Set(['stream_cut', 'stream_error']);

/** Whether an answer is an upstream failure worth a warn line: an error status, or a stream that broke. */
export function isUpstreamFailure(status: number, errorType: string | null): boolean {
  if (NOT_UPSTREAM.has(status)) return false;
  return status >= 400 || (errorType !== null && STREAM_FAILURES.has(errorType));
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/**
 * One warn line per upstream failure (a 401, a 429, a 502 "unreachable", a cut stream), so the
 * log the troubleshooting guide points to shows it at the default level. The host only, never
 * the URL's credentials or the request's key; the line passes the logger's redaction as well.
 */
export function logUpstreamFailure(logger: Logger, failure: UpstreamFailure): void {
  if (!isUpstreamFailure(failure.status, failure.errorType)) return;
  const model = failure.model ? `, model ${failure.model}` : '';
  logger.warn(
    `Upstream failure: ${failure.status} ${failure.errorType ?? 'api_error'} from ${hostOf(failure.baseUrl)} ` +
      `(${failure.method} ${failure.path.split('?')[0]}${model})`,
  );
}
