import Router from '@koa/router';
import type { BudgetService } from '../budgets/service.js';
import { type RequestScope, scopeMatches } from '../budgets/scope.js';
import type { QuotaSource, SpendSource } from '../budgets/spend.js';
import type { Clock } from '../usage/clock.js';
import type { UsageStore } from '../usage/store.js';

export interface StatuslineRouterDeps {
  store: Pick<UsageStore, 'sessionCache'>;
  spend: SpendSource;
  budgets: BudgetService;
  quota: QuotaSource;
  clock: Clock;
}

/** What `cco statusline` shows from the daemon; one small answer, so the line stays fast. */
export interface StatuslineInfo {
  projectTodayUsd: number | null;
  budget: { id: string; label: string; percent: number; resetLabel: string | null; exhausted: boolean; enforce: boolean } | null;
  session: { requests: number; hits: number } | null;
  quota: Array<{ window: string; utilization: number; resetsAt: number | null }>;
}

const one = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** `GET /api/statusline?project=PATH&session=ID&model=ID`: the figures of Claude Code's status line. */
export function createStatuslineRouter(deps: StatuslineRouterDeps): Router {
  const router = new Router();
  router.get('/api/statusline', (ctx) => {
    const project = one(ctx.query.project);
    const session = one(ctx.query.session);
    const request: RequestScope = { project: project ?? '', model: one(ctx.query.model) ?? null };
    const now = deps.clock.now();
    const today = new Date(now).setHours(0, 0, 0, 0);
    const tightest = deps.budgets
      .statuses()
      // Plan usage has its own segment; the budget segment is the spend budget closest to its limit.
      .filter((s) => s.percent !== null && s.budget.kind === 'spend' && scopeMatches(s.budget.scope, request))
      .sort((a, b) => b.percent! - a.percent!)[0];
    const info: StatuslineInfo = {
      projectTodayUsd: project === undefined ? null : totalOf(deps.spend.spend({ type: 'project', path: project }, { from: today, to: now + 1 })),
      budget: tightest
        ? {
            id: tightest.budget.id,
            label: tightest.label,
            percent: tightest.percent!,
            resetLabel: tightest.resetLabel,
            exhausted: tightest.exhausted,
            enforce: tightest.budget.mode === 'enforce',
          }
        : null,
      session: session === undefined ? null : deps.store.sessionCache(session),
      quota: [...deps.quota.windows()],
    };
    ctx.set('cache-control', 'no-store');
    ctx.body = info;
  });
  return router;
}

function totalOf(spend: { payg: number; apiEquivalent: number }): number {
  return spend.payg + spend.apiEquivalent;
}
