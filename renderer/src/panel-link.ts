// `#panel=<id>` opens the dashboard at one panel: the tray's "Budgets…" (also in an open window,
// where it only changes the fragment). The page is scrolled there once its first data is shown
// (body[data-ready]), so the panels above have their height; the section is focused, so the
// keyboard starts there.
import type { DashboardPanel } from '../../shared/api.js';

const PANELS: readonly DashboardPanel[] = ['budgets'];

function linkedPanel(win: Window): DashboardPanel | null {
  const panel = new URLSearchParams(win.location.hash.slice(1)).get('panel');
  return PANELS.find((p) => p === panel) ?? null;
}

/** Runs `then` once the page has shown its first data: at once, or when it has. */
function whenReady(body: HTMLElement, then: () => void): void {
  if (body.dataset.ready === 'true') {
    then();
    return;
  }
  const observer = new MutationObserver(() => {
    if (body.dataset.ready !== 'true') return;
    observer.disconnect();
    then();
  });
  observer.observe(body, { attributes: true, attributeFilter: ['data-ready'] });
}

function show(win: Window): void {
  const panel = linkedPanel(win);
  const el = panel ? win.document.getElementById(panel) : null;
  if (!el) return;
  whenReady(win.document.body, () => {
    const section = (el.closest('section') ?? el) as HTMLElement;
    section.tabIndex = -1;
    // Below the sticky header, not under it (its height changes as it wraps on a narrow window).
    const header = win.document.querySelector('header');
    section.style.scrollMarginTop = `${(header?.getBoundingClientRect().height ?? 0) + 12}px`;
    section.scrollIntoView({ block: 'start' });
    section.focus({ preventScroll: true });
  });
}

/** Shows the panel the address names now, and each one it is later changed to. */
export function followPanelLinks(win: Window = window): void {
  show(win);
  win.addEventListener('hashchange', () => show(win));
}
