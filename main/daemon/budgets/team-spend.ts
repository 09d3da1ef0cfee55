import type { Logger } from '../../common/logger.js';
import type { Clock } from '../usage/clock.js';
import type { BudgetScope } from './schema.js';
import { groupedSpendSource, type Spend, type SpendRow, type SpendSource, type TimeRange } from './spend.js';

export interface TeamSpendDeps {
  /** The team's spend in a range, grouped by project and model (a PostgreSQL query). */
  read: (range: TimeRange) => Promise<SpendRow[]>;
  clock: Clock;
  logger: Logger;
  /** How a local project path is named in the ledger (full, basename or hashed), so project scopes match. */
  projectName: (path: string) => string;
  /** Whether the ledger keeps full paths, so a project budget also covers the folders under it. */
  fullPaths: boolean;
  /** How often the team totals are read again. Default 5 s. */
  refreshMs?: number;
}

const rangeKey = (range: TimeRange) => `${range.from}-${range.to}`;

/**
 * The team's spend as of the last read of the ledger. Budgets ask synchronously, from memory;
 * a timer reads PostgreSQL every few seconds for each period budgets asked about, so no request
 * ever waits on (or causes) a query. Until the first read answers, a period counts as nothing spent.
 */
export class TeamSpendSource implements SpendSource {
  private readonly wanted = new Map<string, TimeRange>();
  private readonly latest = new Map<string, readonly SpendRow[]>();
  private refreshing: Promise<void> | null = null;
  private stopTimer: (() => void) | undefined;
  private failing = false;
  /** Epoch ms of the last successful read, null before it. */
  lastReadAt: number | null = null;

  constructor(private readonly deps: TeamSpendDeps) {}

  start(): void {
    this.stopTimer ??= this.deps.clock.every(this.deps.refreshMs ?? 5000, () => void this.refresh());
  }

  close(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  spend(scope: BudgetScope, range: TimeRange): Spend {
    const key = rangeKey(range);
    if (!this.wanted.has(key)) {
      this.wanted.set(key, range);
      void this.refresh(); // A new period is read at once, not a refresh interval later.
    }
    const rows = this.latest.get(key) ?? [];
    const named: BudgetScope =
      scope.type === 'project' && !this.deps.fullPaths
        ? { type: 'project', path: this.deps.projectName(scope.path) }
        : scope;
    if (named.type === 'project' && !this.deps.fullPaths) {
      // Basenames and hashes are names, not folders: only the same name matches.
      return sum(rows.filter((r) => r.project === named.path));
    }
    return groupedSpendSource(() => rows).spend(named, range);
  }

  /** Reads the team's spend again for every period budgets asked about. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readAll().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async readAll(): Promise<void> {
    const ranges = [...this.wanted];
    try {
      for (const [key, range] of ranges) this.latest.set(key, await this.deps.read(range));
      this.lastReadAt = this.deps.clock.now();
      if (this.failing) this.deps.logger.info('Team budgets: the team totals can be read again');
      this.failing = false;
    } catch (error) {
      // The last totals read stay in force; one line when reading starts failing, not one per try.
      if (!this.failing) {
        this.deps.logger.warn(
          `Team budgets: cannot read the team totals (${(error as Error).message}); the last ones read stay in force`,
        );
      }
      this.failing = true;
    }
    // A period that has ended is not asked about again (the next one is).
    const now = this.deps.clock.now();
    for (const [key, range] of [...this.wanted]) {
      if (range.to > now) continue;
      this.wanted.delete(key);
      this.latest.delete(key);
    }
  }
}

function sum(rows: readonly SpendRow[]): Spend {
  return rows.reduce((t, r) => ({ payg: t.payg + r.payg, apiEquivalent: t.apiEquivalent + r.apiEquivalent }), {
    payg: 0,
    apiEquivalent: 0,
  });
}

/** For team budgets on a daemon without a team ledger: nothing is known, so nothing is spent. */
export const noTeamSpend: SpendSource = { spend: () => ({ payg: 0, apiEquivalent: 0 }) };
