#!/usr/bin/env node
// Bundles the dashboard for production: every `renderer/src/<name>.page.ts` becomes
// `dist/renderer/<name>.js` (+ `<name>.css` from the CSS it imports), and every
// `renderer/<name>.html` is copied beside it. No CDN: the page must work offline.
// esbuild: one small, well-kept dependency that bundles TypeScript, CSS and node_modules
// (d3, xterm) in well under a second; hand-written bundling would be worse on every count.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'renderer', 'src');
const out = join(root, 'dist', 'renderer');

// `src/` there is tsc's Node build of the renderer's pure modules (format, chart shaping), which
// the unit tests import; everything else is this script's and is rebuilt from scratch.
mkdirSync(out, { recursive: true });
for (const entry of readdirSync(out)) if (entry !== 'src') rmSync(join(out, entry), { recursive: true, force: true });
const entryPoints = Object.fromEntries(
  readdirSync(src)
    .filter((f) => f.endsWith('.page.ts'))
    .map((f) => [f.slice(0, -'.page.ts'.length), join(src, f)]),
);
await build({
  entryPoints,
  outdir: out,
  bundle: true,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  sourcemap: 'linked',
  target: ['chrome120', 'firefox120', 'safari17'],
  loader: { '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  logLevel: 'warning',
});
for (const f of readdirSync(join(root, 'renderer'))) {
  if (f.endsWith('.html')) copyFileSync(join(root, 'renderer', f), join(out, f));
}
