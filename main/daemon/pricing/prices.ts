/**
 * The built-in price table: USD per million tokens, with the date it was last checked against
 * Anthropic's published pricing page (https://platform.claude.com/docs/en/about-claude/pricing).
 * The one place to update prices; users override or extend it with `pricing.json` in the data
 * directory. (A module rather than a .json file so Node 20 loads it without an experimental-feature
 * warning.)
 *
 * - `cacheWrite` is the 5-minute prompt-cache write (1.25 x input), `cacheWrite1h` the 1-hour one
 *   (2 x input), `cacheRead` a cache hit or refresh (0.1 x input).
 * - `longContext`: above `aboveInputTokens` (input + cache writes + cache reads) the whole request
 *   is charged at these rates.
 * - `serverTools`: USD per 1,000 server-side tool calls (web search; web fetch costs only its tokens).
 * - `serviceTiers`: a multiplier on every token rate for a tier with a published price (batch: 50 %).
 */
export const BUILTIN_PRICES = {
  "updated": "2026-12-01",
  "unit": "USD per million tokens",
  "models": {
    "claude-opus-5": { "input": 5, "output": 25, "cacheWrite": 6.25, "cacheWrite1h": 10, "cacheRead": 0.5 },
    "claude-opus-4-8": { "input": 5, "output": 25, "cacheWrite": 6.25, "cacheWrite1h": 10, "cacheRead": 0.5 },
    "claude-opus-4-7": { "input": 5, "output": 25, "cacheWrite": 6.25, "cacheWrite1h": 10, "cacheRead": 0.5 },
    "claude-opus-4-6": { "input": 5, "output": 25, "cacheWrite": 6.25, "cacheWrite1h": 10, "cacheRead": 0.5 },
    "claude-opus-4-5": { "input": 5, "output": 25, "cacheWrite": 6.25, "cacheWrite1h": 10, "cacheRead": 0.5 },
    "claude-opus-4-1": { "input": 15, "output": 75, "cacheWrite": 18.75, "cacheWrite1h": 30, "cacheRead": 1.5 },
    "claude-opus-4": { "input": 15, "output": 75, "cacheWrite": 18.75, "cacheWrite1h": 30, "cacheRead": 1.5 },
    "claude-3-opus": { "input": 15, "output": 75, "cacheWrite": 18.75, "cacheWrite1h": 30, "cacheRead": 1.5 },
    "claude-sonnet-4-6": { "input": 3, "output": 15, "cacheWrite": 3.75, "cacheWrite1h": 6, "cacheRead": 0.3 },
    "claude-sonnet-4-5": {
      "input": 3, "output": 15, "cacheWrite": 3.75, "cacheWrite1h": 6, "cacheRead": 0.3,
      "longContext": {
        "aboveInputTokens": 200000,
        "input": 6, "output": 22.5, "cacheWrite": 7.5, "cacheWrite1h": 12, "cacheRead": 0.6
      }
    },
    "claude-sonnet-4": {
      "input": 3, "output": 15, "cacheWrite": 3.75, "cacheWrite1h": 6, "cacheRead": 0.3,
      "longContext": {
        "aboveInputTokens": 200000,
        "input": 6, "output": 22.5, "cacheWrite": 7.5, "cacheWrite1h": 12, "cacheRead": 0.6
      }
    },
    "claude-3-7-sonnet": { "input": 3, "output": 15, "cacheWrite": 3.75, "cacheWrite1h": 6, "cacheRead": 0.3 },
    "claude-haiku-4-5": { "input": 1, "output": 5, "cacheWrite": 1.25, "cacheWrite1h": 2, "cacheRead": 0.1 },
    "claude-3-5-haiku": { "input": 0.8, "output": 4, "cacheWrite": 1, "cacheWrite1h": 1.6, "cacheRead": 0.08 },
    "claude-3-haiku": { "input": 0.25, "output": 1.25, "cacheWrite": 0.3, "cacheWrite1h": 0.5, "cacheRead": 0.03 }
  },
  "providers": {},
  "serverTools": { "webSearch": 10, "webFetch": 0 },
  "serviceTiers": { "batch": 0.5 }
} as const;
