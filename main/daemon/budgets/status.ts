import { periodWindow, resetLabel } from './period.js';
import type { Budget, QuotaBudget, SpendBudget } from './schema.js';
import { scopeFlags, scopeLabel } from './scope.js';
import type { QuotaSource, Spend, SpendSource } from './spend.js';

/** A budget with where it stands now: what `cco budget list` and `GET /api/budgets` show. */
export interface BudgetStatus {
  budget: Budget;
  /** `project ~/code/shop daily`, `plan 5h window`. */
  label: string;
  /** Names the current period; alerts fire once per key. Null for a quota window not yet seen. */
  periodKey: string | null;
  periodStart: number | null;
  /** Epoch ms of the next reset (null: unknown, a quota window not yet seen). */
  resetsAt: number | null;
  /** The reset time as the messages say it (`00:00`, `Mon 00:00`). */
  resetLabel: string | null;
  spent: (Spend & { total: number }) | null;
  limitUsd: number | null;
  remainingUsd: number | null;
  /** Spent share of the limit (or the quota window's utilization), in percent; may pass 100. */
  percent: number | null;
  /** An exhausted `enforce` budget refuses requests in its scope. */
  exhausted: boolean;
}

/** Cents, or four decimals for the small limits of a trial. */
export const money = (usd: number) => `$${usd !== 0 && Math.abs(usd) < 0.1 ? usd.toFixed(4) : usd.toFixed(2)}`;

export function spendStatus(budget: SpendBudget, spend: SpendSource, now: number): BudgetStatus {
  const window = periodWindow(budget.period, now);
  const raw = spend.spend(budget.scope, { from: window.start, to: window.end });
  const total = raw.payg + raw.apiEquivalent;
  return {
    budget,
    label: `${budget.team ? 'team ' : ''}${scopeLabel(budget.scope)} ${budget.period}`,
    periodKey: window.key,
    periodStart: window.start,
    resetsAt: window.end,
    resetLabel: resetLabel(budget.period, window.end),
    spent: { ...raw, total },
    limitUsd: budget.limitUsd,
    remainingUsd: Math.max(0, budget.limitUsd - total),
    percent: (total / budget.limitUsd) * 100,
    exhausted: total >= budget.limitUsd,
  };
}

export function quotaStatus(budget: QuotaBudget, quota: QuotaSource): BudgetStatus {
  // Several credentials may report the same window: the fullest one is the one that stops the user.
  const windows = quota.windows().filter((w) => w.window === budget.window);
  const worst = windows.reduce<(typeof windows)[number] | null>((a, w) => (a && a.utilization >= w.utilization ? a : w), null);
  const resetsAt = worst?.resetsAt ?? null;
  return {
    budget,
    label: `plan ${budget.window} window`,
    // A window is identified by its reset time: the next window is a new period.
    periodKey: worst ? `quota-${budget.window}:${resetsAt ?? 'unknown'}` : null,
    periodStart: null,
    resetsAt,
    resetLabel: resetsAt === null ? null : resetLabel('daily', resetsAt),
    spent: null,
    limitUsd: null,
    remainingUsd: null,
    percent: worst ? worst.utilization * 100 : null,
    exhausted: false,
  };
}

/** The refusal Claude Code shows: names the budget, the spend, the limit, the reset and the fix. */
export function refusalMessage(status: BudgetStatus): string {
  const budget = status.budget as SpendBudget;
  const spent = status.spent?.total ?? 0;
  const raiseTo = Math.max(Math.ceil(budget.limitUsd * 2), Math.ceil(spent + 1));
  return (
    `CCO budget exceeded: ${budget.team ? 'team ' : ''}${scopeLabel(budget.scope)} ` +
    `spent ${money(spent)} of its ${money(budget.limitUsd)} ` +
    `${budget.period} budget (resets ${status.resetLabel}). ` +
    `Raise it: cco budget set ${budget.team ? '--team ' : ''}${scopeFlags(budget.scope, budget.period)} ${raiseTo}`
  );
}

/** The alert's text (also the webhook's Slack `text`). */
export function alertMessage(status: BudgetStatus, threshold: number): string {
  const pct = `${Math.floor(status.percent ?? 0)} %`;
  const reset = status.resetLabel ? `, resets ${status.resetLabel}` : '';
  if (status.budget.kind === 'quota') return `CCO: plan ${status.budget.window} usage passed ${threshold} % (now ${pct}${reset})`;
  const spent = status.spent?.total ?? 0;
  return (
    `CCO: ${status.label} budget passed ${threshold} %: ${money(spent)} of ${money(status.budget.limitUsd)} (${pct}${reset})` +
    (status.budget.mode === 'enforce' && status.exhausted ? '; requests in its scope are now refused' : '')
  );
}
