import type { BudgetScope } from './schema.js';
import { globMatches, projectMatches } from './scope.js';

/** Dollars spent, kept apart: pay-as-you-go (API keys) and API-equivalent value (plan traffic). */
export interface Spend {
  payg: number;
  apiEquivalent: number;
}

export interface TimeRange {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/**
 * Where budgets learn what was spent. The one seam between budgets and the usage store: swap the
 * implementation (rollups, the split by credential) without touching the budget logic.
 */
export interface SpendSource {
  spend(scope: BudgetScope, range: TimeRange): Spend;
}

/** One row of spend grouped by project and model, as a usage store can answer cheaply. */
export interface SpendRow {
  project: string;
  model: string | null;
  payg: number;
  apiEquivalent: number;
}

/** A SpendSource over grouped rows: the scope is applied here, so globs and folders match as enforcement does. */
export function groupedSpendSource(rows: (range: TimeRange) => readonly SpendRow[]): SpendSource {
  return {
    spend(scope, range) {
      const total: Spend = { payg: 0, apiEquivalent: 0 };
      for (const row of rows(range)) {
        if (scope.type === 'project' && !projectMatches(scope.path, row.project)) continue;
        if (scope.type === 'model' && (row.model === null || !globMatches(scope.glob, row.model))) continue;
        total.payg += row.payg;
        total.apiEquivalent += row.apiEquivalent;
      }
      return total;
    },
  };
}

/** For budgets and quota alerts without a plan quota reader. */
export interface QuotaWindow {
  window: string;
  /** 0..1 */
  utilization: number;
  resetsAt: number | null;
}

export interface QuotaSource {
  windows(): readonly QuotaWindow[];
}

export const noQuota: QuotaSource = { windows: () => [] };
