// The session manager: every terminal session the daemon runs, whichever page (or none) shows it,
// with attach, take over, rename, restart and end. It speaks the terminal socket's `list`,
// `rename` and `end` messages, one short socket per request.
import type {
  SessionSummary,
  SessionsMessage,
  TerminalClientMessage,
  TerminalServerMessage,
} from '../../../shared/terminal.js';

export interface ManagerHost {
  socketUrl: string;
  /** The session ids this page shows. */
  shownHere(): Set<string>;
  /** Shows the session in this page: selects its tab, or opens one (taking it over if held). */
  attach(session: SessionSummary): void;
  /** Ends the session and starts a new one in the same directory, shown here. */
  restart(session: SessionSummary): void;
  renamed(id: string, name: string | null): void;
  ended(id: string): void;
}

/** Asks the daemon once; resolves with its answer or rejects with why not. */
export function manageRequest(url: string, message: TerminalClientMessage): Promise<SessionsMessage> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let done = false;
    ws.addEventListener('open', () => ws.send(JSON.stringify(message)));
    ws.addEventListener('message', (event: MessageEvent<string | ArrayBuffer>) => {
      if (typeof event.data !== 'string') return;
      const answer = JSON.parse(event.data) as TerminalServerMessage;
      done = true;
      if (answer.type === 'sessions') resolve(answer);
      else if (answer.type === 'error') reject(new Error(answer.message));
    });
    ws.addEventListener('close', () => {
      if (!done) reject(new Error('The daemon did not answer: it may have stopped, or the token was refused.'));
    });
  });
}

const pad = (n: number): string => String(n).padStart(2, '0');

function clock(t: number): string {
  const d = new Date(t);
  const today = new Date().toDateString() === d.toDateString();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return today ? hm : `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${hm}`;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m % 60 === 0 && m >= 60 ? `${m / 60} h` : `${m} min`;
}

function folder(cwd: string): string {
  return cwd.replace(/[/\\]+$/, '').split(/[/\\]/).pop() || cwd;
}

type Attrs = Record<string, string>;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function button(label: string, action: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', 'data-action': action }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function sessionManager(root: HTMLElement, toggle: HTMLButtonElement, host: ManagerHost) {
  let answer: SessionsMessage | null = null;
  let error: string | null = null;
  let renaming: string | null = null;
  let timer: number | undefined;

  async function request(message: TerminalClientMessage): Promise<void> {
    try {
      answer = await manageRequest(host.socketUrl, message);
      error = null;
    } catch (e) {
      error = (e as Error).message;
    }
    render();
  }

  function state(s: SessionSummary, here: Set<string>): string {
    if (s.exited) return 'exited';
    if (here.has(s.id)) return 'shown in this page';
    if (s.attached) return 'open in another page';
    const limit = answer?.idleLimitMs ?? 0;
    return s.idleSince === null ? 'not shown' : `not shown; ends at ${clock(s.idleSince + limit)} unless reopened`;
  }

  function stateKey(s: SessionSummary, here: Set<string>): string {
    if (s.exited) return 'exited';
    if (here.has(s.id)) return 'here';
    return s.attached ? 'elsewhere' : 'idle';
  }

  function row(s: SessionSummary, here: Set<string>): HTMLElement {
    const name = s.name ?? folder(s.cwd);
    const nameCell = renaming === s.id ? renameForm(s) : el('span', { class: 'session-name', title: s.cwd }, name);
    const actions = el('div', { class: 'session-actions' });
    if (!here.has(s.id)) actions.append(button(s.attached ? 'Take over' : 'Attach', 'attach', () => host.attach(s)));
    actions.append(
      button('Rename', 'rename', () => {
        renaming = s.id;
        render();
      }),
      button('Restart', 'restart', () => {
        host.restart(s);
        void later();
      }),
      button('End', 'end', () => {
        host.ended(s.id);
        void request({ type: 'end', id: s.id });
      }),
    );
    return el(
      'li',
      { 'data-session': s.id, 'data-state': stateKey(s, here) },
      el('div', { class: 'session-main' }, nameCell, el('span', { class: 'session-dir' }, s.cwd)),
      el('div', { class: 'session-meta' },
        el('span', { title: s.id }, `session ${s.id.slice(0, 8)}`),
        el('span', {}, `started ${clock(s.startedAt)}`),
        el('span', { class: 'session-state' }, state(s, here))),
      actions,
    );
  }

  function renameForm(s: SessionSummary): HTMLElement {
    const attrs = { type: 'text', 'aria-label': 'Session name', maxlength: '80', placeholder: folder(s.cwd) };
    const input = el('input', attrs);
    input.value = s.name ?? '';
    const form = el('form', { class: 'rename' }, input, el('button', { type: 'submit' }, 'Save'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = input.value.trim();
      renaming = null;
      host.renamed(s.id, name === '' ? null : name);
      void request({ type: 'rename', id: s.id, name });
    });
    queueMicrotask(() => input.focus());
    return form;
  }

  function render(): void {
    const here = host.shownHere();
    const sessions = answer?.sessions ?? [];
    const limit = answer
      ? `A session no page shows keeps running for ${minutes(answer.idleLimitMs)} (the terminalIdleMinutes setting).`
      : '';
    root.replaceChildren(
      el('div', { class: 'sessions-head' },
        el('h2', {}, 'Running sessions'),
        el('p', { class: 'sessions-limit' }, limit)),
      error ? el('p', { class: 'sessions-error', role: 'alert' }, error) : '',
      sessions.length === 0 && answer
        ? el('p', { class: 'sessions-empty' }, 'No terminal session is running.')
        : el('ul', { class: 'sessions-list' }, ...sessions.map((s) => row(s, here))),
    );
  }

  /** A moment after an action, so the list shows its effect (a restarted session's new id). */
  async function later(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await refresh();
  }

  async function refresh(): Promise<void> {
    if (!root.hidden) await request({ type: 'list' });
  }

  toggle.addEventListener('click', () => {
    root.hidden = !root.hidden;
    toggle.setAttribute('aria-expanded', String(!root.hidden));
    clearInterval(timer);
    if (!root.hidden) {
      void refresh();
      timer = window.setInterval(() => {
        if (renaming === null) void refresh();
      }, 5000);
    }
  });
  return { refresh, render };
}
