import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseLaunch } from '../../main/app/launch-choice.js';
import { destroySandbox, makeSandbox, ROOT, healthOf } from '../cli/harness.js';
import { waitFor } from '../support/wait.js';

const installed = { path: '/x/electron' };
const exists = () => true;

test('npm start picks the tray app only where Electron is installed and a display exists', () => {
  assert.deepEqual(chooseLaunch({ platform: 'linux', env: { DISPLAY: ':0' }, electron: installed, exists }), { mode: 'app', electron: '/x/electron' });
  assert.deepEqual(chooseLaunch({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, electron: installed, exists }).mode, 'app');
  assert.deepEqual(chooseLaunch({ platform: 'darwin', env: {}, electron: installed, exists }).mode, 'app');
  assert.deepEqual(chooseLaunch({ platform: 'win32', env: {}, electron: installed, exists }).mode, 'app');

  const noDisplay = chooseLaunch({ platform: 'linux', env: {}, electron: installed, exists });
  assert.deepEqual(noDisplay, { mode: 'daemon', reason: 'no display is available (DISPLAY and WAYLAND_DISPLAY are unset)' });
  const noBinary = chooseLaunch({ platform: 'darwin', env: {}, electron: { error: 'Electron failed to install correctly' }, exists });
  assert.match(noBinary.mode === 'daemon' ? noBinary.reason : '', /Electron's binary is not installed/);
  const missingFile = chooseLaunch({ platform: 'linux', env: { DISPLAY: ':0' }, electron: installed, exists: () => false });
  assert.equal(missingFile.mode, 'daemon');
  assert.deepEqual(chooseLaunch({ platform: 'linux', env: { DISPLAY: ':0', CCO_HEADLESS: '1' }, electron: installed, exists }), {
    mode: 'daemon', reason: 'CCO_HEADLESS=1 is set',
  });
});

test('npm start without a desktop says so in one line and runs the daemon in the foreground', { timeout: 20_000 }, async () => {
  const sandbox = await makeSandbox();
  const env = { ...sandbox.env, CCO_HEADLESS: '1' };
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    await waitFor(async () => (await healthOf(sandbox.port)) !== null, { timeoutMs: 15_000, message: 'the foreground daemon' });
    await waitFor(() => /listening on/.test(stdout));
    const lines = stdout.trim().split('\n');
    assert.match(lines[0]!, /^CCO desktop app not started: CCO_HEADLESS=1 is set\. Running the daemon in the foreground instead/);
    assert.match(stdout, new RegExp(`http://127\\.0\\.0\\.1:${sandbox.port}`));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
    await destroySandbox(sandbox);
  }
});
