import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, type RunResult } from './harness.js';

/**
 * The POSIX shim shipped with the desktop app (assets/bin/cco), run the way an installed app runs
 * it: from <resources>/bin, reached through links in a bin directory, with an "Electron" binary
 * next to the resources. The fake Electron records how it was called and, in Node mode, runs the
 * real CLI, so the whole chain down to `cco`'s exit code is exercised.
 */
const SHIM = join(ROOT, 'assets', 'bin', 'cco');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

const roots: string[] = [];
after(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true });
});

interface Install {
  root: string;
  resources: string;
  electron: string;
  record: string;
}

/** An installed app: Linux (`<dir>/cco-desktop`) or macOS (`MacOS/CCO`); the app's files in `<resources>/app` (no asar). */
function install(layout: 'linux' | 'mac'): Install {
  const root = mkdtempSync(join(tmpdir(), 'cco shim '));
  roots.push(root);
  const appDir = layout === 'linux' ? join(root, 'opt', 'My Apps', 'CCO') : join(root, 'Applications', 'CCO.app', 'Contents');
  const resources = join(appDir, layout === 'linux' ? 'resources' : 'Resources');
  const electron = layout === 'linux' ? join(appDir, 'cco-desktop') : join(appDir, 'MacOS', 'CCO');
  const record = join(root, 'electron-record.txt');
  mkdirSync(join(resources, 'bin'), { recursive: true });
  mkdirSync(dirname(electron), { recursive: true });
  copyFileSync(SHIM, join(resources, 'bin', 'cco'));
  chmodSync(join(resources, 'bin', 'cco'), 0o755);
  // The checkout stands in for the app's files: <resources>/app/bin/cco.js.
  symlinkSync(ROOT, join(resources, 'app'));
  writeFileSync(
    electron,
    [
      '#!/bin/sh',
      `{ echo "ELECTRON_RUN_AS_NODE=$ELECTRON_RUN_AS_NODE"; for a in "$@"; do echo "arg=$a"; done; } > ${quote(record)}`,
      '[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "fake electron: would open the app window" >&2; exit 99; }',
      `exec ${quote(process.execPath)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(electron, 0o755);
  return { root, resources, electron, record };
}

function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), CCO_HOME: join(tmpdir(), 'cco-shim-no-home'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function recorded(app: Install): string[] {
  return readFileSync(app.record, 'utf8').trimEnd().split('\n');
}

describe('the installed app\'s `cco` shim (POSIX sh)', { skip: process.platform === 'win32' }, () => {
  it('runs the bundled CLI with the app\'s own binary in Node mode, through a link in a bin directory', async () => {
    const app = install('linux');
    const bin = join(app.root, 'usr', 'local', 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(app.resources, 'bin', 'cco'), join(bin, 'cco'));
    const result = await run(join(bin, 'cco'), ['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(VERSION.replace(/\./g, '\\.')));
    assert.deepEqual(recorded(app), [
      'ELECTRON_RUN_AS_NODE=1',
      `arg=${join(app.resources, 'app', 'bin', 'cco.js')}`,
      'arg=--version',
    ]);
  });

  it('follows a chain of relative links, and finds the macOS layout', async () => {
    const app = install('mac');
    const local = join(app.root, 'home', 'me', '.local', 'bin');
    const tools = join(app.root, 'home', 'me', 'tools');
    mkdirSync(local, { recursive: true });
    mkdirSync(tools, { recursive: true });
    // ~/.local/bin/cco -> ../../tools/cco -> /.../CCO.app/Contents/Resources/bin/cco
    symlinkSync(join(app.resources, 'bin', 'cco'), join(tools, 'cco'));
    symlinkSync(join('..', '..', 'tools', 'cco'), join(local, 'cco'));
    const result = await run(join(local, 'cco'), ['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(recorded(app)[1], `arg=${join(app.resources, 'app', 'bin', 'cco.js')}`);
  });

  it('passes arguments verbatim and returns the CLI\'s exit code', async () => {
    const app = install('linux');
    const result = await run(join(app.resources, 'bin', 'cco'), ['daemon', 'status', 'two words', '$HOME']);
    assert.equal(result.code, 2, 'a usage error keeps its exit code through the shim');
    assert.match(result.stderr, /unexpected argument 'two words'/);
    assert.deepEqual(recorded(app).slice(2), ['arg=daemon', 'arg=status', 'arg=two words', 'arg=$HOME']);
  });

  it('says what is missing when the app binary is not there, exit 127; CCO_ELECTRON_PATH overrides it', async () => {
    const app = install('linux');
    const shim = join(app.resources, 'bin', 'cco');
    rmSync(app.electron);
    const missing = await run(shim, ['--version']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /CCO app binary was not found/);
    assert.match(missing.stderr, /CCO_ELECTRON_PATH/);
    const elsewhere = join(app.root, 'electron-elsewhere');
    writeFileSync(elsewhere, `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || exit 99\nexec ${quote(process.execPath)} "$@"\n`);
    chmodSync(elsewhere, 0o755);
    const overridden = await run(shim, ['--version'], { CCO_ELECTRON_PATH: elsewhere });
    assert.equal(overridden.code, 0, overridden.stderr);
    assert.match(overridden.stdout, new RegExp(VERSION.replace(/\./g, '\\.')));
  });
});
