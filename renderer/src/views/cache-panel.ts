// The response cache: what it holds, and a Clear button that asks first and says what it freed.
import type { CacheClearResponse, CacheStatsResponse } from '../../../shared/api.js';
import { ApiError } from '../api.js';
import { byId, fill, h } from '../dom.js';
import { formatBytes, formatCount, formatDuration, formatExact, formatPercent } from '../format.js';
import { HIT_RATE_MEANS } from './cards.js';

/** A message stays this long, then clears itself so it never describes an old state. */
export const MESSAGE_MS = 8000;

export interface CachePanelDeps {
  clear(): Promise<CacheClearResponse>;
  /** Called after a clear, so the rest of the page can refresh. */
  cleared(): void;
}

/** "Could not clear the cache: Could not …" says the same thing twice; the inner reason is enough. */
export function failureText(action: string, reason: string): string {
  return /^could not\b/i.test(reason) ? reason : `Could not ${action}: ${reason}`;
}

export function cachePanel(deps: CachePanelDeps) {
  let stats: CacheStatsResponse | null = null;
  let confirming = false;
  let message: { text: string; kind: 'ok' | 'error' } | null = null;
  let messageTimer: ReturnType<typeof setTimeout> | undefined;
  /** Null until known; false when the page has no token, so the admin action cannot work. */
  let hasToken: boolean | null = null;

  function say(next: { text: string; kind: 'ok' | 'error' } | null): void {
    message = next;
    clearTimeout(messageTimer);
    if (next) messageTimer = setTimeout(() => say(null), MESSAGE_MS);
    render();
  }

  async function clear(): Promise<void> {
    confirming = false;
    try {
      const result = await deps.clear();
      say({ text: `Cleared ${formatCount(result.cleared)} ${result.cleared === 1 ? 'entry' : 'entries'}, freed ${formatBytes(result.freedBytes)}.`, kind: 'ok' });
      deps.cleared();
    } catch (error) {
      const refused = error instanceof ApiError && error.status === 403;
      say({
        text: refused ? 'Refused: this page has no valid token. Open the dashboard with cco dashboard.' : failureText('clear the cache', (error as Error).message),
        kind: 'error',
      });
    }
  }

  function actions(): HTMLElement {
    if (!confirming) {
      const noToken = hasToken === false;
      return h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', id: 'clear-cache', class: 'danger', disabled: !stats || noToken, onclick: () => { confirming = true; say(null); } }, 'Clear cache'),
        noToken ? h('span', { id: 'clear-cache-reason', class: 'muted' }, 'Needs the access token: open this page with ', h('code', {}, 'cco dashboard'), '.') : null,
      );
    }
    const what = stats ? `${formatCount(stats.size)} ${stats.size === 1 ? 'entry' : 'entries'} (${formatBytes(stats.bytes)})` : 'the cache';
    return h(
      'div',
      { class: 'actions confirm', role: 'alertdialog', 'aria-label': 'Confirm clearing the cache' },
      h('span', {}, `Remove ${what}?`),
      h('button', { type: 'button', id: 'confirm-clear', class: 'danger', onclick: () => void clear() }, 'Clear'),
      h('button', { type: 'button', id: 'cancel-clear', onclick: () => { confirming = false; render(); } }, 'Cancel'),
    );
  }

  function render(): void {
    const s = stats;
    const row = (key: string, label: string, value: string, title?: string) =>
      h('div', { class: 'kv', 'data-stat': key, title: title ?? null }, h('dt', {}, label), h('dd', {}, value));
    const answered = s ? s.hits + (s.coalesced ?? 0) : 0;
    fill(
      byId('cache'),
      h(
        'dl',
        { class: 'kvs' },
        row('size', 'Entries', s ? `${formatExact(s.size)} / ${formatExact(s.maxSize)}` : '—'),
        row('bytes', 'Memory', s ? `${formatBytes(s.bytes)} / ${formatBytes(s.maxBytes)}` : '—'),
        row('hit-rate', 'Hit rate since start', s ? `${formatPercent(s.hitRate)} (${formatExact(answered)} of ${formatExact(answered + s.misses)})` : '—', HIT_RATE_MEANS),
        row('failed', 'Failed (not counted)', s ? formatExact(s.failed ?? 0) : '—'),
        row('evictions', 'Evictions', s ? formatExact(s.evictions) : '—'),
        row('ttl', 'Entries live for', s ? formatDuration(s.ttlSeconds) : '—'),
        row('queue', 'Upstream calls', s?.queue ? queueText(s.queue) : '—'),
      ),
      h('p', { class: 'muted definition' }, HIT_RATE_MEANS),
      actions(),
      message ? h('p', { id: 'cache-message', class: `message ${message.kind}`, role: 'status' }, message.text) : null,
    );
  }

  render();
  return {
    update(next: CacheStatsResponse) {
      stats = next;
      // A confirmation in progress keeps its numbers until answered.
      if (!confirming) render();
    },
    setHasToken(present: boolean) {
      hasToken = present;
      if (!confirming) render();
    },
  };
}

/** `--workers` at work: calls under way and requests waiting for a free worker. */
function queueText(q: NonNullable<CacheStatsResponse['queue']>): string {
  return `${formatCount(q.active)} of ${formatCount(q.workers)} under way, ${formatCount(q.queued)} waiting`;
}
