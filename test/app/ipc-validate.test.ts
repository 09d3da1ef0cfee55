import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHANNEL_ARGS, IpcRefused, IpcRouter, type IpcSender } from '../../main/app/ipc-validate.js';
import { EDITABLE_KEYS } from '../../main/common/settings-schema.js';
import type { BridgeDaemonInfo, BridgePrefs } from '../../shared/bridge.js';
import { isExternalLinkAllowed, isNavigationAllowed } from '../../main/app/navigation.js';

const ORIGIN = 'http://127.0.0.1:3000';
const own: IpcSender = { frameUrl: `${ORIGIN}/#token=abc`, ownWindow: true, mainFrame: true };

const INFO: BridgeDaemonInfo = { url: ORIGIN, token: 't', state: { kind: 'stopped' } };
const PREFS: BridgePrefs = { notifications: 'all', lastTab: 'daemon', dismissedBanners: [] };

function router(calls: unknown[][]): IpcRouter {
  return new IpcRouter(() => ORIGIN)
    .handle('cco:daemon-info', (args) => {
      calls.push([...args]);
      return INFO;
    })
    .handle('cco:settings-save', (args) => {
      calls.push([...args]);
      return { ok: false, fields: {}, error: 'saved' };
    })
    .handle('cco:prefs-set', (args) => {
      calls.push([...args]);
      return PREFS;
    });
}

test('the dashboard window of the running daemon may call the bridge', async () => {
  const calls: unknown[][] = [];
  assert.deepEqual(await router(calls).dispatch('cco:daemon-info', own, []), INFO);
  await router(calls).dispatch('cco:settings-save', own, [{ port: '3001', host: null, startAtLogin: true }]);
  assert.deepEqual(calls, [[], [{ port: '3001', host: null, startAtLogin: true }]]);
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
  await assert.rejects(r.dispatch('cco:routing-open', own, []), /unknown call/, 'a known channel without a handler is refused too');
  for (const removed of ['cco:daemon-start', 'cco:daemon-stop', 'cco:open-logs', 'cco:pick-project', 'cco:settings-set']) {
    await assert.rejects(r.dispatch(removed, own, []), /unknown call/, `${removed} is gone with its capability`);
  }
  await assert.rejects(r.dispatch('cco:daemon-info', own, ['extra']), /takes no arguments/);
  await assert.rejects(r.dispatch('cco:settings-save', own, []), /takes one argument/);
  await assert.rejects(r.dispatch('cco:settings-save', own, ['port=1']), /takes a plain object/);
  await assert.rejects(r.dispatch('cco:settings-save', own, [[1]]), /takes a plain object/);
  await assert.rejects(r.dispatch('cco:settings-save', own, [new Date()]), /takes a plain object/);
  // Keys come from the schema's `editable` marks: the team DB URL (a secret) is not one of them.
  await assert.rejects(r.dispatch('cco:settings-save', own, [{ teamDb: 'postgres://u:p@h/db' }]), /"teamDb" cannot be changed here/);
  await assert.rejects(r.dispatch('cco:settings-save', own, [{ bodyLimitBytes: 1 }]), /"bodyLimitBytes" cannot be changed/);
  await assert.rejects(r.dispatch('cco:settings-save', own, [{ port: { valueOf: 1 } }]), /port must be text, a number/);
  await assert.rejects(r.dispatch('cco:prefs-set', own, [{ notifications: 'loud' }]), /notifications must be "all", "problems" or "off"/);
  await assert.rejects(r.dispatch('cco:prefs-set', own, [{ windowBounds: {} }]), /"windowBounds" cannot be changed here/);
  await assert.rejects(r.dispatch('cco:prefs-set', own, [{ dismissedBanners: ['<img src=x>'] }]), /list of banner ids/);
  assert.deepEqual(calls, []);
});

test('with no daemon known yet, nothing may call', async () => {
  const r = new IpcRouter(() => null).handle('cco:daemon-info', () => INFO);
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

test('the settings patch accepts exactly the keys the schema marks editable', () => {
  const check = CHANNEL_ARGS['cco:settings-save'];
  for (const key of EDITABLE_KEYS) assert.equal(check([{ [key]: null }]), null, key);
  assert.ok(EDITABLE_KEYS.includes('host') && EDITABLE_KEYS.includes('routingFile') && EDITABLE_KEYS.includes('upstreamTimeoutSeconds'));
});
