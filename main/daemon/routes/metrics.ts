import Router from '@koa/router';
import type { DaemonMetrics } from '../metrics/metrics.js';

/** `GET /metrics`: the Prometheus text format, unauthenticated like `/health` (it holds no secret). */
export function metricsRouter(metrics: DaemonMetrics): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    const { contentType, body } = await metrics.render();
    ctx.set('cache-control', 'no-store');
    ctx.type = contentType;
    ctx.body = body;
  });
  return router;
}
