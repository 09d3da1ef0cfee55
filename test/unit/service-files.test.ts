import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { launchdLabel, launchdPlist } from '../../main/cli/service/launchd.js';
import type { ServiceSpec } from '../../main/cli/service/spec.js';
import { systemdQuote, systemdUnit, systemdUnitName } from '../../main/cli/service/systemd.js';
import { windowsQuote, windowsTaskXml } from '../../main/cli/service/windows-task.js';

const spec: ServiceSpec = {
  port: 3999,
  program: process.execPath,
  args: ['/opt/My Apps/cco/bin/cco.js', 'daemon', 'start', '--foreground', '--port', '3999', '--upstream', 'http://127.0.0.1:9/a%20b'],
  env: { CCO_HOME: '/home/ann/My Data/CCO', CCO_DAEMON_SPAWNED: '1', CCO_TEAM_DB: 'postgres://u:p"w@db/x' },
  dataDir: '/home/ann/My Data/CCO',
  logFile: '/home/ann/My Data/CCO/logs/daemon-3999.log',
};

function haveCommand(name: string, ...args: string[]): boolean {
  return spawnSync(name, args, { stdio: 'ignore' }).status === 0;
}

/** systemd's own word splitting, for the check below: quotes, backslash escapes, %% for %. */
function systemdWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push((m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!).replace(/%%/g, '%'));
  }
  return words;
}

test('the systemd unit restarts only on failure, and its ExecStart and Environment survive spaces, quotes and %', () => {
  const unit = systemdUnit(spec);
  assert.match(unit, /^Restart=on-failure$/m);
  assert.match(unit, /loginctl enable-linger/);
  assert.match(unit, /^WantedBy=default\.target$/m);
  assert.match(unit, /^WorkingDirectory=\/home\/ann\/My Data\/CCO$/m);
  const exec = /^ExecStart=(.*)$/m.exec(unit)![1]!;
  assert.deepEqual(systemdWords(exec), [spec.program, ...spec.args]);
  const env = [...unit.matchAll(/^Environment=(.*)$/gm)].map((m) => systemdWords(m[1]!)[0]);
  assert.deepEqual(env.sort(), Object.entries(spec.env).map(([k, v]) => `${k}=${v}`).sort());
  assert.equal(systemdQuote('plain/path-1.0'), 'plain/path-1.0');
  assert.equal(systemdUnitName(3999), 'cco-daemon-3999.service');
});

test('systemd-analyze verify accepts the unit', (t) => {
  if (!haveCommand('systemd-analyze', '--version')) return t.skip('systemd-analyze is not installed (not a systemd system)');
  const dir = mkdtempSync(join(tmpdir(), 'cco-unit-'));
  try {
    const file = join(dir, systemdUnitName(spec.port));
    writeFileSync(file, systemdUnit(spec));
    // System mode: `--user` needs a running user manager, which containers and CI rarely have.
    const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    // verify exits 0 on unknown or unparsable settings too, and only says so on stderr.
    const about = result.stderr.split('\n').filter((line) => line.includes(file));
    assert.deepEqual(about, [], result.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the launchd agent is a valid property list that runs the daemon with its environment', (t) => {
  const plist = launchdPlist(spec);
  assert.match(plist, new RegExp(`<string>${launchdLabel(3999).replace(/\./g, '\\.')}</string>`));
  if (!haveCommand('python3', '-c', 'import plistlib')) return t.skip('python3 (plistlib) is not installed to parse the plist');
  const parsed = spawnSync('python3', ['-c', 'import json,plistlib,sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], {
    input: plist,
    encoding: 'utf8',
  });
  assert.equal(parsed.status, 0, parsed.stderr);
  const value = JSON.parse(parsed.stdout) as Record<string, unknown>;
  assert.equal(value.Label, 'dev.cco.daemon.3999');
  assert.deepEqual(value.ProgramArguments, [spec.program, ...spec.args]);
  assert.deepEqual(value.EnvironmentVariables, spec.env);
  assert.equal(value.RunAtLoad, true);
  assert.deepEqual(value.KeepAlive, { SuccessfulExit: false }, 'restarted after a crash, not after a stop');
  assert.equal(value.StandardErrorPath, spec.logFile);
});

test('the Windows task is well-formed XML that starts at logon, restarts on failure and quotes its command', (t) => {
  const task = windowsTaskXml(spec, 'PC\\ann');
  assert.match(task, /<LogonTrigger>/);
  assert.match(task, /<RestartOnFailure>/);
  assert.match(task, /<ExecutionTimeLimit>PT0S<\/ExecutionTimeLimit>/);
  assert.equal(windowsQuote('C:\\Program Files\\node.exe'), '"C:\\Program Files\\node.exe"');
  assert.equal(windowsQuote('say "hi"\\'), '"say \\"hi\\"\\\\"');
  assert.equal(windowsQuote('--port'), '--port');
  if (!haveCommand('python3', '-c', 'import xml.etree.ElementTree')) return t.skip('python3 is not installed to parse the XML');
  const script = [
    'import sys, xml.etree.ElementTree as E',
    'ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}',
    'root = E.fromstring(sys.stdin.read().replace(\'encoding="UTF-16"\', ""))',
    'print(root.find("t:Actions/t:Exec/t:Arguments", ns).text)',
  ].join('\n');
  const parsed = spawnSync('python3', ['-c', script], { input: task, encoding: 'utf8' });
  assert.equal(parsed.status, 0, parsed.stderr);
  const args = parsed.stdout.trim();
  assert.ok(args.startsWith('/d /c set "CCO_DAEMON_SPAWNED=1" && set "CCO_HOME=/home/ann/My Data/CCO" && '), args);
  assert.ok(args.endsWith(`"/opt/My Apps/cco/bin/cco.js" daemon start --foreground --port 3999 --upstream http://127.0.0.1:9/a%20b`), args);
});
