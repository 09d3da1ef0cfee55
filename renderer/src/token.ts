// The per-install token arrives in the URL fragment (`/#token=...`, printed by `cco daemon start`
// and opened by `cco dashboard`). It moves to session storage at once and leaves the address bar,
// so it is not bookmarked, shared in a screenshot or kept in history.
const STORAGE_KEY = 'cco-token';

export function adoptToken(win: Window = window): string | null {
  const match = /(?:^#|&)token=([^&]*)/.exec(win.location.hash);
  if (match) {
    const token = decodeURIComponent(match[1] ?? '');
    if (token) win.sessionStorage.setItem(STORAGE_KEY, token);
    win.history.replaceState(win.history.state, '', win.location.pathname + win.location.search);
  }
  return win.sessionStorage.getItem(STORAGE_KEY);
}

export function storedToken(win: Window = window): string | null {
  return win.sessionStorage.getItem(STORAGE_KEY);
}
