import Router from '@koa/router';
import type { CacheClearResponse, CacheStatsResponse } from '../../../shared/api.js';
import { formatBytes } from '../../common/format.js';
import type { Logger } from '../../common/logger.js';
import type { ResponseCache } from '../cache/store.js';
import type { Limiter } from '../proxy/limiter.js';

export function cacheRouter(cache: ResponseCache, limiter: Limiter, logger: Logger): Router {
  const router = new Router();
  router.get('/api/cache/stats', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = { ...cache.stats(), queue: limiter.stats() } satisfies CacheStatsResponse;
  });
  router.post('/api/cache/clear', (ctx) => {
    const { cleared, freedBytes } = cache.clear();
    logger.info(`Cache cleared: ${cleared} entries, ${formatBytes(freedBytes)}`);
    ctx.body = { status: 'ok', cleared, freedMemory: formatBytes(freedBytes), freedBytes } satisfies CacheClearResponse;
  });
  return router;
}
