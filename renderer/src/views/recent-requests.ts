// The most recent requests, newest first, growing live.
import type { RequestEntry } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { formatClock, formatCount, formatMs, formatUsd, projectName } from '../format.js';
import { addRecentRequest, totalTokens } from '../charts/shape.js';

const LIMIT = 50;

function statusText(r: RequestEntry): string {
  return r.errorType && r.status < 400 ? r.errorType : String(r.status);
}

function model(r: RequestEntry): string {
  return r.servedModel ?? r.requestedModel ?? '—';
}

function costText(r: RequestEntry): string {
  if (r.cache === 'hit' || r.cache === 'coalesced') return r.savedUsd ? `saved ${formatUsd(r.savedUsd)}` : formatUsd(0);
  return formatUsd(r.costUsd);
}

export function recentRequests() {
  let list: RequestEntry[] = [];

  function render(): void {
    const rows = list.map((r) =>
      h(
        'tr',
        { class: r.status >= 400 || r.errorType ? 'failed' : null, 'data-cache': r.cache },
        h('td', { class: 'time' }, formatClock(r.startedAt)),
        h('td', { title: r.project, class: 'project grow' }, projectName(r.project)),
        h('td', { class: 'model grow', title: model(r) }, model(r)),
        h('td', { class: 'end' }, h('span', { class: `badge c-${r.cache}` }, r.cache)),
        // `detail` cells go on a second, labelled line when the page is narrow (index.css).
        h('td', { class: 'num detail', 'data-label': 'Tokens', title: `in ${r.inputTokens}, out ${r.outputTokens}, cache write ${r.cacheCreationTokens}, cache read ${r.cacheReadTokens}` }, formatCount(totalTokens(r))),
        h('td', { class: 'num detail', 'data-label': 'Cost' }, costText(r)),
        h('td', { class: 'num detail', 'data-label': 'Latency' }, formatMs(r.latencyMs)),
        h('td', { class: 'num detail http-status', 'data-label': 'HTTP' }, statusText(r)),
      ),
    );
    const head = h('tr', {}, ...['Time', 'Project', 'Model', 'Cache', 'Tokens', 'Cost', 'Latency', 'Status'].map((label, i) => h('th', { scope: 'col', class: i >= 4 ? 'num' : null }, label)));
    const body = rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: 8, class: 'empty-row' }, 'No requests yet. They appear here as Claude Code sends them.'))];
    fill(byId('requests'), h('table', { class: 'table stack no-head' }, h('thead', {}, head), h('tbody', {}, ...body)));
  }

  return {
    replace(next: RequestEntry[]) {
      list = next.slice(0, LIMIT);
      render();
    },
    add(entry: RequestEntry) {
      list = addRecentRequest(list, entry, LIMIT);
      render();
    },
  };
}
