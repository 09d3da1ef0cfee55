// The overview cards, for the picked range.
import type { SummaryResponse } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { formatCount, formatMs, formatPercent, formatUsd } from '../format.js';
import { sampleText } from './timing-sample.js';

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
    note: (s) => (s.latencyMs.p95 === null ? null
      : `p95 ${formatMs(s.latencyMs.p95)}${s.timingSample ? ` · ${sampleText(s.timingSample)}` : ''}`),
    title: 'Of requests answered by an upstream call; cache hits are left out.',
  },
];

/** An older file being upgraded while the daemon serves: the figures are partial until it ends. */
function upgradeNote(s: SummaryResponse): HTMLElement | null {
  if (!s.upgrading) return null;
  const { done, total } = s.upgrading;
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  return h(
    'p',
    { class: 'upgrade-note', id: 'upgrade-note', role: 'status' },
    `Upgrading the usage history of an older CCO: ${pct} % (${formatCount(done)} of ${formatCount(total)} requests). ` +
      'Until it finishes, figures from before the upgrade are incomplete. New requests are counted as usual.',
  );
}

export function renderCards(summary: SummaryResponse): void {
  fill(
    byId('cards'),
    upgradeNote(summary),
    ...CARDS.map((card) =>
      h(
        'div',
        { class: 'card stat', 'data-card': card.key, title: card.title ?? null },
        h('div', { class: 'stat-label' }, card.label),
        h('div', { class: 'stat-value' }, card.value(summary)),
        h('div', { class: 'stat-note' }, card.note?.(summary) ?? ''),
        changeLine(card.key, summary),
      ),
    ),
  );
}

type Previous = NonNullable<SummaryResponse['previous']>;

/** Each card's figure in the previous period: a relative change for amounts, points for rates. */
const CHANGES: Record<string, { of(s: Previous | SummaryResponse): number | null; points: boolean }> = {
  requests: { of: (s) => s.requests, points: false },
  cost: { of: (s) => s.costUsd, points: false },
  saved: { of: (s) => s.savedUsd, points: false },
  errors: { of: (s) => (s.requests === 0 ? null : s.errors / s.requests), points: true },
  'hit-rate': { of: (s) => (s.requests === 0 ? null : s.hitRate), points: true },
};

/** The change against the period before (as long, ending where this one starts). */
export function changeText(key: string, s: SummaryResponse): string | null {
  const change = CHANGES[key];
  if (!change || !s.previous) return null;
  const now = change.of(s);
  const before = change.of(s.previous);
  if (now === null || before === null) return null;
  if (change.points) {
    const pts = Math.round((now - before) * 1000) / 10;
    return `${pts === 0 ? '±0' : pts > 0 ? `+${pts}` : `−${-pts}`} pts`;
  }
  if (before === 0) return now === 0 ? '±0%' : 'new';
  const pct = Math.round(((now - before) / before) * 100);
  return `${pct === 0 ? '±0' : pct > 0 ? `+${pct}` : `−${-pct}`}%`;
}

/** "24h", or a custom window's length in days. */
function spanName(s: SummaryResponse): string {
  if (s.range !== 'custom' || s.from === null) return s.range;
  const days = Math.max(1, Math.round((s.to - s.from) / 86_400_000));
  return days === 1 ? 'day' : `${days} days`;
}

function changeLine(key: string, s: SummaryResponse): HTMLElement | null {
  const text = changeText(key, s);
  if (text === null) return null;
  const span = spanName(s);
  return h('div', {
    class: 'stat-change', 'data-change': key,
    title: `Against the ${span} before (${new Date(s.previous!.from).toLocaleString()} to ${new Date(s.previous!.to).toLocaleString()})`,
  }, `${text} vs previous ${span}`);
}
