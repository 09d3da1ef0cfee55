import { createRequire } from 'node:module';
import type * as Z from 'zod';

/**
 * The zod functions the daemon's file contracts (model-routing.json, pricing.json) use. The build
 * bundles exactly these into one file beside this module (scripts/bundle-zod.mjs): about 100 KB
 * that loads in a few ms, where all of zod is 460 KB bundled and a hundred module files unbundled.
 * The type makes using another one a compile error until it is added here.
 */
export const ZOD_FULL_FUNCTIONS = [
  'strictObject', 'object', 'string', 'number', 'int', 'boolean', 'enum', 'union', 'array', 'record',
  'gte', 'refine', 'NEVER', 'toJSONSchema',
] as const;
export type Zod = Pick<typeof Z, (typeof ZOD_FULL_FUNCTIONS)[number]>;

let zod: Zod | undefined;

/**
 * Loaded on first use, not at import. `cco route test` loads it too; the CLI's settings use the
 * smaller zod/mini bundle of settings-schema.ts.
 */
export function loadZod(): Zod {
  if (zod) return zod;
  const require = createRequire(import.meta.url);
  try {
    zod = require('./zod.cjs') as Zod;
  } catch {
    zod = require('zod') as Zod; // a build without the bundle step (tsc only)
  }
  return zod;
}
