import type { ITheme } from '@xterm/xterm';

const LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#1f2328',
  cursor: '#1f2328',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6d6fd',
};

const DARK: ITheme = {
  background: '#16181d',
  foreground: '#d8dee9',
  cursor: '#d8dee9',
  cursorAccent: '#16181d',
  selectionBackground: '#3b4a63',
};

const query = '(prefers-color-scheme: dark)';

export function currentTheme(): ITheme {
  return window.matchMedia(query).matches ? DARK : LIGHT;
}

/** Calls `apply` with the terminal colours now and whenever the system theme changes. */
export function followSystemTheme(apply: (theme: ITheme) => void): void {
  apply(currentTheme());
  window.matchMedia(query).addEventListener('change', () => apply(currentTheme()));
}
