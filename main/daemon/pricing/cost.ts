import type { TokenPrice } from './table.js';

/** Token counts as the usage record carries them; `inputTokens` excludes the prompt-cache tokens. */
export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

const PER_MILLION = 1_000_000;

/** Each kind of token at its own rate. Cache writes are priced at the 5-minute rate. */
export function costUsd(tokens: TokenCounts, price: TokenPrice): number {
  return (
    (tokens.inputTokens * price.input +
      tokens.outputTokens * price.output +
      tokens.cacheCreationTokens * price.cacheWrite +
      tokens.cacheReadTokens * price.cacheRead) /
    PER_MILLION
  );
}
