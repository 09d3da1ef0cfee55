import { costUsd } from '../pricing/cost.js';
import type { Pricer } from '../pricing/pricer.js';
import type { RequestRecord } from './record.js';

export interface RecordCost {
  /** What this request paid upstream; null when the model has no known price. */
  costUsd: number | null;
  /** What a cache answer avoided paying (the stored answer's price); 0 for upstream calls. */
  savedUsd: number | null;
  costEstimated: boolean;
}

export type PricedRecord = RequestRecord & RecordCost;

function noTokens(rec: RequestRecord): boolean {
  return rec.inputTokens + rec.outputTokens + rec.cacheCreationTokens + rec.cacheReadTokens === 0;
}

const NOTHING: RecordCost = Object.freeze({ costUsd: 0, savedUsd: 0, costEstimated: false });

/** Hits and coalesced requests made no upstream call: their tokens are what they saved. */
export function costOf(rec: RequestRecord, pricer: Pricer): RecordCost {
  // Nothing was consumed (an error before the model answered): zero is the truth, not a guess.
  if (noTokens(rec)) return NOTHING;
  const free = rec.cache === 'hit' || rec.cache === 'coalesced';
  const price = pricer.priceFor(rec.servedModel ?? rec.requestedModel, rec.provider);
  // Unknown price: only the side that is known for sure (a hit paid 0, a miss saved 0) is a number.
  if (!price) return { costUsd: free ? 0 : null, savedUsd: free ? null : 0, costEstimated: false };
  const amount = costUsd(rec, price);
  return { costUsd: free ? 0 : amount, savedUsd: free ? amount : 0, costEstimated: price.estimated };
}

export function priceRecord(rec: RequestRecord, pricer: Pricer): PricedRecord {
  // Object.assign, not `{ ...rec, ...cost }`: V8 takes a slow path (about 1 us) for a spread followed by more fields.
  return Object.assign({}, rec, costOf(rec, pricer));
}
