import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { destroySandbox, healthOf, makeSandbox, runCco, type Sandbox } from './harness.js';

describe('a CCO daemon of another data directory on the port', () => {
  let owner: Sandbox;
  let other: Sandbox;
  let env: Record<string, string>;
  before(async () => {
    owner = await makeSandbox();
    other = await makeSandbox();
    // The same port, another data directory.
    env = { ...other.env, CCO_PORT: String(owner.port) };
    const started = await runCco(['daemon', 'start'], { env: owner.env });
    assert.equal(started.code, 0, started.stderr);
  });
  after(async () => {
    await runCco(['daemon', 'stop'], { env: owner.env });
    await destroySandbox(other);
    await destroySandbox(owner);
  });

  for (const command of [['daemon', 'start'], ['daemon', 'status'], ['daemon', 'stop']]) {
    it(`cco ${command.join(' ')} says the port is held by another data directory, with no dashboard link`, async () => {
      const result = await runCco(command, { env });
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, new RegExp(`Port ${owner.port} is held by a CCO daemon of another data directory`));
      assert.doesNotMatch(result.stdout + result.stderr, /#token=/);
    });
  }

  it('leaves that daemon running, and its own directory still sees it', async () => {
    assert.ok(await healthOf(owner.port));
    const status = await runCco(['daemon', 'status'], { env: owner.env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /#token=/);
  });
});
