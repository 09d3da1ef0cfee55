import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  addShimDirToWindowsPath,
  appleScriptFor,
  elevatedLinkCommand,
  linkShim,
  shimSource,
  unixTarget,
  windowsUserPathWith,
} from '../../main/app/install-shim.js';
import { ROOT } from '../cli/harness.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-shim-'));
  dirs.push(dir);
  return dir;
}

const devShim = join(ROOT, 'bin', 'cco.js');

test('installs `cco` into a bin directory: the link runs the CLI, and the report says how to undo it', async () => {
  const home = temp();
  const target = { dir: join(home, '.local', 'bin'), elevate: false };
  const result = await linkShim({ source: devShim, target, pathEnv: '/usr/bin' });
  assert.equal(result.ok, true);
  const link = join(target.dir, 'cco');
  assert.equal(readlinkSync(link), devShim);
  assert.match(result.message, new RegExp(`Installed \`cco\`: ${link} → ${devShim}`));
  assert.match(result.message, /is not on your PATH yet/, 'a directory missing from PATH is pointed out');
  assert.equal(result.undo, `To undo: rm '${link}'`);
  const help = execFileSync(process.execPath, [link, '--help'], { encoding: 'utf8', env: { ...process.env, CCO_HOME: home } });
  assert.match(help, /cco daemon/, 'the installed command is the CCO CLI');
});

test('a second install says it is already there; a directory already on PATH gets no PATH advice', async () => {
  const dir = temp();
  const target = { dir, elevate: false };
  await linkShim({ source: devShim, target, pathEnv: dir });
  const again = await linkShim({ source: devShim, target, pathEnv: `/usr/bin:${dir}` });
  assert.equal(again.ok, true);
  assert.match(again.message, /already installed/);
  assert.doesNotMatch(again.message, /PATH/);
});

test('an earlier CCO link is replaced; anything else named cco is left alone', async () => {
  const dir = temp();
  const target = { dir, elevate: false };
  symlinkSync('/Applications/Old CCO.app/Contents/Resources/bin/cco', join(dir, 'cco'));
  const replaced = await linkShim({ source: devShim, target, pathEnv: dir });
  assert.equal(replaced.ok, true);
  assert.match(replaced.message, /replacing the earlier link to \/Applications\/Old CCO\.app/);
  assert.equal(readlinkSync(join(dir, 'cco')), devShim);

  const other = temp();
  writeFileSync(join(other, 'cco'), '#!/bin/sh\necho someone else\n');
  const refused = await linkShim({ source: devShim, target: { dir: other, elevate: false }, pathEnv: other });
  assert.equal(refused.ok, false);
  assert.match(refused.message, /already exists \(a file that is not a link\)/);
  assert.equal(readFileSync(join(other, 'cco'), 'utf8'), '#!/bin/sh\necho someone else\n');
  assert.ok(!lstatSync(join(other, 'cco')).isSymbolicLink());
});

test('a directory that needs permission goes through the OS prompt, with the exact command', async () => {
  const commands: string[] = [];
  const dir = join(temp(), 'usr-local-bin');
  const result = await linkShim({
    source: '/Applications/CCO.app/Contents/Resources/bin/cco',
    target: { dir, elevate: true },
    pathEnv: dir,
    runElevated: async (command) => void commands.push(command),
  });
  assert.equal(result.ok, true);
  assert.deepEqual(commands, [`mkdir -p '${dir}' && ln -sfn '/Applications/CCO.app/Contents/Resources/bin/cco' '${dir}/cco'`]);
  assert.match(result.undo, /^To undo: sudo rm/);
  const denied = await linkShim({
    source: devShim,
    target: { dir: join(temp(), 'x'), elevate: true },
    pathEnv: '',
    runElevated: async () => {
      throw new Error('User canceled.');
    },
  });
  assert.equal(denied.ok, false);
  assert.match(denied.message, /User canceled/);
});

test('the elevated command survives quotes and spaces in paths (run here with sh, without elevation)', () => {
  const base = join(temp(), "Bob's apps");
  const source = join(base, 'CCO "beta".app', 'bin', 'cco');
  const link = join(base, 'usr local', 'bin', 'cco');
  execFileSync('sh', ['-c', elevatedLinkCommand(source, link)]);
  assert.equal(readlinkSync(link), source);
  assert.equal(appleScriptFor('echo "a\\b"'), 'do shell script "echo \\"a\\\\b\\"" with administrator privileges');
});

test('where the link goes: /usr/local/bin when writable, else macOS asks and Linux uses ~/.local/bin', () => {
  assert.deepEqual(unixTarget({ platform: 'linux', home: '/home/u', writable: () => true }), { dir: '/usr/local/bin', elevate: false });
  assert.deepEqual(unixTarget({ platform: 'linux', home: '/home/u', writable: () => false }), { dir: '/home/u/.local/bin', elevate: false });
  assert.deepEqual(unixTarget({ platform: 'darwin', home: '/Users/u', writable: () => false }), { dir: '/usr/local/bin', elevate: true });
  assert.equal(shimSource({ packaged: true, resourcesPath: '/opt/CCO/resources', appPath: '', platform: 'linux' }), '/opt/CCO/resources/bin/cco');
  assert.equal(shimSource({ packaged: true, resourcesPath: 'C:\\CCO\\resources', appPath: '', platform: 'win32' }).endsWith('cco.cmd'), true);
  assert.equal(shimSource({ packaged: false, resourcesPath: '', appPath: ROOT, platform: 'linux' }), devShim);
});

test('Windows: the shim folder is appended to the user PATH once, and the report says how to undo it', async () => {
  assert.equal(windowsUserPathWith('C:\\a;C:\\b', 'C:\\CCO\\resources\\bin'), 'C:\\a;C:\\b;C:\\CCO\\resources\\bin');
  assert.equal(windowsUserPathWith('C:\\a;c:\\cco\\Resources\\BIN\\', 'C:\\CCO\\resources\\bin'), null);
  assert.equal(windowsUserPathWith('', 'C:\\x'), 'C:\\x');
  let stored = 'C:\\tools';
  const options = { shimDir: 'C:\\CCO\\resources\\bin', readUserPath: async () => stored, writeUserPath: async (v: string) => {
    stored = v;
  } };
  const first = await addShimDirToWindowsPath(options);
  assert.equal(stored, 'C:\\tools;C:\\CCO\\resources\\bin');
  assert.match(first.message, /Added C:\\CCO\\resources\\bin to your user PATH/);
  assert.match(first.undo, /remove C:\\CCO\\resources\\bin from Path/);
  assert.match((await addShimDirToWindowsPath(options)).message, /already on your PATH/);
});

test('the shipped shims exist and the Unix one is executable', () => {
  const mode = lstatSync(join(ROOT, 'assets', 'bin', 'cco')).mode;
  assert.ok(mode & 0o100, 'assets/bin/cco is executable');
  assert.ok(lstatSync(join(ROOT, 'assets', 'bin', 'cco.cmd')).isFile());
  mkdirSync(temp(), { recursive: true });
});
