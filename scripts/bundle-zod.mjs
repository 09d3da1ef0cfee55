#!/usr/bin/env node
// Bundles the zod/mini functions the settings schema uses (ZOD_FUNCTIONS) into one small file
// beside it, dist/main/common/zod-mini.cjs. zod from node_modules reads about a hundred module
// files and costs the `cco` command some 60 ms of CPU on every run that validates a setting; the
// tree-shaken bundle costs a few. The schema falls back to node_modules when the file is missing.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const common = join(root, 'dist', 'main', 'common');
const { ZOD_FUNCTIONS } = await import(pathToFileURL(join(common, 'settings-schema.js')).href);
await build({
  stdin: { contents: `export { ${ZOD_FUNCTIONS.join(', ')} } from 'zod/mini';`, resolveDir: root, loader: 'js' },
  outfile: join(common, 'zod-mini.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// The daemon's file contracts (model-routing.json, pricing.json) use full zod: the same, with the
// functions common/zod.ts lists (ZOD_FULL_FUNCTIONS).
const { ZOD_FULL_FUNCTIONS } = await import(pathToFileURL(join(common, 'zod.js')).href);
await build({
  stdin: { contents: `export { ${ZOD_FULL_FUNCTIONS.join(', ')} } from 'zod';`, resolveDir: root, loader: 'js' },
  outfile: join(common, 'zod.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
