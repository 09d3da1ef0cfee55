import Router from '@koa/router';
import type { QuotaService } from './service.js';
import { quotaView } from './view.js';

/** `GET /api/quota`: the latest plan-usage reading per credential (by fingerprint, never the credential). */
export function quotaRouter(service: Pick<QuotaService, 'entries'>, now: () => number): Router {
  const router = new Router();
  router.get('/api/quota', (ctx) => {
    ctx.set('cache-control', 'no-store');
    ctx.body = quotaView(service.entries(), now());
  });
  return router;
}
