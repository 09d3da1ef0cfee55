// The per-install token, which admin actions and the terminal need. Inside the desktop app the
// preload bridge (`window.cco`) hands it over; in a browser it arrives in the URL fragment
// (`/#token=...`, printed by `cco daemon start` and opened by `cco dashboard`), moves to session
// storage at once and leaves the address bar, so it is not bookmarked, shared in a screenshot or
// kept in history. Both pages (dashboard and terminal) share the one storage key, so going from
// one to the other in the same tab keeps it.
import type { CcoBridge } from '../../shared/bridge.js';

declare global {
  interface Window {
    /** The desktop app's preload bridge; undefined in a plain browser. */
    readonly cco?: CcoBridge;
  }
}

export const TOKEN_KEY = 'cco.token';

/**
 * Moves a `#token=` fragment into session storage and out of the address bar. The rest of the
 * fragment stays (`#token=…&panel=budgets` leaves `#panel=budgets`: panel-link.ts).
 */
export function adoptFragmentToken(win: Window = window): void {
  const fragment = new URLSearchParams(win.location.hash.slice(1));
  const fromFragment = fragment.get('token');
  if (fromFragment === null) return;
  if (fromFragment) win.sessionStorage.setItem(TOKEN_KEY, fromFragment);
  fragment.delete('token');
  const rest = fragment.toString();
  win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search + (rest ? `#${rest}` : ''));
}

/**
 * The token to use: the bridge's where the page runs in the app (it is always current, also
 * after the token file changed), else the one this browser tab was given.
 */
export async function accessToken(win: Window = window): Promise<string | null> {
  const bridge = win.cco;
  if (bridge) {
    try {
      const { token } = await bridge.daemonInfo();
      if (token) return token;
    } catch (error) {
      console.warn(`The app did not give the access token: ${(error as Error).message}`);
    }
  }
  return win.sessionStorage.getItem(TOKEN_KEY);
}
