import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configToEnv, configToFlags } from '../../main/cli/config.js';
import { applyConfig, ConfigError, defaultConfig } from '../../main/common/config.js';
import { validateSettings } from '../../main/common/settings.js';
import { redactDbUrl, safeMessage } from '../../main/daemon/ledger/connect.js';
import { teamProjectName } from '../../main/daemon/ledger/project-name.js';

test('teamProjectNames decides how much of a project path leaves the machine', () => {
  assert.equal(teamProjectName('/home/ann/src/billing', 'full'), '/home/ann/src/billing');
  assert.equal(teamProjectName('/home/ann/src/billing/', 'basename'), 'billing');
  assert.equal(teamProjectName('C:\\Users\\ann\\billing', 'basename'), 'billing');
  const hashed = teamProjectName('/home/ann/src/billing', 'hashed');
  assert.match(hashed, /^sha256:[0-9a-f]{16}$/);
  assert.equal(hashed, teamProjectName('/home/ann/src/billing', 'hashed'), 'stable, so one project stays one row');
  assert.notEqual(hashed, teamProjectName('/home/bob/src/billing', 'hashed'));
  assert.equal(teamProjectName('unknown', 'hashed'), 'unknown');
});

test('a bad team DB URL is refused without repeating it, and the password never reaches argv', () => {
  assert.throws(() => applyConfig(defaultConfig(), { teamDb: 'mysql://u:hunter2@db/x' }), (e: Error) => e instanceof ConfigError && !e.message.includes('hunter2'));
  assert.throws(() => validateSettings({ teamDb: 'http://u:hunter2@x' }, 'settings.json'), (e: Error) => !e.message.includes('hunter2'));
  assert.throws(() => applyConfig(defaultConfig(), { teamProjectNames: 'initials' }), /full, basename, hashed/);
  const config = applyConfig(defaultConfig(), { teamDb: 'postgres://u:hunter2@db:5432/x?sslmode=require', teamMachine: 'ci-7' });
  assert.equal(validateSettings({ teamDb: config.teamDb, teamProjectNames: 'hashed' }, 's').teamProjectNames, 'hashed');
  const flags = configToFlags(config);
  assert.ok(!flags.join(' ').includes('hunter2'));
  assert.ok(flags.join(' ').includes('--team-machine ci-7'));
  assert.deepEqual(configToEnv(config), { CCO_TEAM_DB: config.teamDb });
});

test('the ledger URL is shown with its password masked, and errors lose the password too', () => {
  assert.equal(redactDbUrl('postgres://ann:p%40ss@db.example:5432/cco?sslmode=require'), 'postgres://ann:***@db.example:5432/cco?sslmode=require');
  assert.equal(redactDbUrl('postgres://db.example/cco'), 'postgres://db.example/cco');
  assert.equal(safeMessage(new Error('auth failed for p@ss'), 'postgres://ann:p%40ss@db/x'), 'auth failed for ***');
});
