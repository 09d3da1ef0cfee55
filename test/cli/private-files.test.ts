import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { destroySandbox, logFile, makeSandbox, runCco, waitFor, type Sandbox } from './harness.js';

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

/** Every file and directory under `dir`, relative, with its mode. */
function modesUnder(dir: string, prefix = ''): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    out.push([prefix + name, modeOf(path)]);
    if (statSync(path).isDirectory()) out.push(...modesUnder(path, `${prefix}${name}/`));
  }
  return out;
}

describe('files under the data directory are private to the user', () => {
  let sandbox: Sandbox;
  let previousUmask: number;
  before(async () => {
    sandbox = await makeSandbox();
    // The most permissive umask: every mode below must come from CCO itself.
    previousUmask = process.umask(0);
  });
  after(async () => {
    process.umask(previousUmask);
    await runCco(['daemon', 'stop'], { env: sandbox.env });
    await destroySandbox(sandbox);
  });

  it('start in the background makes the directory 0700 and every file 0600, and logs no token', async () => {
    const dataDir = sandbox.env.CCO_HOME!;
    // What an older CCO left: a world-readable directory and log.
    mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o755 });
    writeFileSync(logFile(sandbox), 'old line\n', { mode: 0o644 });
    const result = await runCco(['daemon', 'start'], { env: sandbox.env });
    assert.equal(result.code, 0, result.stderr);
    const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    assert.match(result.stdout, new RegExp(`#token=${token}`), 'the terminal that asked gets the link');
    const db = join(dataDir, `usage-${sandbox.port}.db`);
    await waitFor(() => existsSync(`${db}-wal`) && existsSync(`${db}-shm`), 10_000, 'the WAL files');
    const status = await runCco(['daemon', 'status'], { env: sandbox.env });
    assert.equal(status.code, 0, status.stderr);

    assert.equal(modeOf(dataDir), '700');
    const modes = modesUnder(dataDir);
    for (const name of ['logs', 'token', `daemon-${sandbox.port}.pid`, `usage-${sandbox.port}.db`,
      `usage-${sandbox.port}.db-wal`, `usage-${sandbox.port}.db-shm`, `logs/daemon-${sandbox.port}.log`]) {
      assert.ok(modes.some(([n]) => n === name), `${name} exists`);
    }
    const open = modes.filter(([name, mode]) => mode !== (statSync(join(dataDir, name)).isDirectory() ? '700' : '600'));
    assert.deepEqual(open, [], 'no file or directory readable by others');
    assert.doesNotMatch(readFileSync(logFile(sandbox), 'utf8'), new RegExp(token), 'the log never holds the token');
  });
});
