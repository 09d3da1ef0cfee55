import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon, type ISearchResultChangeEvent } from '@xterm/addon-search';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import type { ReadyMessage, TerminalErrorCode } from '../../../shared/terminal.js';
import { TerminalConnection } from './connection.js';
import { currentTheme } from './theme.js';

/** Why a tab went away on its own: the daemon's refusal, or no connection at all. */
export interface TabProblem {
  code: TerminalErrorCode | 'no-connection';
  message: string;
}

export interface TabHost {
  /** The WebSocket address, token included. */
  socketUrl: string;
  paneParent: HTMLElement;
  tabBar: HTMLElement;
  /** `dom` when the page was opened with `?renderer=dom` (GPU trouble); WebGL otherwise, where it works. */
  renderer: 'webgl' | 'dom';
  select(tab: TerminalTab): void;
  /** The session has an id (new) or was found again (reattach). */
  saved(tab: TerminalTab, id: string, cwd: string): void;
  /** The tab is gone for good: closed by the user, refused, or its session ended elsewhere. */
  removed(tab: TerminalTab, problem?: TabProblem): void;
}

const MAX_RETRY_MS = 5000;

/** Search highlights: every match amber, the current one orange, both marked in the scrollbar. */
const SEARCH_DECORATIONS = {
  matchBackground: '#f2cc6080',
  matchOverviewRuler: '#d4a72c',
  activeMatchBackground: '#fb8f44',
  activeMatchColorOverviewRuler: '#fb8f44',
};

/** One terminal tab: an xterm.js screen tied to one daemon session over its own socket. */
export class TerminalTab {
  readonly pane: HTMLDivElement;
  readonly button: HTMLButtonElement;
  private readonly label: HTMLSpanElement;
  /** The session's cost so far, beside its name (tab-cost.ts keeps it current). */
  private readonly costBadge: HTMLSpanElement;
  private started: number | null = null;
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private readonly search = new SearchAddon();
  private connection: TerminalConnection | null = null;
  private id: string | null;
  private retryMs = 500;
  private retryTimer: number | undefined;
  private removedAlready = false;
  private name: string | null = null;
  private searchListener: { dispose(): void } | undefined;
  /** Shown over the screen (never written into it) when another page holds the session. */
  private readonly banner: HTMLDivElement;

  constructor(private readonly host: TabHost, private cwd: string, attachId?: string, private takeover = false) {
    this.id = attachId ?? null;
    this.pane = document.createElement('div');
    this.pane.className = 'pane';
    this.pane.setAttribute('role', 'tabpanel');
    host.paneParent.append(this.pane);
    this.banner = document.createElement('div');
    this.banner.className = 'held-banner';
    this.banner.setAttribute('role', 'alert');
    this.banner.hidden = true;
    this.pane.append(this.banner);
    ({ button: this.button, label: this.label, cost: this.costBadge } = this.makeButton());
    this.term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      scrollback: 5000,
      // The search addon highlights matches with decorations, which xterm still calls a proposed API.
      allowProposedApi: true,
      theme: currentTheme(),
    });
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.search);
    this.term.open(this.pane);
    this.pane.dataset.renderer = host.renderer === 'webgl' && this.loadWebgl() ? 'webgl' : 'dom';
    this.term.onData((data) => this.connection?.input(data));
    this.term.onResize(({ cols, rows }) => this.connection?.resize(cols, rows));
    new ResizeObserver(() => this.fitToView()).observe(this.pane);
    this.setLabel();
  }

  get visible(): boolean {
    return !this.pane.hidden;
  }

  /** Whether this page drives its session (not held by another page). */
  get holds(): boolean {
    return this.id !== null && this.banner.hidden && !this.removedAlready;
  }

  /** Epoch ms the session started, once the daemon said so. */
  get startedAt(): number | null {
    return this.started;
  }

  /** Shows the session's cost so far (text), with its detail on hover. */
  setCost(text: string, title: string): void {
    this.costBadge.textContent = text;
    this.costBadge.title = title;
    this.costBadge.hidden = false;
  }

  /** The daemon's id for this tab's session, once it has one. */
  get sessionId(): string | null {
    return this.id;
  }

  /** Selects this tab, then opens (or reattaches) its session at the size the view gives it. */
  start(): void {
    this.host.select(this);
    this.connect();
  }

  show(visible: boolean): void {
    this.pane.hidden = !visible;
    this.button.setAttribute('aria-selected', String(visible));
    if (visible) {
      this.fitToView();
      this.term.focus();
    }
  }

  setTheme(theme: Terminal['options']['theme']): void {
    this.term.options.theme = theme;
  }

  /** The user closed the tab: end the process. */
  close(): void {
    this.connection?.close();
    this.remove();
  }

  /** The page is going away (reload): keep the process for the next page. */
  drop(): void {
    clearTimeout(this.retryTimer);
    this.connection?.drop();
  }

  /**
   * Finds `text` in the scrollback (the next match, or the previous one), highlighting every
   * match; `results` hears "match 2 of 5". Empty text clears the highlights.
   */
  find(text: string, backwards: boolean, results: (event: ISearchResultChangeEvent) => void): boolean {
    this.searchListener?.dispose();
    if (text === '') {
      this.search.clearDecorations();
      return false;
    }
    this.searchListener = this.search.onDidChangeResults(results);
    const options = { caseSensitive: false, decorations: SEARCH_DECORATIONS };
    return backwards ? this.search.findPrevious(text, options) : this.search.findNext(text, options);
  }

  /** Takes the session over from the page that holds it; that page is told and stops sending keys. */
  takeOver(): void {
    this.connection?.drop();
    this.takeover = true;
    this.setHeld(null);
    this.connect();
  }

  private connect(): void {
    const { cols, rows } = this.term;
    const first = this.id
      ? { type: 'attach' as const, id: this.id, cols, rows, takeover: this.takeover }
      : { type: 'open' as const, cwd: this.cwd, cols, rows };
    this.connection = new TerminalConnection(this.host.socketUrl, first, {
      ready: (message) => this.ready(message),
      output: (bytes) => this.term.write(bytes, () => this.connection?.ack(bytes.length)),
      exit: ({ exitCode, signal }) => {
        this.button.classList.add('exited');
        const how = signal ? `signal ${signal}` : `code ${exitCode}`;
        this.term.write(`\r\n\x1b[2m[process exited with ${how}; close the tab to dismiss it]\x1b[0m\r\n`);
      },
      error: (message) => {
        if (message.code === 'held-elsewhere') return this.setHeld('This session is open in another page.', 'Take over');
        this.remove(message);
      },
      detached: (reason) => this.setHeld(`${reason}. Keys typed here are not sent.`, 'Take it back'),
      lost: () => this.reconnectLater(),
    });
  }

  /** Shows (or, with null, hides) why this page does not drive the session, and stops its keys. */
  private setHeld(text: string | null, action = 'Take over'): void {
    this.term.options.disableStdin = text !== null;
    this.button.classList.toggle('held', text !== null);
    this.banner.hidden = text === null;
    if (text === null) return;
    const take = document.createElement('button');
    take.type = 'button';
    take.className = 'take-over';
    take.textContent = action;
    take.addEventListener('click', () => this.takeOver());
    const words = document.createElement('span');
    words.textContent = text;
    this.banner.replaceChildren(words, take);
  }

  /** The session manager renamed the session. */
  rename(name: string | null): void {
    this.name = name;
    this.setLabel();
  }

  private ready(message: ReadyMessage): void {
    this.retryMs = 500;
    this.takeover = false;
    this.name = message.name ?? null;
    this.setHeld(null);
    this.button.classList.remove('lost');
    // A reattach replays the recent output: start from a clean screen so nothing shows twice.
    if (message.attached) this.term.reset();
    this.id = message.id;
    this.started = message.startedAt;
    this.button.dataset.session = message.id;
    this.cwd = message.cwd;
    this.button.dataset.kind = message.kind;
    this.button.title = message.notice ? `${message.cwd}\n${message.notice}` : message.cwd;
    this.setLabel();
    this.host.saved(this, message.id, message.cwd);
  }

  private reconnectLater(): void {
    if (!this.id) {
      // A browser is not told why a WebSocket handshake failed; these are the usual reasons.
      this.remove({
        code: 'no-connection',
        message: 'Could not connect to the terminal: the access token was refused or the daemon is not running.',
      });
      return;
    }
    this.button.classList.add('lost');
    this.term.write('\r\n\x1b[2m[connection to the daemon lost; reconnecting…]\x1b[0m\r\n');
    this.retryTimer = window.setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private remove(problem?: TabProblem): void {
    if (this.removedAlready) return;
    this.removedAlready = true;
    clearTimeout(this.retryTimer);
    this.term.dispose();
    this.pane.remove();
    this.button.parentElement?.remove();
    this.host.removed(this, problem);
  }

  private fitToView(): void {
    if (!this.pane.hidden && this.pane.clientWidth > 0) this.fit.fit();
  }

  /** WebGL draws fastest; without it (no GPU, lost context) xterm's DOM renderer takes over. */
  private loadWebgl(): boolean {
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        webgl.dispose();
        this.pane.dataset.renderer = 'dom';
      });
      this.term.loadAddon(webgl);
      return true;
    } catch {
      return false;
    }
  }

  private setLabel(): void {
    const name = this.name ?? (this.cwd.replace(/[/\\]+$/, '').split(/[/\\]/).pop() || this.cwd || '~');
    this.label.textContent = this.button.dataset.kind === 'shell' ? `${name} (shell)` : name;
  }

  private makeButton(): { button: HTMLButtonElement; label: HTMLSpanElement; cost: HTMLSpanElement } {
    const item = document.createElement('span');
    item.className = 'tab';
    const button = document.createElement('button');
    button.type = 'button';
    button.setAttribute('role', 'tab');
    button.className = 'tab-select';
    const label = document.createElement('span');
    const cost = document.createElement('span');
    cost.className = 'tab-cost';
    cost.hidden = true;
    button.append(label, cost);
    button.addEventListener('click', () => this.host.select(this));
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'tab-close';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Close terminal');
    close.addEventListener('click', () => this.close());
    item.append(button, close);
    this.host.tabBar.append(item);
    return { button, label, cost };
  }
}
