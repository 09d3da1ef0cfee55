import { builtinPriceTable } from '../pricing/load.js';
import type { Pricer } from '../pricing/pricer.js';
import type { PriceTable } from '../pricing/table.js';
import { UsagePricer } from '../pricing/usage-cost.js';
import type { RequestRecord } from './record.js';

export interface RecordCost {
  /**
   * What this request cost upstream; null when the model has no known price. Pay-as-you-go money
   * or, on a subscription (`billing`), its API-equivalent value: the roll-ups keep the two apart.
   */
  costUsd: number | null;
  /** What a cache answer avoided paying (the stored answer's price); 0 for upstream calls. */
  savedUsd: number | null;
  costEstimated: boolean;
}

export type PricedRecord = RequestRecord & RecordCost;

/** The one way a record is priced (UsagePricer); `table` supplies service tiers and server tools. */
export function usagePricerOf(pricer: Pricer, table: PriceTable = builtinPriceTable()): UsagePricer {
  return new UsagePricer(pricer, table);
}

function noTokens(rec: RequestRecord): boolean {
  return rec.inputTokens + rec.outputTokens + rec.cacheCreationTokens + rec.cacheReadTokens === 0
    && !rec.webSearchRequests && !rec.webFetchRequests;
}

/** The record's counts as the API's `usage` object, which is what UsagePricer prices. */
function usageOf(rec: RequestRecord): Record<string, unknown> {
  const usage: Record<string, unknown> = {
    input_tokens: rec.inputTokens,
    output_tokens: rec.outputTokens,
    cache_creation_input_tokens: rec.cacheCreationTokens,
    cache_read_input_tokens: rec.cacheReadTokens,
  };
  const w5 = rec.cacheWrite5mTokens;
  const w1 = rec.cacheWrite1hTokens;
  // Without the split every write is taken at the 5-minute rate (UsagePricer's fallback).
  if (typeof w5 === 'number' || typeof w1 === 'number') {
    usage.cache_creation = { ephemeral_5m_input_tokens: w5 ?? 0, ephemeral_1h_input_tokens: w1 ?? 0 };
  }
  if (rec.serviceTier) usage.service_tier = rec.serviceTier;
  if (rec.webSearchRequests || rec.webFetchRequests) {
    usage.server_tool_use = { web_search_requests: rec.webSearchRequests ?? 0, web_fetch_requests: rec.webFetchRequests ?? 0 };
  }
  return usage;
}

const NOTHING: RecordCost = Object.freeze({ costUsd: 0, savedUsd: 0, costEstimated: false });

/** Hits and coalesced requests made no upstream call: their tokens are what they saved. */
export function costOf(rec: RequestRecord, pricer: UsagePricer): RecordCost {
  // Nothing was consumed (an error before the model answered): zero is the truth, not a guess.
  if (noTokens(rec)) return NOTHING;
  const free = rec.cache === 'hit' || rec.cache === 'coalesced';
  const priced = pricer.price({
    usage: usageOf(rec),
    model: rec.servedModel ?? rec.requestedModel,
    provider: rec.provider,
    credential: rec.billing === 'subscription' ? 'subscription' : 'api-key',
  });
  const amount = rec.billing === 'subscription' ? priced.apiEquivalent : priced.payg;
  // Unknown price: only the side that is known for sure (a hit paid 0, a miss saved 0) is a number.
  if (amount === null) return { costUsd: free ? 0 : null, savedUsd: free ? null : 0, costEstimated: false };
  return { costUsd: free ? 0 : amount, savedUsd: free ? amount : 0, costEstimated: priced.estimated };
}

export function priceRecord(rec: RequestRecord, pricer: UsagePricer): PricedRecord {
  // Object.assign, not `{ ...rec, ...cost }`: V8 takes a slow path (about 1 us) for a spread followed by more fields.
  return Object.assign({}, rec, costOf(rec, pricer));
}
