import type { DashboardPanel } from '../../shared/api.js';

/** Links the app may hand to the OS browser: web pages only, never file:, javascript: or custom schemes. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The window may only show pages of the daemon it was opened for. */
export function isNavigationAllowed(url: string, daemonOrigin: string | null): boolean {
  if (daemonOrigin === null) return false;
  try {
    return new URL(url).origin === daemonOrigin;
  } catch {
    return false;
  }
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

/** The dashboard URL with the token in the fragment: it never reaches the server's logs or the Referer. */
export function dashboardPageUrl(daemonUrl: string, token: string, path = '/', panel?: DashboardPanel): string {
  const url = new URL(path, daemonUrl);
  url.hash = `token=${encodeURIComponent(token)}${panel ? `&panel=${panel}` : ''}`;
  return url.toString();
}

/** The terminal page for one project folder. */
export function terminalPageUrl(daemonUrl: string, token: string, cwd: string): string {
  const url = new URL('/terminal', daemonUrl);
  url.searchParams.set('cwd', cwd);
  url.hash = `token=${encodeURIComponent(token)}`;
  return url.toString();
}

/** The settings page (it needs the app's bridge; the token is there for its links to the dashboard). */
export function settingsPageUrl(daemonUrl: string, token: string): string {
  return dashboardPageUrl(daemonUrl, token, '/settings');
}
