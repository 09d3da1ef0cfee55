import Router from '@koa/router';
import type { RoutingResponse } from '../../../shared/api.js';
import type { ModelRouter } from '../routing/router.js';

/** `GET /api/routing`: the routes in force, the last reload error if any, and each provider's health. */
export function routingRouter(router: ModelRouter): Router {
  const r = new Router();
  r.get('/api/routing', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = router.snapshot() satisfies RoutingResponse;
  });
  return r;
}
