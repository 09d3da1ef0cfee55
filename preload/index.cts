// The bridge between the app's pages and its main process: one function per capability a page
// uses, no generic send, nothing from Node. Sandboxed preloads must be CommonJS in a single
// file, hence .cts and no local imports except types.
import electron = require('electron');
import type {
  BridgeArgs,
  BridgeEventChannel,
  BridgeEvents,
  BridgeInvokeChannel,
  BridgeResult,
  CcoBridge,
  Unsubscribe,
} from '../shared/bridge.js';

const { contextBridge, ipcRenderer } = electron;

/** Typed from shared/bridge.ts's BridgeCalls: the same table types main's handlers. */
function call<C extends BridgeInvokeChannel>(channel: C, ...args: BridgeArgs<C>): Promise<BridgeResult<C>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<BridgeResult<C>>;
}

function subscribe<C extends BridgeEventChannel>(channel: C, listener: (value: BridgeEvents[C]) => void): Unsubscribe {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  // The event object is not passed on: it would hand the page a way to reach ipcRenderer.
  const wrapped = (_event: unknown, value: BridgeEvents[C]) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const bridge: CcoBridge = {
  version: 2,
  daemonInfo: () => call('cco:daemon-info'),
  settingsView: () => call('cco:settings-view'),
  saveSettings: (patch) => call('cco:settings-save', patch),
  restartDaemon: () => call('cco:daemon-restart'),
  openRoutingFile: () => call('cco:routing-open'),
  setPrefs: (patch) => call('cco:prefs-set', patch),
  onSettingsView: (listener) => subscribe('cco:settings-view', listener),
};

contextBridge.exposeInMainWorld('cco', bridge);
