// The overview cards, for the picked range.
import type { SummaryResponse } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { formatCount, formatMs, formatPercent, formatUsd } from '../format.js';

interface Card {
  key: string;
  label: string;
  value(s: SummaryResponse): string;
  note?(s: SummaryResponse): string | null;
}

const CARDS: Card[] = [
  { key: 'requests', label: 'Requests', value: (s) => formatCount(s.requests), note: (s) => (s.errors > 0 ? `${s.errors} failed` : null) },
  { key: 'cost', label: 'Cost', value: (s) => formatUsd(s.costUsd), note: (s) => (s.unpricedRequests > 0 ? `${s.unpricedRequests} unpriced` : null) },
  { key: 'saved', label: 'Saved by the cache', value: (s) => formatUsd(s.savedUsd) },
  { key: 'hit-rate', label: 'Hit rate', value: (s) => (s.requests === 0 ? '—' : formatPercent(s.hitRate)) },
  { key: 'p50', label: 'p50 latency', value: (s) => formatMs(s.latencyMs.p50), note: (s) => (s.latencyMs.p95 === null ? null : `p95 ${formatMs(s.latencyMs.p95)}`) },
];

export function renderCards(summary: SummaryResponse): void {
  fill(
    byId('cards'),
    ...CARDS.map((card) =>
      h(
        'div',
        { class: 'card stat', 'data-card': card.key },
        h('div', { class: 'stat-label' }, card.label),
        h('div', { class: 'stat-value' }, card.value(summary)),
        h('div', { class: 'stat-note' }, card.note?.(summary) ?? ''),
      ),
    ),
  );
}
