import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IpcRefused, IpcRouter, type IpcSender } from '../../main/app/ipc-validate.js';
import { isExternalLinkAllowed, isNavigationAllowed } from '../../main/app/navigation.js';

const ORIGIN = 'http://127.0.0.1:3000';
const own: IpcSender = { frameUrl: `${ORIGIN}/#token=abc`, ownWindow: true, mainFrame: true };

function router(calls: unknown[][]): IpcRouter {
  return new IpcRouter(() => ORIGIN)
    .handle('cco:daemon-info', (args) => (calls.push([...args]), { ok: true }))
    .handle('cco:settings-set', (args) => (calls.push([...args]), 'saved'));
}

test('the dashboard window of the running daemon may call the bridge', async () => {
  const calls: unknown[][] = [];
  assert.deepEqual(await router(calls).dispatch('cco:daemon-info', own, []), { ok: true });
  assert.equal(await router(calls).dispatch('cco:settings-set', own, [{ port: 3001 }]), 'saved');
  assert.deepEqual(calls, [[], [{ port: 3001 }]]);
});

test('foreign senders are refused before any handler runs', async () => {
  const calls: unknown[][] = [];
  const r = router(calls);
  const cases: Array<[IpcSender, RegExp]> = [
    [{ ...own, frameUrl: 'https://evil.example/' }, /origin https:\/\/evil\.example is not the daemon's/],
    [{ ...own, frameUrl: 'http://127.0.0.1:3001/' }, /origin http:\/\/127\.0\.0\.1:3001 is not the daemon's/],
    [{ ...own, frameUrl: 'file:///etc/passwd' }, /is not the daemon's/],
    [{ ...own, ownWindow: false }, /not a window of this app/],
    [{ ...own, mainFrame: false }, /sub-frame/],
    [{ ...own, frameUrl: 'not a url' }, /is not valid/],
  ];
  for (const [sender, reason] of cases) {
    await assert.rejects(r.dispatch('cco:daemon-info', sender, []), (e: unknown) => e instanceof IpcRefused && reason.test(e.message));
  }
  assert.deepEqual(calls, []);
});

test('unknown calls and malformed arguments are refused', async () => {
  const calls: unknown[][] = [];
  const r = router(calls);
  await assert.rejects(r.dispatch('cco:exec', own, ['rm -rf /']), /unknown call "cco:exec"/);
  await assert.rejects(r.dispatch('__proto__', own, []), /unknown call/);
  await assert.rejects(r.dispatch('cco:open-logs', own, []), /unknown call/, 'a known channel without a handler is refused too');
  await assert.rejects(r.dispatch('cco:daemon-info', own, ['extra']), /takes no arguments/);
  await assert.rejects(r.dispatch('cco:settings-set', own, []), /takes one argument/);
  await assert.rejects(r.dispatch('cco:settings-set', own, ['port=1']), /takes a plain object/);
  await assert.rejects(r.dispatch('cco:settings-set', own, [[1]]), /takes a plain object/);
  await assert.rejects(r.dispatch('cco:settings-set', own, [new Date()]), /takes a plain object/);
  assert.deepEqual(calls, []);
});

test('with no daemon known yet, nothing may call', async () => {
  const r = new IpcRouter(() => null).handle('cco:daemon-info', () => 'x');
  await assert.rejects(r.dispatch('cco:daemon-info', own, []), /the daemon is not running/);
});

test('the window stays on the daemon; only web links go to the browser', () => {
  assert.ok(isNavigationAllowed(`${ORIGIN}/terminal?cwd=/x`, ORIGIN));
  assert.ok(!isNavigationAllowed('http://127.0.0.1:3001/', ORIGIN));
  assert.ok(!isNavigationAllowed('https://docs.anthropic.com/', ORIGIN));
  assert.ok(!isNavigationAllowed(`${ORIGIN}/`, null));
  assert.ok(isExternalLinkAllowed('https://docs.anthropic.com/'));
  assert.ok(isExternalLinkAllowed('http://example.com/'));
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'vscode://x', 'not a url']) {
    assert.ok(!isExternalLinkAllowed(url), url);
  }
});
