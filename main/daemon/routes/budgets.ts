import Router from '@koa/router';
import type { Context } from 'koa';
import type { AlertsResponse, BudgetsResponse } from '../../../shared/api.js';
import { errorBody } from '../anthropic/types.js';
import type { AlertCenter } from '../budgets/alerts.js';
import { BudgetValidationError } from '../budgets/schema.js';
import type { BudgetService } from '../budgets/service.js';
import { webhookHost } from '../budgets/webhook.js';
import { parseJsonObject, readBody } from '../http/body.js';

export interface BudgetsRouterDeps {
  budgets: BudgetService;
  alerts: AlertCenter;
  /** The webhook in force (the daemon's setting, else budgets.json's); default budgets.json's. */
  webhook?: () => string | undefined;
}

const BODY_LIMIT = 64 * 1024;

function noStore(ctx: Context, body: unknown, status = 200): void {
  ctx.set('cache-control', 'no-store');
  ctx.status = status;
  ctx.body = body;
}

function refuse(ctx: Context, status: number, message: string): void {
  noStore(ctx, errorBody(status === 404 ? 'not_found_error' : 'invalid_request_error', message), status);
}

/**
 * `/api/budgets` (list with spend; add, replace, remove: admin actions, applied at once),
 * `/api/budgets/webhook` and `/api/alerts` (recent alerts, newest first).
 */
export function createBudgetsRouter(deps: BudgetsRouterDeps): Router {
  const { budgets, alerts } = deps;
  const router = new Router();
  const webhookView = () => {
    const url = deps.webhook ? deps.webhook() : budgets.alertWebhook;
    // The URL itself is a secret (Slack's carry one in their path): only whether and where.
    return url ? { configured: true, host: webhookHost(url) } : { configured: false };
  };

  router.get('/api/budgets', (ctx) => {
    // Typed as the wire shape the dashboard reads, so the two cannot drift apart.
    const body: BudgetsResponse = { budgets: budgets.statuses(), alertWebhook: webhookView() };
    noStore(ctx, body);
  });

  router.post('/api/budgets', async (ctx) => {
    const body = parseJsonObject(await readBody(ctx.req, BODY_LIMIT));
    try {
      noStore(ctx, { budget: budgets.set(body) }, 201);
    } catch (error) {
      if (!(error instanceof BudgetValidationError)) throw error;
      refuse(ctx, 400, `Budget not saved: ${error.message}`);
    }
  });

  router.delete('/api/budgets/:id', (ctx) => {
    if (!budgets.remove(ctx.params.id!)) return refuse(ctx, 404, `No budget with id "${ctx.params.id}"`);
    noStore(ctx, { removed: ctx.params.id });
  });

  router.put('/api/budgets/webhook', async (ctx) => {
    const body = parseJsonObject(await readBody(ctx.req, BODY_LIMIT));
    const url = body.url;
    if (url !== null && (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url) || !URL.canParse(url))) {
      return refuse(ctx, 400, 'url: must be an http(s) URL, or null to turn the webhook off');
    }
    budgets.setAlertWebhook(url ?? undefined);
    noStore(ctx, { alertWebhook: webhookView() });
  });

  router.get('/api/alerts', (ctx) => {
    const limit = Number(ctx.query.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return refuse(ctx, 400, 'limit: must be a whole number from 1 to 100');
    const body: AlertsResponse = { alerts: alerts.recent(limit) };
    noStore(ctx, body);
  });

  return router;
}
