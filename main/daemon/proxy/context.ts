import type { Logger } from '../../common/logger.js';
import type { ResponseCache } from '../cache/store.js';
import type { ModelRouter } from '../routing/router.js';
import type { RequestRecorder } from '../usage/record.js';
import type { Flight } from './flight.js';
import type { Limiter } from './limiter.js';
import type { UpstreamClient } from './upstream.js';

/** Everything the proxy handlers share; built once by the app factory. */
export interface ProxyContext {
  upstream: UpstreamClient;
  /** Where each /v1/messages request goes (model-routing.json); everything else goes to `upstream`. */
  router: ModelRouter;
  cache: ResponseCache;
  limiter: Limiter;
  /** Upstream calls in progress, by cache key, for coalescing identical requests. */
  flights: Map<string, Flight>;
  recorder: RequestRecorder;
  logger: Logger;
  now: () => number;
  bodyLimitBytes: number;
  /** Asked before a request goes upstream: null lets it go, a message refuses it (an exhausted budget). */
  admit?: (request: { project: string; model: string | null }) => string | null;
  /** Requests being answered right now; a draining stop waits for zero. */
  inFlight: { count: number; idle: Array<() => void> };
}
