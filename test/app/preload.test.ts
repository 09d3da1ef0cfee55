// The compiled preload (dist/preload/index.cjs) run the way Electron runs a sandboxed preload:
// its source wrapped in a function that gets a `require` for a few built-ins only, no Node.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createContext, Script } from 'node:vm';
import { ROOT } from '../cli/harness.js';

type Listener = (event: unknown, value: unknown) => void;

function runPreload() {
  const source = readFileSync(join(ROOT, 'dist', 'preload', 'index.cjs'), 'utf8');
  const exposed = new Map<string, Record<string, unknown>>();
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => void exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => void invoked.push(args),
      on: (channel: string, listener: Listener) => void listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
      removeListener: (channel: string, listener: Listener) => void listeners.get(channel)?.delete(listener),
    },
  };
  const required: string[] = [];
  // What a sandboxed preload's require offers (Electron's sandbox docs): electron, events, timers, url.
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name}`);
  };
  const wrapper = new Script(`(function(require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {\n${source}\n})`);
  const fn = wrapper.runInContext(createContext({})) as (...args: unknown[]) => void;
  const exports = {};
  fn(sandboxRequire, {}, undefined, {}, undefined, undefined, exports, { exports });
  return { exposed, invoked, listeners, required };
}

test('the preload loads in a sandbox (only `electron` is required) and exposes one `cco` object of functions', () => {
  const { exposed, required } = runPreload();
  assert.deepEqual(required, ['electron']);
  assert.deepEqual([...exposed.keys()], ['cco']);
  const cco = exposed.get('cco')!;
  for (const [key, value] of Object.entries(cco)) {
    if (key !== 'version') assert.equal(typeof value, 'function', `${key} is a function`);
  }
  assert.ok(!('send' in cco) && !('invoke' in cco) && !('env' in cco), 'no generic channel access, no environment');
});

test('each bridge function calls its own channel; a subscription hands on the value only and can be undone', async () => {
  const { exposed, invoked, listeners } = runPreload();
  const cco = exposed.get('cco') as Record<string, (...args: unknown[]) => unknown>;
  await cco.daemonInfo!();
  await cco.settingsView!();
  await cco.saveSettings!({ cacheSize: '5' });
  await cco.restartDaemon!();
  await cco.openRoutingFile!();
  await cco.setPrefs!({ lastTab: 'app' });
  assert.deepEqual(invoked, [
    ['cco:daemon-info'],
    ['cco:settings-view'],
    ['cco:settings-save', { cacheSize: '5' }],
    ['cco:daemon-restart'],
    ['cco:routing-open'],
    ['cco:prefs-set', { lastTab: 'app' }],
  ]);

  const seen: unknown[][] = [];
  const unsubscribe = cco.onSettingsView!((...args: unknown[]) => void seen.push(args)) as () => void;
  for (const listener of listeners.get('cco:settings-view')!) listener({ sender: 'ipcRenderer' }, { pendingRestart: [] });
  assert.deepEqual(seen, [[{ pendingRestart: [] }]], 'the IPC event (a way back to ipcRenderer) is not passed on');
  unsubscribe();
  assert.equal(listeners.get('cco:settings-view')!.size, 0);
  assert.throws(() => cco.onSettingsView!('not a function'), /listener must be a function/);
});

/** Every source file of the pages (renderer/src), as text. */
function rendererSources(dir = join(ROOT, 'renderer', 'src')): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return rendererSources(path);
      return entry.name.endsWith('.ts') ? readFileSync(path, 'utf8') : '';
    })
    .join('\n');
}

test('the bridge offers exactly what the pages call, and each call has a handler in main', async () => {
  const { exposed } = runPreload();
  const functions = Object.keys(exposed.get('cco')!).filter((key) => key !== 'version').sort();
  const pages = rendererSources();
  const unused = functions.filter((name) => !new RegExp(`\\.${name}\\(`).test(pages));
  assert.deepEqual(unused, [], 'a capability no page calls is an attack surface for nothing');
  assert.deepEqual(functions, ['daemonInfo', 'onSettingsView', 'openRoutingFile', 'restartDaemon', 'saveSettings', 'setPrefs', 'settingsView']);
  // Every invoke channel the preload uses is validated and handled in main (app-controller.ts).
  const { CHANNEL_ARGS } = await import('../../main/app/ipc-validate.js');
  const preload = readFileSync(join(ROOT, 'preload', 'index.cts'), 'utf8');
  const called = [...preload.matchAll(/call\('([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(called, Object.keys(CHANNEL_ARGS).sort());
  const controller = readFileSync(join(ROOT, 'main', 'app', 'app-controller.ts'), 'utf8');
  const handled = [...controller.matchAll(/\.handle\('([^']+)'/g)].map((m) => m[1]).sort();
  assert.deepEqual(handled, called);
});
