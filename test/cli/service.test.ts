import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { installFakeSystemctl } from '../support/fake-systemctl.js';
import { destroySandbox, healthOf, makeSandbox, runCco, waitFor, type Sandbox } from './harness.js';

let sandbox: Sandbox;
let env: Record<string, string>;
let log: string;
let unit: string;

before(async () => {
  sandbox = await makeSandbox();
  installFakeSystemctl(sandbox.bin);
  log = join(sandbox.home, 'systemctl.log');
  env = { ...sandbox.env, XDG_CONFIG_HOME: join(sandbox.home, 'xdg'), FAKE_SYSTEMCTL_LOG: log };
  unit = join(sandbox.home, 'xdg', 'systemd', 'user', `cco-daemon-${sandbox.port}.service`);
});
after(() => destroySandbox(sandbox));

const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
const name = () => `cco-daemon-${sandbox.port}.service`;

test('install writes a private systemd user unit, enables it and the daemon answers with the given options', async () => {
  const result = await runCco(['daemon', 'install', '--cache-size', '7'], { env });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /systemd service/);
  assert.match(result.stdout, /loginctl enable-linger/);
  assert.equal(statSync(unit).mode & 0o777, 0o600);
  const text = readFileSync(unit, 'utf8');
  assert.match(text, /^Restart=on-failure$/m);
  assert.match(text, /--cache-size 7/);
  assert.deepEqual(calls(), ['--user daemon-reload', `--user enable --now ${name()}`]);
  const health = await healthOf(sandbox.port);
  assert.ok(health, 'the service answers on its port');
  const cache = await (await fetch(`http://127.0.0.1:${sandbox.port}/api/cache/stats`)).json() as { maxSize: number };
  assert.equal(cache.maxSize, 7);
});

test('status says the service manager runs it; stop, start and restart go through systemctl', async () => {
  const status = await runCco(['daemon', 'status', '--json'], { env });
  assert.equal(status.code, 0, status.stderr);
  assert.deepEqual(JSON.parse(status.stdout).managedBy, { manager: 'systemd', name: name(), file: unit });
  assert.match((await runCco(['daemon', 'status'], { env })).stdout, /Managed by: systemd/);

  const stop = await runCco(['daemon', 'stop'], { env });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(calls().at(-1), `--user stop ${name()}`);
  assert.equal(await healthOf(sandbox.port), null);
  const stopped = await runCco(['daemon', 'status'], { env });
  assert.equal(stopped.code, 3);
  assert.match(stopped.stdout, /Managed by: systemd/);

  const start = await runCco(['daemon', 'start'], { env });
  assert.equal(start.code, 0, start.stderr);
  assert.equal(calls().at(-1), `--user start ${name()}`);
  const first = await healthOf(sandbox.port);
  assert.ok(first);

  const withOptions = await runCco(['daemon', 'restart', '--cache-size', '3'], { env });
  assert.equal(withOptions.code, 2);
  assert.match(withOptions.stderr, /cco daemon install/);

  const restart = await runCco(['daemon', 'restart'], { env });
  assert.equal(restart.code, 0, restart.stderr);
  assert.equal(calls().at(-1), `--user restart ${name()}`);
  await waitFor(async () => ((await healthOf(sandbox.port))?.pid ?? first.pid) !== first.pid, 10_000, 'a new daemon pid');
});

test('uninstall stops the service and removes its unit; status no longer names a manager', async () => {
  const result = await runCco(['daemon', 'uninstall'], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(calls().slice(-2), [`--user disable --now ${name()}`, '--user daemon-reload']);
  assert.equal(existsSync(unit), false);
  assert.equal(await healthOf(sandbox.port), null);
  const status = await runCco(['daemon', 'status', '--json'], { env });
  assert.equal(status.code, 3);
  assert.equal(JSON.parse(status.stdout).managedBy, null);
  const again = await runCco(['daemon', 'uninstall'], { env });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /nothing to do/);
});

test('an install the service manager refuses leaves no unit behind and says what to do', async () => {
  const broken = join(sandbox.home, 'broken-bin');
  const { mkdirSync, writeFileSync, chmodSync } = await import('node:fs');
  mkdirSync(broken, { recursive: true });
  writeFileSync(join(broken, 'systemctl'), '#!/bin/sh\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n');
  chmodSync(join(broken, 'systemctl'), 0o755);
  const result = await runCco(['daemon', 'install'], { env: { ...env, PATH: `${broken}:${env.PATH}` } });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Failed to connect to bus/);
  assert.match(result.stderr, /cco daemon start/);
  assert.equal(existsSync(unit), false);
});
