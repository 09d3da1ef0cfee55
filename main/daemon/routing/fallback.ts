import type { Logger } from '../../common/logger.js';
import { HttpError } from '../http/errors.js';
import type { UpstreamResponse } from '../http/upstream.js';
import type { HealthBook } from './health.js';
import type { RouteDecision, Target } from './match.js';
import { errorBody } from '../anthropic/types.js';
import { buffered, readAll, type RoutedCall, type SendDeps, sendToTarget } from './send.js';
import { errorMessageOf } from './translate/from-openai.js';
import { errorMessage } from '../../common/format.js';

export interface ServedResponse extends UpstreamResponse {
  servedBy: { provider: string; model: string };
}

export interface FallbackDeps extends SendDeps {
  health: HealthBook;
  logger: Logger;
}

/** Worth another provider: rate limited, overloaded or broken. A 4xx is about the request itself. */
function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Unreachable (502) and timed out (504) providers are worth another provider too. */
function retryableError(error: unknown): boolean {
  return error instanceof HttpError && (error.status === 502 || error.status === 504);
}

/**
 * Reads an error answer (small, and buffered by the proxy anyway) for the provider's own message,
 * which `GET /api/routing` shows; the client still gets the same status, headers and body.
 */
async function readError(res: UpstreamResponse, name: string, limit: number): Promise<{ res: UpstreamResponse; message: string }> {
  let text: string;
  try {
    text = (await readAll(res, limit)).toString('utf8');
  } catch {
    return { res: buffered(502, JSON.stringify(errorBody('api_error', `Provider "${name}" sent an error answer that could not be read in full`)), {}), message: `HTTP ${res.status}` };
  }
  const said = errorMessageOf(text).replace(`${name}: `, '').slice(0, 300);
  return { res: buffered(res.status, text, res.headers), message: said ? `HTTP ${res.status}: ${said}` : `HTTP ${res.status}` };
}

/**
 * Tries the route's provider, then each fallback in turn, while the answer is a 429, a 5xx or no
 * answer at all. Nothing has reached the client yet at that point (only the status is read), so
 * a switch is invisible to it. The last provider's answer goes out whatever it is.
 */
export async function sendWithFallback(
  deps: FallbackDeps,
  decision: RouteDecision,
  call: RoutedCall,
  signal: AbortSignal,
): Promise<ServedResponse> {
  const targets: Target[] = [decision, ...decision.fallbacks];
  for (let i = 0; ; i++) {
    const target = targets[i]!;
    const name = target.provider.name;
    const next = targets[i + 1];
    let res: UpstreamResponse;
    try {
      res = await sendToTarget(deps, target, call, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      deps.health.failure(name, errorMessage(error));
      if (!next || !retryableError(error)) throw error;
      deps.logger.warn(`Provider ${name} failed (${errorMessage(error)}); trying ${next.provider.name}`);
      continue;
    }
    if (res.status >= 400) {
      const error = await readError(res, name, call.maxBufferedBytes);
      res = error.res;
      deps.health.failure(name, error.message);
    } else deps.health.success(name);
    if (next && retryableStatus(res.status)) {
      await res.dump();
      deps.logger.warn(`Provider ${name} answered ${res.status}; trying ${next.provider.name}`);
      continue;
    }
    const served = res as ServedResponse;
    served.servedBy = { provider: name, model: target.model };
    return served;
  }
}
