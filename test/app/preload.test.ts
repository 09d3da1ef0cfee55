// The compiled preload (dist/preload/index.cjs) run the way Electron runs a sandboxed preload:
// its source wrapped in a function that gets a `require` for a few built-ins only, no Node.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  await cco.setSettings!({ cacheSize: 5 });
  assert.deepEqual(invoked, [['cco:daemon-info'], ['cco:settings-set', { cacheSize: 5 }]]);

  const seen: unknown[][] = [];
  const unsubscribe = cco.onDaemonState!((...args: unknown[]) => void seen.push(args)) as () => void;
  for (const listener of listeners.get('cco:daemon-state')!) listener({ sender: 'ipcRenderer' }, { kind: 'stopped' });
  assert.deepEqual(seen, [[{ kind: 'stopped' }]], 'the IPC event (a way back to ipcRenderer) is not passed on');
  unsubscribe();
  assert.equal(listeners.get('cco:daemon-state')!.size, 0);
  assert.throws(() => cco.onSettingsChanged!('not a function'), /listener must be a function/);
});
