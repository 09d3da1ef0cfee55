import Router from '@koa/router';
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
      ...(deps.dataDirId ? { dataDirId: deps.dataDirId } : {}),
    };
  });
  return router;
}
