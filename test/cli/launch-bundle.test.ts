import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { sessionUuid } from '../../main/cli/launch.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUNDLE = join(ROOT, 'dist', 'main', 'cli-bundle', 'index.js');

test('a launch loads one bundled file: no npm package, no crypto, only the shared error classes beside it', () => {
  const text = readFileSync(BUNDLE, 'utf8');
  const statics = [...text.matchAll(/^import\s[^'"]*?from\s*"([^"]+)"/gm)].map((m) => m[1]!);
  const unexpected = statics.filter((spec) => !/^node:(fs|path|net|os|child_process|module)$/.test(spec) && spec !== '../cli/errors.js');
  assert.deepEqual(unexpected, []);
  assert.match(readFileSync(join(ROOT, 'bin', 'cco.js'), 'utf8'), /dist\/main\/cli-bundle\/index\.js/);
});

test('the bundled entry runs the commands it loads on demand', () => {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'cco.js'), 'daemon', '--help'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /cco daemon/);
  const bad = spawnSync(process.execPath, [join(ROOT, 'bin', 'cco.js'), 'daemon', 'frobnicate'], { encoding: 'utf8' });
  // A CliError thrown by an unbundled command is still reported as a one-line error, not a stack.
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /^Error: /);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test('an unbuilt checkout says to build first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cco-unbuilt-'));
  try {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'cco.js'), join(dir, 'bin', 'cco.js'));
    const result = spawnSync(process.execPath, [join(dir, 'bin', 'cco.js'), '--version'], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /not built yet.*npm run build/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each launch gets its own version-4 session id', () => {
  const ids = new Set(Array.from({ length: 1000 }, sessionUuid));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
