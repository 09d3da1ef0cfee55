/** What `npm start` does: the tray app where it can run, otherwise the daemon in the foreground. */
export type LaunchChoice = { mode: 'app'; electron: string } | { mode: 'daemon'; reason: string };

export interface LaunchFacts {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** The Electron binary's path as the `electron` package reports it, or the error it threw. */
  electron: { path: string } | { error: string };
  exists(path: string): boolean;
}

export function chooseLaunch(facts: LaunchFacts): LaunchChoice {
  if (facts.env.CCO_HEADLESS === '1') return { mode: 'daemon', reason: 'CCO_HEADLESS=1 is set' };
  if (!('path' in facts.electron) || !facts.exists(facts.electron.path)) {
    return { mode: 'daemon', reason: "Electron's binary is not installed (e.g. ELECTRON_SKIP_BINARY_DOWNLOAD)" };
  }
  const display = facts.env.DISPLAY || facts.env.WAYLAND_DISPLAY;
  if (facts.platform !== 'darwin' && facts.platform !== 'win32' && !display) {
    return { mode: 'daemon', reason: 'no display is available (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  return { mode: 'app', electron: facts.electron.path };
}

/** The one line `npm start` prints when it falls back to the daemon. */
export function fallbackLine(reason: string): string {
  return `CCO desktop app not started: ${reason}. Running the daemon in the foreground instead; open the dashboard URL below in a browser.`;
}
