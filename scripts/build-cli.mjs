#!/usr/bin/env node
// Bundles the path every `cco` launch takes (the entry, the launch command and what they import
// statically) into one file, dist/main/cli-bundle/index.js, which bin/cco.js loads: one module to
// read and compile instead of a few dozen resolved one by one, which was most of what cco cost a
// warm launch before Claude Code started.
//
// Everything loaded on demand (the other commands, the daemon's start-up, help) stays tsc's own
// output in dist/main/cli and is imported from there, as is errors.js, so that a CliError thrown
// there is the class the entry reports. The bundle sits at the same depth as dist/main/cli, so
// paths computed from import.meta.url (bin/cco.js, package.json) stay right.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const cli = join(root, 'dist', 'main', 'cli');
const out = join(root, 'dist', 'main', 'cli-bundle');
/** Bundled although imported on demand: the launch itself. */
const BUNDLED_LAZY = new Set(['./launch.js']);
/**
 * npm packages the launch path may come to use (settings schemas, JSONC), pure ESM and cheaper to
 * load bundled than resolved file by file from node_modules. Others stay where npm put them.
 */
const BUNDLED_PACKAGES = new Set(['zod', 'jsonc-parser']);
/** Kept outside although imported statically: modules whose identity the unbundled commands share. */
const SHARED = new Set(['./errors.js']);

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const launchPathOnly = {
  name: 'launch-path-only',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (!args.path.startsWith('.')) return BUNDLED_PACKAGES.has(packageName(args.path)) ? undefined : { path: args.path, external: true };
      const fromCli = args.resolveDir === cli;
      if (fromCli && (SHARED.has(args.path) || (args.kind === 'dynamic-import' && !BUNDLED_LAZY.has(args.path)))) {
        return { path: `../cli/${basename(args.path)}`, external: true };
      }
      if (args.path.startsWith('../daemon/') && fromCli) return { path: args.path, external: true };
      return undefined;
    });
  },
};

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { index: join(cli, 'index.js') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [launchPathOnly],
  logLevel: 'warning',
});
