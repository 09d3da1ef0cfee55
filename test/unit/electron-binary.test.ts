import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'electron-binary.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'cco-electron-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A project whose electron package's installer fails as it does with no route to the download host. */
function projectWithFailingDownload(): string {
  const dir = mkdtempSync(join(scratch, 'p-'));
  writeFileSync(join(dir, 'package.json'), '{"name":"p","private":true}');
  const electron = join(dir, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  writeFileSync(join(electron, 'package.json'), '{"name":"electron","version":"0.0.0"}');
  writeFileSync(join(electron, 'install.js'), "console.error('RequestError: getaddrinfo ENOTFOUND github.com\\n    at x (y.js:1:1)'); process.exit(1);\n");
  return dir;
}

function run(cwd: string, ...args: string[]) {
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  return spawnSync(process.execPath, [SCRIPT, ...args], { cwd, env, encoding: 'utf8' });
}

test('npm install goes on when Electron cannot be downloaded, saying so in one line', () => {
  const result = run(projectWithFailingDownload());
  assert.equal(result.status, 0);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^Desktop shell unavailable: .*ENOTFOUND github\.com.*npm run electron:fetch/);
});

test('npm run electron:fetch fails when the download fails', () => {
  assert.equal(run(projectWithFailingDownload(), '--required').status, 1);
});

test("package.json hands Electron's download to that step: its own postinstall is denied, ours runs", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    allowScripts: Record<string, boolean>;
  };
  assert.equal(pkg.allowScripts.electron, false);
  assert.match(pkg.scripts.postinstall ?? '', /electron-binary\.mjs/);
  assert.match(pkg.scripts['electron:fetch'] ?? '', /electron-binary\.mjs --required/);
});
