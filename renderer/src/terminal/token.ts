/** The session-storage key the dashboard keeps the per-install token under (shared with it). */
export const TOKEN_KEY = 'cco.token';

/**
 * The daemon's access token: from the `#token=...` fragment the dashboard link carries (then
 * taken out of the address bar, so it is not bookmarked or shared), else from session storage.
 */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    storage.setItem(TOKEN_KEY, fromFragment);
    history.replaceState(null, '', location.pathname + location.search);
    return fromFragment;
  }
  return storage.getItem(TOKEN_KEY);
}
