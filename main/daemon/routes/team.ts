import Router from '@koa/router';
import type {
  TeamLedgerStatus, TeamMachinesResponse, TeamOverviewResponse, TeamSummaryResponse,
} from '../../../shared/api.js';
import { HttpError } from '../http/errors.js';
import type { TeamLedger } from '../ledger/ledger.js';
import { SUMMARY_RANGES, summaryStart, type SummaryRange } from '../usage/ranges.js';
import { oneOf } from './stats-params.js';

export interface TeamRouteDeps {
  ledger: TeamLedger | null;
  now: () => number;
}

/** `GET /api/team/summary` and `/api/team/machines`: the team ledger's totals, read from PostgreSQL. */
export function teamRouter(deps: TeamRouteDeps): Router {
  const router = new Router();
  const from = (query: Parameters<typeof oneOf>[0]): { range: SummaryRange; from: number | null } => {
    const range = oneOf(query, 'range', SUMMARY_RANGES, 'today');
    return { range, from: range === 'all' ? null : summaryStart(range, deps.now()) };
  };
  const ledgerOf = (): TeamLedger => {
    if (deps.ledger) return deps.ledger;
    throw new HttpError(404, NOT_CONFIGURED, 'not_found_error');
  };
  router.get('/api/team/overview', async (ctx) => {
    const range = from(ctx.query);
    ctx.set('cache-control', 'no-store');
    const ledger = deps.ledger;
    let body: TeamOverviewResponse;
    if (!ledger) body = { state: 'unconfigured', message: NOT_CONFIGURED };
    else {
      try {
        body = { state: 'ok', range: range.range, ...(await ledger.summary(range.from)), ledger: describe(ledger) };
      } catch (error) {
        body = { state: 'unreachable', message: unreadable(ledger, error), ledger: describe(ledger) };
      }
    }
    ctx.body = body;
  });
  router.get('/api/team/summary', async (ctx) => {
    const ledger = ledgerOf();
    const range = from(ctx.query);
    const summary = await ask(ledger, () => ledger.summary(range.from));
    ctx.set('cache-control', 'no-store');
    ctx.body = { range: range.range, ...summary, ledger: describe(ledger) } satisfies TeamSummaryResponse;
  });
  router.get('/api/team/machines', async (ctx) => {
    const ledger = ledgerOf();
    const range = from(ctx.query);
    const machines = await ask(ledger, () => ledger.machines(range.from));
    ctx.set('cache-control', 'no-store');
    ctx.body = { range: range.range, from: range.from, machines } satisfies TeamMachinesResponse;
  });
  return router;
}

const NOT_CONFIGURED =
  'No team ledger is configured: start the daemon with --team-db URL (or CCO_TEAM_DB, or teamDb in settings.json)';

function unreadable(ledger: TeamLedger, error: unknown): string {
  return `The team ledger ${ledger.target} cannot be read now (${ledger.redact(error) || 'the query failed'})`;
}

/** What this daemon tells about its ledger: never the URL's password. */
function describe(ledger: TeamLedger): TeamLedgerStatus {
  return { target: ledger.target, machine: ledger.machine, user: ledger.user, ...ledger.status() };
}

async function ask<T>(ledger: TeamLedger, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw new HttpError(503, unreadable(ledger, error), 'api_error');
  }
}
