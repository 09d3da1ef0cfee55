import { statSync } from 'node:fs';
import type { Logger } from '../../common/logger.js';
import type { Clock } from '../usage/clock.js';
import { AlertCenter } from './alerts.js';
import { readBudgetsFile, writeBudgetsFile } from './file.js';
import { parseBudget, type Budget, type BudgetsFile } from './schema.js';
import { type RequestScope, scopeMatches } from './scope.js';
import { type QuotaSource, noQuota, type SpendSource } from './spend.js';
import { noTeamSpend } from './team-spend.js';
import { alertMessage, type BudgetStatus, quotaStatus, refusalMessage, spendStatus } from './status.js';

export interface BudgetServiceDeps {
  file: string;
  spend: SpendSource;
  /** The team ledger's latest totals, for `team` budgets; without a ledger they count nothing spent. */
  teamSpend?: SpendSource;
  quota?: QuotaSource;
  clock: Clock;
  logger: Logger;
  alerts: AlertCenter;
  /** How often spend is read again, alerts evaluated and the file checked for edits. Default 1 s. */
  refreshMs?: number;
}

/**
 * The budgets of this install: kept in `budgets.json`, their spend read on a timer (off the
 * request path), alerts raised as thresholds are crossed, and `admit` answering the proxy from
 * memory whether a request may go upstream.
 */
export class BudgetService {
  private data: BudgetsFile = { version: 1, budgets: [] };
  private fileMtimeMs: number | null = null;
  private enforced: BudgetStatus[] = [];
  private stopTimer: (() => void) | undefined;

  constructor(private readonly deps: BudgetServiceDeps) {
    this.reloadIfChanged();
  }

  start(): void {
    this.refreshQuietly();
    this.stopTimer ??= this.deps.clock.every(this.deps.refreshMs ?? 1000, () => this.refreshQuietly());
  }

  close(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  get alertWebhook(): string | undefined {
    return this.data.alertWebhook;
  }

  list(): Budget[] {
    return [...this.data.budgets];
  }

  statuses(): BudgetStatus[] {
    const now = this.deps.clock.now();
    const quota = this.deps.quota ?? noQuota;
    const teamSpend = this.deps.teamSpend ?? noTeamSpend;
    return this.data.budgets.map((b) =>
      b.kind === 'quota' ? quotaStatus(b, quota) : spendStatus(b, b.team ? teamSpend : this.deps.spend, now),
    );
  }

  /** Reads spend again, remembers exhausted `enforce` budgets, raises the alerts due. */
  refresh(): BudgetStatus[] {
    this.reloadIfChanged();
    const statuses = this.statuses();
    this.enforced = statuses.filter((s) => s.exhausted && s.budget.kind === 'spend' && s.budget.mode === 'enforce');
    for (const status of statuses) this.raiseAlerts(status);
    return statuses;
  }

  /**
   * Null when a request may go upstream, else the refusal message of the first exhausted `enforce`
   * budget covering it. Answered from memory: the proxy calls this on every cache miss.
   */
  admit(request: RequestScope): string | null {
    if (this.enforced.length === 0) return null;
    const now = this.deps.clock.now();
    for (const status of this.enforced) {
      // A period that has ended no longer refuses, even before the next refresh notices.
      if (status.resetsAt !== null && now >= status.resetsAt) continue;
      if (status.budget.kind === 'spend' && scopeMatches(status.budget.scope, request)) return refusalMessage(status);
    }
    return null;
  }

  /** Adds or replaces (same scope and period) a budget; applied at once. Throws BudgetValidationError. */
  set(raw: unknown): BudgetStatus {
    const budget = parseBudget(raw);
    const budgets = this.data.budgets.filter((b) => b.id !== budget.id);
    budgets.push(budget);
    this.save({ ...this.data, budgets });
    return this.refresh().find((s) => s.budget.id === budget.id)!;
  }

  remove(id: string): boolean {
    const budgets = this.data.budgets.filter((b) => b.id !== id);
    if (budgets.length === this.data.budgets.length) return false;
    this.save({ ...this.data, budgets });
    this.refresh();
    return true;
  }

  setAlertWebhook(url: string | undefined): void {
    const { alertWebhook: _old, ...rest } = this.data;
    this.save(url ? { ...rest, alertWebhook: url } : rest);
  }

  private save(data: BudgetsFile): void {
    writeBudgetsFile(this.deps.file, data);
    this.data = data;
    this.fileMtimeMs = mtimeOf(this.deps.file);
  }

  /** Picks up edits made by hand or by `cco budget` while no daemon ran; a broken edit keeps the last good budgets. */
  private reloadIfChanged(): void {
    const mtime = mtimeOf(this.deps.file);
    if (mtime === this.fileMtimeMs) return;
    this.fileMtimeMs = mtime;
    try {
      this.data = readBudgetsFile(this.deps.file);
    } catch (error) {
      this.deps.logger.error(`Budgets not changed: ${(error as Error).message}`);
    }
  }

  private raiseAlerts(status: BudgetStatus): void {
    if (status.percent === null || status.periodKey === null) return;
    const crossed = status.budget.thresholds.filter((t) => status.percent! >= t);
    const top = crossed.at(-1);
    if (top === undefined) return;
    const key = (t: number) => AlertCenter.key(status.budget.id, status.periodKey!, t);
    this.deps.alerts.raise(
      {
        budgetId: status.budget.id,
        kind: status.budget.kind,
        threshold: top,
        percent: status.percent,
        periodKey: status.periodKey,
        resetsAt: status.resetsAt,
        message: alertMessage(status, top),
      },
      crossed.slice(0, -1).map(key),
    );
  }

  private refreshQuietly(): void {
    try {
      this.refresh();
    } catch (error) {
      this.deps.logger.error(`Budgets could not be checked: ${(error as Error).message}`);
    }
  }
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}
