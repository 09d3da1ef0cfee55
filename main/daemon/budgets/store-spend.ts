import type { UsageStore } from '../usage/store.js';
import type { Db } from '../usage/schema.js';
import { querySpendByProjectModel } from '../usage/spend.js';
import { groupedSpendSource, type SpendSource } from './spend.js';

// The usage store splits plan traffic (API-equivalent value) from pay-as-you-go spend by each row's billing.

/** Spend as the running daemon's usage store has committed it. */
export function storeSpendSource(store: Pick<UsageStore, 'spendByProjectModel'>): SpendSource {
  return groupedSpendSource(({ from, to }) =>
    store.spendByProjectModel(from, to).map((r) => ({ project: r.project, model: r.model, payg: r.costUsd, apiEquivalent: r.apiEquivalentUsd })),
  );
}

/** Spend read straight from a usage database file (the CLI, with or without a daemon). */
export function dbSpendSource(db: Db): SpendSource {
  return groupedSpendSource(({ from, to }) =>
    querySpendByProjectModel(db, from, to).map((r) => ({ project: r.project, model: r.model, payg: r.costUsd, apiEquivalent: r.apiEquivalentUsd })),
  );
}
