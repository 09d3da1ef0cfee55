// The response cache: what it holds, and a Clear button that asks first and says what it freed.
import type { CacheClearResponse, CacheStatsResponse } from '../../../shared/api.js';
import { ApiError } from '../api.js';
import { byId, fill, h } from '../dom.js';
import { formatBytes, formatCount, formatDuration, formatPercent } from '../format.js';

export interface CachePanelDeps {
  clear(): Promise<CacheClearResponse>;
  /** Called after a clear, so the rest of the page can refresh. */
  cleared(): void;
}

export function cachePanel(deps: CachePanelDeps) {
  let stats: CacheStatsResponse | null = null;
  let confirming = false;
  let message: { text: string; kind: 'ok' | 'error' } | null = null;

  async function clear(): Promise<void> {
    confirming = false;
    try {
      const result = await deps.clear();
      message = { text: `Cleared ${formatCount(result.cleared)} ${result.cleared === 1 ? 'entry' : 'entries'}, freed ${formatBytes(result.freedBytes)}.`, kind: 'ok' };
      deps.cleared();
    } catch (error) {
      const refused = error instanceof ApiError && error.status === 403;
      message = {
        text: refused ? 'Refused: this page has no valid token. Open the dashboard with `cco dashboard`.' : `Could not clear the cache: ${(error as Error).message}`,
        kind: 'error',
      };
    }
    render();
  }

  function actions(): HTMLElement {
    if (!confirming) {
      return h('div', { class: 'actions' }, h('button', { type: 'button', id: 'clear-cache', class: 'danger', disabled: !stats, onclick: () => { confirming = true; message = null; render(); } }, 'Clear cache'));
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
    const row = (key: string, label: string, value: string) => h('div', { class: 'kv', 'data-stat': key }, h('dt', {}, label), h('dd', {}, value));
    fill(
      byId('cache'),
      h(
        'dl',
        { class: 'kvs' },
        row('size', 'Entries', s ? `${formatCount(s.size)} / ${formatCount(s.maxSize)}` : '—'),
        row('bytes', 'Memory', s ? `${formatBytes(s.bytes)} / ${formatBytes(s.maxBytes)}` : '—'),
        row('hit-rate', 'Hit rate', s ? `${formatPercent(s.hitRate)} (${formatCount(s.hits)} of ${formatCount(s.hits + s.misses)})` : '—'),
        row('evictions', 'Evictions', s ? formatCount(s.evictions) : '—'),
        row('ttl', 'Entries live for', s ? formatDuration(s.ttlSeconds) : '—'),
        row('queue', 'Upstream calls', s?.queue ? queueText(s.queue) : '—'),
      ),
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
  };
}

/** `--workers` at work: calls under way and requests waiting for a free worker. */
function queueText(q: NonNullable<CacheStatsResponse['queue']>): string {
  return `${formatCount(q.active)} of ${formatCount(q.workers)} under way, ${formatCount(q.queued)} waiting`;
}
