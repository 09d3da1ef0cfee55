import { createRequire } from 'node:module';
import type * as Z from 'zod';

let zod: typeof Z | undefined;

/**
 * Full zod, for the daemon's file contracts (model-routing.json, pricing.json). Loaded on first
 * use, from one bundled file beside this module (scripts/bundle-zod.mjs) when the build made it:
 * `cco route test` then reads one file instead of zod's module tree (about 50 ms of CPU less).
 * The CLI's settings use the smaller zod/mini bundle of settings-schema.ts.
 */
export function loadZod(): typeof Z {
  if (zod) return zod;
  const require = createRequire(import.meta.url);
  try {
    zod = require('./zod.cjs') as typeof Z;
  } catch {
    zod = require('zod') as typeof Z; // a build without the bundle step (tsc only)
  }
  return zod;
}
