import Router from '@koa/router';
import type { HealthResponse } from '../../../shared/api.js';
import type { DaemonConfig } from '../../common/config.js';
import { publicOptions } from '../../common/settings-schema.js';
import { appVersion } from '../../common/version.js';
import type { Limiter } from '../proxy/limiter.js';

export interface HealthDeps {
  startedAt: number;
  now: () => number;
  port: () => number;
  upstream: string;
  limiter: Limiter;
  /** main/common/data-dir-id.ts of the host's data directory, when it has one. */
  dataDirId?: string;
  /** The effective options, so `cco daemon restart` can keep those it is not told to change. */
  options: Readonly<DaemonConfig>;
}

export function healthRouter(deps: HealthDeps): Router {
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = {
      status: 'ok',
      version: appVersion(),
      pid: process.pid,
      port: deps.port(),
      uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
      upstream: deps.upstream,
      queue: deps.limiter.stats(),
      options: publicOptions(deps.options) as Record<string, string | number>,
      ...(deps.dataDirId ? { dataDirId: deps.dataDirId } : {}),
    } satisfies HealthResponse;
  });
  return router;
}
