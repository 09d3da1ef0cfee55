import type { UsageStore } from '../usage/store.js';
import type { Db } from '../usage/schema.js';
import { querySpendByProjectModel } from '../usage/spend.js';
import { groupedSpendSource, type SpendSource } from './spend.js';

// Today's store knows one cost per row and no credential kind, so all of it counts as
// pay-as-you-go. When the store splits plan traffic out (API-equivalent), only these adapters change.

/** Spend as the running daemon's usage store has committed it. */
export function storeSpendSource(store: Pick<UsageStore, 'spendByProjectModel'>): SpendSource {
  return groupedSpendSource(({ from, to }) =>
    store.spendByProjectModel(from, to).map((r) => ({ project: r.project, model: r.model, payg: r.costUsd, apiEquivalent: 0 })),
  );
}

/** Spend read straight from a usage database file (the CLI, with or without a daemon). */
export function dbSpendSource(db: Db): SpendSource {
  return groupedSpendSource(({ from, to }) =>
    querySpendByProjectModel(db, from, to).map((r) => ({ project: r.project, model: r.model, payg: r.costUsd, apiEquivalent: 0 })),
  );
}
