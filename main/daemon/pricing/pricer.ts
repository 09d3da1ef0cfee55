import type { Logger } from '../../common/logger.js';
import { generationRank, normalizeModelId, parseModelId, type ModelGeneration } from './model-id.js';
import type { PriceTable, TokenPrice } from './table.js';

export interface ModelPrice extends TokenPrice {
  /** True when the model itself is not in the table and a sibling generation's price stands in. */
  estimated: boolean;
}

export interface Pricer {
  /** The price of `model` served by `provider`, or null when nothing honest can be said. */
  priceFor(model: string | null, provider: string): ModelPrice | null;
}

interface Known {
  id: string;
  generation: ModelGeneration;
  price: TokenPrice;
}

function knownGenerations(table: PriceTable): Known[] {
  const known: Known[] = [];
  for (const [id, price] of Object.entries(table.models)) {
    const generation = parseModelId(id);
    if (generation) known.push({ id, generation, price });
  }
  return known;
}

function sameGeneration(a: ModelGeneration, b: ModelGeneration): boolean {
  return a.family === b.family && a.major === b.major && a.minor === b.minor;
}

/**
 * A generation the table lacks borrows from its family: the latest known one not newer than it
 * (a new release usually keeps or lowers the price), else the oldest known (it predates them all).
 */
function nearestSibling(known: readonly Known[], wanted: ModelGeneration): Known | undefined {
  const family = known
    .filter((k) => k.generation.family === wanted.family)
    .sort((a, b) => generationRank(a.generation) - generationRank(b.generation));
  const notNewer = family.filter((k) => generationRank(k.generation) <= generationRank(wanted));
  return notNewer.at(-1) ?? family[0];
}

export class TablePricer implements Pricer {
  private readonly known: Known[];
  private readonly memo = new Map<string, ModelPrice | null>();

  constructor(
    private readonly table: PriceTable,
    private readonly logger: Logger,
  ) {
    this.known = knownGenerations(table);
  }

  priceFor(model: string | null, provider: string): ModelPrice | null {
    const byProvider = this.table.providers[provider.toLowerCase()];
    if (byProvider) return { ...byProvider, estimated: false };
    if (model === null) return null;
    const key = model.toLowerCase();
    if (!this.memo.has(key)) this.memo.set(key, this.resolve(model));
    return this.memo.get(key) ?? null;
  }

  // Runs once per model id (memoized), which is also what keeps each warning to one line.
  private resolve(model: string): ModelPrice | null {
    const exact = this.table.models[model.toLowerCase()] ?? this.table.models[normalizeModelId(model)];
    if (exact) return { ...exact, estimated: false };
    const generation = parseModelId(model);
    const match = generation && this.known.find((k) => sameGeneration(k.generation, generation));
    if (match) return { ...match.price, estimated: false };
    const sibling = generation && nearestSibling(this.known, generation);
    if (sibling) {
      this.logger.warn(`No price for model "${model}"; estimating with the price of ${sibling.id}`);
      return { ...sibling.price, estimated: true };
    }
    this.logger.warn(`No price for model "${model}": its cost is recorded as unknown (add it to pricing.json)`);
    return null;
  }
}

export function createPricer(table: PriceTable, logger: Logger): Pricer {
  return new TablePricer(table, logger);
}
