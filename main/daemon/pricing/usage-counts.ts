import type { Usage } from '../anthropic/types.js';

/** An Anthropic `usage` object read into plain numbers; anything missing or malformed is 0 / null. */
export interface UsageCounts {
  /** Uncached input (the API's `input_tokens` excludes cache writes and reads). */
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  webSearchRequests: number;
  webFetchRequests: number;
  /** `standard`, `priority`, `batch`, or null when the response did not say. */
  serviceTier: string | null;
  /** False when the 5m/1h split was absent and every write was taken as a 5-minute one. */
  cacheSplitKnown: boolean;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function record(value: unknown): Record<string, unknown> | undefined {
  const isRecord = typeof value === 'object' && value !== null && !Array.isArray(value);
  return isRecord ? (value as Record<string, unknown>) : undefined;
}

export function readUsage(usage: Usage | Record<string, unknown>): UsageCounts {
  const u = usage as Record<string, unknown>;
  const totalWrites = count(u.cache_creation_input_tokens);
  const split = record(u.cache_creation);
  let cacheWrite5m = totalWrites;
  let cacheWrite1h = 0;
  if (split) {
    cacheWrite1h = count(split.ephemeral_1h_input_tokens);
    const fiveMinute = count(split.ephemeral_5m_input_tokens);
    // Writes the split does not account for are taken at the (cheaper) 5-minute rate, as without a split.
    cacheWrite5m = fiveMinute + Math.max(0, totalWrites - fiveMinute - cacheWrite1h);
  }
  const tools = record(u.server_tool_use);
  return {
    input: count(u.input_tokens),
    output: count(u.output_tokens),
    cacheWrite5m,
    cacheWrite1h,
    cacheRead: count(u.cache_read_input_tokens),
    webSearchRequests: count(tools?.web_search_requests),
    webFetchRequests: count(tools?.web_fetch_requests),
    serviceTier: typeof u.service_tier === 'string' && u.service_tier !== '' ? u.service_tier : null,
    cacheSplitKnown: split !== undefined,
  };
}

/** The prompt as the long-context threshold counts it: input + cache writes + cache reads. */
export function promptTokens(c: UsageCounts): number {
  return c.input + c.cacheWrite5m + c.cacheWrite1h + c.cacheRead;
}
