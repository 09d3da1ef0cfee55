import type { Logger } from '../../common/logger.js';
import type { ResponseCache } from '../cache/store.js';
import type { QuotaObserver } from '../quota/service.js';
import type { ModelRouter } from '../routing/router.js';
import type { RequestRecorder } from '../usage/record.js';
import type { Flight } from './flight.js';
import type { Limiter } from './limiter.js';
import type { UpstreamClient } from '../http/upstream.js';

/** Everything the proxy handlers share; built once by the app factory. */
export interface ProxyContext {
  readonly upstream: UpstreamClient;
  /** Where each /v1/messages request goes (model-routing.json); everything else goes to `upstream`. */
  readonly router: ModelRouter;
  readonly cache: ResponseCache;
  readonly limiter: Limiter;
  /** Upstream calls in progress, by cache key, for coalescing identical requests. */
  readonly flights: Map<string, Flight>;
  readonly recorder: RequestRecorder;
  /** Reads plan usage from each upstream response's headers. */
  readonly quota?: QuotaObserver;
  readonly logger: Logger;
  readonly now: () => number;
  readonly bodyLimitBytes: number;
  /** Aborted when a stop's drain is over: requests still under way end with an overloaded_error. */
  readonly stopping: AbortSignal;
  /** Asked before a request goes upstream: null lets it go, a message refuses it (an exhausted budget). */
  readonly admit?: (request: { project: string; model: string | null }) => string | null;
}
