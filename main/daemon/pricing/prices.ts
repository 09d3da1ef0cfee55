/**
 * The built-in price table: USD per million tokens, with the date it was last checked. The one
 * place to update prices; users override or extend it with `pricing.json` in the data directory.
 * (A module rather than a .json file so Node 20 loads it without an experimental-feature warning.)
 */
export const BUILTIN_PRICES = {
  "updated": "2026-11-25",
  "unit": "USD per million tokens; cacheWrite is the 5-minute prompt-cache write",
  "models": {
    "claude-opus-4": {
      "input": 15,
      "output": 75,
      "cacheWrite": 18.75,
      "cacheRead": 1.5
    },
    "claude-opus-4-1": {
      "input": 15,
      "output": 75,
      "cacheWrite": 18.75,
      "cacheRead": 1.5
    },
    "claude-opus-4-5": {
      "input": 5,
      "output": 25,
      "cacheWrite": 6.25,
      "cacheRead": 0.5
    },
    "claude-sonnet-4": {
      "input": 3,
      "output": 15,
      "cacheWrite": 3.75,
      "cacheRead": 0.3
    },
    "claude-sonnet-4-5": {
      "input": 3,
      "output": 15,
      "cacheWrite": 3.75,
      "cacheRead": 0.3
    },
    "claude-haiku-4-5": {
      "input": 1,
      "output": 5,
      "cacheWrite": 1.25,
      "cacheRead": 0.1
    },
    "claude-3-5-haiku": {
      "input": 0.8,
      "output": 4,
      "cacheWrite": 1,
      "cacheRead": 0.08
    },
    "claude-3-haiku": {
      "input": 0.25,
      "output": 1.25,
      "cacheWrite": 0.3,
      "cacheRead": 0.03
    }
  },
  "providers": {}
} as const;
