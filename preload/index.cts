// The bridge between the dashboard page and the app's main process: one function per
// capability, no generic send, nothing from Node. Sandboxed preloads must be CommonJS in a single
// file, hence .cts and no local imports except types.
import electron = require('electron');
import type {
  BridgeDaemonState,
  BridgeEventChannel,
  BridgeInvokeChannel,
  BridgeSettings,
  CcoBridge,
  Unsubscribe,
} from '../shared/bridge.js';

const { contextBridge, ipcRenderer } = electron;

function call<T>(channel: BridgeInvokeChannel, ...args: unknown[]): Promise<T> {
  return ipcRenderer.invoke(channel, ...args) as Promise<T>;
}

function subscribe<T>(channel: BridgeEventChannel, listener: (value: T) => void): Unsubscribe {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  // The event object is not passed on: it would hand the page a way to reach ipcRenderer.
  const wrapped = (_event: unknown, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const bridge: CcoBridge = {
  version: 1,
  daemonInfo: () => call('cco:daemon-info'),
  startDaemon: () => call('cco:daemon-start'),
  stopDaemon: () => call('cco:daemon-stop'),
  openLogs: () => call('cco:open-logs'),
  pickProjectFolder: () => call('cco:pick-project'),
  getSettings: () => call('cco:settings-get'),
  setSettings: (patch) => call('cco:settings-set', patch),
  onDaemonState: (listener) => subscribe<BridgeDaemonState>('cco:daemon-state', listener),
  onSettingsChanged: (listener) => subscribe<BridgeSettings>('cco:settings-changed', listener),
};

contextBridge.exposeInMainWorld('cco', bridge);
