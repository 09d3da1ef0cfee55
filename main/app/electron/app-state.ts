import ElectronStore from 'electron-store';
import type { AppState, AppStatePort } from '../app-state.js';

/**
 * The app's own state in electron-store: `app-state.json` in the data directory, private like
 * every file there. Values are checked by AppStateStore (one declaration in app-state.ts), so
 * electron-store's JSON Schema option is not used.
 */
export function electronAppState(dataDir: string): AppStatePort {
  const store = new ElectronStore<Partial<AppState>>({
    cwd: dataDir,
    name: 'app-state',
    configFileMode: 0o600,
    clearInvalidConfig: true,
  });
  // Keys are whole top-level names: electron-store's dotted paths are not used.
  const raw = store as unknown as { get(key: string): unknown; set(key: string, value: unknown): void };
  return {
    get: (key) => raw.get(key) as AppState[typeof key] | undefined,
    set: (key, value) => raw.set(key, value),
  };
}
