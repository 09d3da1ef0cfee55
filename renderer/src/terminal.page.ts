import '@xterm/xterm/css/xterm.css';
import './terminal.css';
import { manageRequest, sessionManager } from './terminal/manager.js';
import { SavedSessions } from './terminal/saved.js';
import { TerminalTab, type TabHost, type TabProblem } from './terminal/tab.js';
import { followTabCosts } from './terminal/tab-cost.js';
import { followSystemTheme } from './terminal/theme.js';
import { accessToken, adoptFragmentToken } from './token.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from terminal.html`);
  return found as T;
}

const tabBar = element<HTMLDivElement>('tabs');
const panes = element<HTMLElement>('panes');
const empty = element<HTMLParagraphElement>('empty');
const notice = element<HTMLParagraphElement>('notice');
const form = element<HTMLFormElement>('new-session');
const cwdInput = element<HTMLInputElement>('cwd');

const saved = new SavedSessions(sessionStorage, localStorage);
const tabs: TerminalTab[] = [];

function say(text: string | null): void {
  notice.hidden = text === null;
  notice.textContent = text ?? '';
}

function socketUrl(token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/terminal?token=${encodeURIComponent(token)}`;
}

function problemText(problem: TabProblem): string {
  switch (problem.code) {
    case 'unknown-session':
      return 'A terminal from before has ended since.';
    case 'unavailable':
      return problem.message;
    default:
      return `Could not open the terminal: ${problem.message}`;
  }
}

function startPage(token: string): void {
  const costs = followTabCosts(() => tabs);
  const host: TabHost = {
    socketUrl: socketUrl(token),
    paneParent: panes,
    tabBar,
    renderer: new URLSearchParams(location.search).get('renderer') === 'dom' ? 'dom' : 'webgl',
    select(tab) {
      for (const other of tabs) other.show(other === tab);
    },
    saved(tab, id, cwd) {
      saved.add({ id, cwd });
      costs.refresh(tab);
    },
    removed(tab, problem) {
      const index = tabs.indexOf(tab);
      if (index >= 0) tabs.splice(index, 1);
      if (tab.sessionId) saved.remove(tab.sessionId);
      if (problem) say(problemText(problem));
      if (problem?.code === 'unavailable') form.querySelector('button')!.disabled = true;
      const next = tabs[Math.min(index, tabs.length - 1)];
      if (next) host.select(next);
      empty.hidden = tabs.length > 0;
    },
  };
  const add = (cwd: string, attachId?: string, takeover = false) => {
    const tab = new TerminalTab(host, cwd, attachId, takeover);
    tabs.push(tab);
    empty.hidden = true;
    tab.start();
  };
  const tabOf = (id: string) => tabs.find((tab) => tab.sessionId === id);
  const manager = sessionManager(element('sessions'), element<HTMLButtonElement>('sessions-toggle'), {
    socketUrl: host.socketUrl,
    shownHere: () => new Set(tabs.filter((tab) => tab.holds).map((tab) => tab.sessionId!)),
    attach(session) {
      const tab = tabOf(session.id);
      if (tab) {
        host.select(tab);
        if (!tab.holds) tab.takeOver();
      } else add(session.cwd, session.id, true);
      void later(manager.refresh);
    },
    restart(session) {
      const tab = tabOf(session.id);
      if (tab) tab.close();
      else void manageRequest(host.socketUrl, { type: 'end', id: session.id }).catch(() => undefined);
      add(session.cwd);
    },
    renamed(id, name) {
      tabOf(id)?.rename(name);
    },
    ended(id) {
      const tab = tabOf(id);
      if (tab) tab.close();
    },
  });

  cwdInput.value = saved.lastDirectory();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const cwd = cwdInput.value.trim();
    saved.rememberDirectory(cwd);
    offerRecentProjects();
    say(null);
    add(cwd);
  });
  wireSearch(() => tabs.find((tab) => tab.visible));
  followSystemTheme((theme) =>
    tabs.forEach((tab) => {
      tab.setTheme(theme);
    }),
  );
  window.addEventListener('pagehide', () =>
    tabs.forEach((tab) => {
      tab.drop();
    }),
  );
  for (const session of saved.list()) add(session.cwd, session.id);
  openRequestedProject(add);
  offerRecentProjects();
}

/** Recent directories and those of running sessions, offered as the directory field is typed in. */
function offerRecentProjects(running: readonly string[] = []): void {
  const list = element<HTMLDataListElement>('recent-projects');
  const recent = [...new Set([...saved.recentDirectories(), ...running])];
  list.replaceChildren(...recent.map((dir) => Object.assign(document.createElement('option'), { value: dir })));
}

/** Search in the shown tab's scrollback: Enter for the next match, Shift+Enter or ↑ for the previous. */
function wireSearch(active: () => TerminalTab | undefined): void {
  const input = element<HTMLInputElement>('search-text');
  const results = element<HTMLSpanElement>('search-results');
  const find = (backwards: boolean) => {
    const tab = active();
    if (!tab) return;
    const found = tab.find(input.value, backwards, ({ resultIndex, resultCount }) => {
      if (resultCount === 0) results.textContent = 'no matches';
      else results.textContent = resultIndex < 0 ? `${resultCount} matches` : `${resultIndex + 1} of ${resultCount}`;
    });
    if (input.value === '') results.textContent = '';
    else if (!found) results.textContent = 'no matches';
  };
  element<HTMLFormElement>('search').addEventListener('submit', (event) => {
    event.preventDefault();
    find(false);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.shiftKey) {
      event.preventDefault();
      find(true);
    }
  });
  input.addEventListener('input', () => find(false));
  element<HTMLButtonElement>('search-prev').addEventListener('click', () => find(true));
  // Ctrl+Shift+F (Cmd+Shift+F): Ctrl+F alone belongs to the program in the terminal.
  window.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === 'f') {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });
}

async function later(then: () => Promise<void>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await then();
}

/**
 * `/terminal?cwd=DIR` (the desktop app's "New Claude Code Terminal") opens a tab there once; the
 * query is dropped from the address so a reload reattaches to that tab instead of opening another.
 */
function openRequestedProject(add: (cwd: string) => void): void {
  const url = new URL(location.href);
  const cwd = url.searchParams.get('cwd');
  if (cwd === null || cwd.trim() === '') return;
  url.searchParams.delete('cwd');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  saved.rememberDirectory(cwd);
  cwdInput.value = cwd;
  add(cwd);
}

adoptFragmentToken();
const token = await accessToken();
if (token) startPage(token);
else {
  form.querySelector('button')!.disabled = true;
  cwdInput.disabled = true;
  say('This page needs the daemon\'s access token. Open it from the dashboard, or add #token=TOKEN to the address, where TOKEN is the content of the file named token in CCO\'s data directory.');
}
// The page has decided whether it can open terminals (tests wait on this).
document.body.dataset.ready = 'true';
