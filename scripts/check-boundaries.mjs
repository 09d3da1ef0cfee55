#!/usr/bin/env node
// The import rules that keep each process's code in its own runtime. Run by `npm run build`,
// so an accidental `import 'electron'` in the daemon fails the build, not a user's server.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

// The tree to check: the repository this script lives in, or the one named on the command line (tests).
const root = resolve(process.argv[2] ?? resolve(dirname(new URL(import.meta.url).pathname), '..'));
const ELECTRON = /^(electron|electron-store|electron-updater)(\/|$)/;

const rules = [
  { dir: 'main/common', why: 'runs under plain Node', forbid: (spec, target) => ELECTRON.test(spec) || inside(target, 'main/daemon', 'main/cli', 'main/app', 'renderer', 'preload') },
  { dir: 'main/daemon', why: 'runs headless under plain Node', forbid: (spec, target) => ELECTRON.test(spec) || inside(target, 'main/app', 'main/cli', 'renderer', 'preload') },
  { dir: 'main/cli', why: 'runs under plain Node', forbid: (spec, target) => ELECTRON.test(spec) || inside(target, 'main/app', 'renderer', 'preload') },
  // What the app and the CLI share (the daemon client, settings) lives in main/common.
  { dir: 'main/app', why: 'shares code with the CLI only through main/common', forbid: (_spec, target) => inside(target, 'main/cli') },
  { dir: 'renderer', why: 'is UI only and talks to the daemon over HTTP', forbid: (spec, target) => ELECTRON.test(spec) || inside(target, 'main', 'preload') || /^node:/.test(spec) },
  { dir: 'preload', why: 'is the narrow bridge', forbid: (_spec, target) => inside(target, 'main', 'renderer') },
  { dir: 'shared', why: 'holds types and pure helpers every process may import', forbid: (_spec, target) => target === null || !inside(target, 'shared') },
];

// Inside the daemon, each folder may import only the layers below it in the data flow
// (socket → http → routing → cache → proxy → record). The table in the README's architecture notes.
const D = 'main/daemon';
const daemonLayers = {
  anthropic: [],
  http: ['anthropic'],
  cache: ['anthropic'],
  routing: ['anthropic', 'http'],
  // usage/record.ts is the proxy's output port (the recorder interface), not the store.
  proxy: ['anthropic', 'http', 'cache', 'routing', 'quota', 'budgets', 'usage/record.ts'],
  pricing: ['anthropic'],
  usage: ['pricing', 'anthropic'],
  quota: ['anthropic', 'usage', 'pricing'],
  budgets: ['anthropic', 'usage', 'pricing', 'quota'],
  transcripts: ['anthropic', 'usage', 'pricing'],
  ledger: ['usage', 'pricing'],
  metrics: ['usage', 'pricing', 'quota', 'budgets', 'cache', 'anthropic'],
  terminal: ['http'],
};
for (const [folder, allowed] of Object.entries(daemonLayers)) {
  rules.push({
    dir: `${D}/${folder}`,
    why: `may import only ${['main/common', ...allowed.map((a) => `${D}/${a}`)].join(', ')} (the daemon's layering)`,
    forbid: (_spec, target) =>
      target !== null && inside(target, D) && !inside(target, `${D}/${folder}`) &&
      !allowed.some((a) => inside(target, `${D}/${a}`) || target === `${D}/${a}`.replace(/\.ts$/, '.js')),
  });
}
rules.push({
  dir: 'main/daemon/routes',
  why: 'holds thin handlers: they use services, never the composition (app.ts, host.ts)',
  forbid: (_spec, target) => target !== null && /^main\/daemon\/(app|host)\.(js|ts)$/.test(target),
});
function inside(target, ...dirs) {
  return target !== null && dirs.some((d) => target === d || target.startsWith(`${d}/`));
}

function* sources(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) { if (name !== 'node_modules' && name !== 'dist') yield* sources(path); }
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

const problems = [];
for (const rule of rules) {
  for (const file of sources(join(root, rule.dir))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
      const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split('\\').join('/') : null;
      if (rule.forbid(spec, target)) problems.push(`${relative(root, file)} imports "${spec}", but ${rule.dir}/ ${rule.why}`);
    }
  }
}
if (problems.length) {
  console.error(`Import boundaries broken:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
