// The overview cards, for the picked range.
import type { SummaryResponse } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { formatCount, formatMs, formatPercent, formatUsd } from '../format.js';

interface Card {
  key: string;
  label: string;
  value(s: SummaryResponse): string;
  note?(s: SummaryResponse): string | null;
  /** What the figure means, on hover. */
  title?: string;
}

/** The one hit-rate definition, said wherever a hit rate is shown (the cache panel uses it too). */
export const HIT_RATE_MEANS =
  'Share of cacheable requests answered from the response cache (hits and coalesced requests). ' +
  'Requests that skipped the cache and failed requests are not counted.';

function errorRate(s: SummaryResponse): number | null {
  return s.requests === 0 ? null : s.errors / s.requests;
}

const CARDS: Card[] = [
  { key: 'requests', label: 'Requests', value: (s) => formatCount(s.requests) },
  {
    key: 'errors',
    label: 'Error rate',
    value: (s) => formatPercent(errorRate(s)),
    note: (s) => (s.requests === 0 ? null : `${formatCount(s.errors)} failed`),
  },
  {
    key: 'cost',
    label: 'Cost',
    value: (s) => formatUsd(s.costUsd),
    note: (s) => (s.unpricedRequests > 0 ? `${s.unpricedRequests} unpriced` : null),
  },
  { key: 'saved', label: 'Saved by the cache', value: (s) => formatUsd(s.savedUsd) },
  {
    key: 'hit-rate',
    label: 'Response cache hit rate',
    value: (s) => (s.requests === 0 ? '—' : formatPercent(s.hitRate)),
    note: () => 'of cacheable requests',
    title: HIT_RATE_MEANS,
  },
  {
    key: 'p50',
    label: 'Upstream p50 latency',
    value: (s) => formatMs(s.latencyMs.p50),
    note: (s) => (s.latencyMs.p95 === null ? null : `p95 ${formatMs(s.latencyMs.p95)}`),
    title: 'Of requests answered by an upstream call; cache hits are left out.',
  },
];

export function renderCards(summary: SummaryResponse): void {
  fill(
    byId('cards'),
    ...CARDS.map((card) =>
      h(
        'div',
        { class: 'card stat', 'data-card': card.key, title: card.title ?? null },
        h('div', { class: 'stat-label' }, card.label),
        h('div', { class: 'stat-value' }, card.value(summary)),
        h('div', { class: 'stat-note' }, card.note?.(summary) ?? ''),
      ),
    ),
  );
}
