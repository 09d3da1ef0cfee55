import type { CredentialKind } from '../anthropic/credential.js';
import type { Usage } from '../anthropic/types.js';
import type { Pricer } from './pricer.js';
import type { PriceTable, TokenRates } from './table.js';
import { promptTokens, readUsage, type UsageCounts } from './usage-counts.js';

const PER_MILLION = 1_000_000;
const PER_THOUSAND = 1_000;

/** Dollars per kind of charge for one response. */
export interface CostParts {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  webSearch: number;
  webFetch: number;
}

export interface CostBreakdown {
  tokens: UsageCounts;
  /** Null when the model has no price at all. */
  usd: CostParts | null;
  /** True when the request crossed the model's long-context threshold and was priced at that tier. */
  longContext: boolean;
  /** The multiplier applied for `service_tier` (1 when standard or unpriced). */
  tierMultiplier: number;
  /** Why the figure is an estimate, if it is one. */
  estimatedBecause: string[];
}

export interface UsageCost {
  /** Money actually owed per token (API key traffic); 0 on a subscription; null when unknown. */
  payg: number | null;
  /** What subscription traffic would have cost on an API key; 0 for API key traffic; null when unknown. */
  apiEquivalent: number | null;
  /** True when any part stands on a guess (a family fallback price, an unpublished tier price). */
  estimated: boolean;
  breakdown: CostBreakdown;
}

export interface UsageToPrice {
  usage: Usage | Record<string, unknown>;
  /** The model that answered (else the one asked for). */
  model: string | null;
  provider: string;
  credential: CredentialKind;
}

function tokenParts(c: UsageCounts, r: TokenRates, multiplier: number): CostParts {
  const m = multiplier / PER_MILLION;
  return {
    input: c.input * r.input * m,
    output: c.output * r.output * m,
    cacheWrite5m: c.cacheWrite5m * r.cacheWrite * m,
    cacheWrite1h: c.cacheWrite1h * (r.cacheWrite1h ?? r.input * 2) * m,
    cacheRead: c.cacheRead * r.cacheRead * m,
    webSearch: 0,
    webFetch: 0,
  };
}

export function totalOf(parts: CostParts): number {
  return parts.input + parts.output + parts.cacheWrite5m + parts.cacheWrite1h + parts.cacheRead
    + parts.webSearch + parts.webFetch;
}

/**
 * Prices one response exactly from its full `usage` object: cache writes by lifetime, the
 * long-context tier, the service tier and server tools, and keeps subscription traffic apart
 * as "API-equivalent value".
 */
export class UsagePricer {
  constructor(
    private readonly pricer: Pricer,
    private readonly table: PriceTable,
  ) {}

  price(req: UsageToPrice): UsageCost {
    const tokens = readUsage(req.usage);
    const price = this.pricer.priceFor(req.model, req.provider);
    const because: string[] = [];
    const breakdown: CostBreakdown = {
      tokens, usd: null, longContext: false, tierMultiplier: 1, estimatedBecause: because,
    };
    if (!price) return this.split(null, req.credential, breakdown);
    if (price.estimated) {
      because.push(`no published price for ${req.model ?? 'this model'}; a sibling model's price stands in`);
    }
    const long = price.longContext;
    const isLong = long !== undefined && promptTokens(tokens) > long.aboveInputTokens;
    breakdown.longContext = isLong;
    breakdown.tierMultiplier = this.tierMultiplier(tokens.serviceTier, because);
    const usd = tokenParts(tokens, isLong ? long : price, breakdown.tierMultiplier);
    usd.webSearch = this.toolCost(tokens.webSearchRequests, this.table.serverTools.webSearch, 'web search', because);
    usd.webFetch = this.toolCost(tokens.webFetchRequests, this.table.serverTools.webFetch, 'web fetch', because);
    breakdown.usd = usd;
    return this.split(totalOf(usd), req.credential, breakdown);
  }

  private tierMultiplier(tier: string | null, because: string[]): number {
    if (tier === null || tier === 'standard') return 1;
    const multiplier = this.table.serviceTiers[tier.toLowerCase()];
    if (multiplier !== undefined) return multiplier;
    because.push(`no published price for the "${tier}" service tier; standard rates used`);
    return 1;
  }

  private toolCost(calls: number, perThousand: number | undefined, name: string, because: string[]): number {
    if (calls === 0) return 0;
    if (perThousand === undefined) {
      because.push(`no published price for ${name}; counted as free`);
      return 0;
    }
    return (calls * perThousand) / PER_THOUSAND;
  }

  private split(amount: number | null, credential: CredentialKind, breakdown: CostBreakdown): UsageCost {
    const subscription = credential === 'subscription';
    return {
      payg: subscription ? 0 : amount,
      apiEquivalent: subscription ? amount : 0,
      estimated: breakdown.estimatedBecause.length > 0,
      breakdown,
    };
  }
}
