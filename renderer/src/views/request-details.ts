// One request's details: timing, tokens by kind, cost, cache outcome, provider and error. Never a
// prompt or a reply: the daemon does not store them.
import type { RequestEntry } from '../../../shared/api.js';
import { h } from '../dom.js';
import { formatClock, formatCount, formatMs, formatUsd } from '../format.js';

const CACHE_MEANING: Record<RequestEntry['cache'], string> = {
  hit: 'hit: answered from the response cache, no upstream call',
  coalesced: 'coalesced: shared an identical call already under way',
  miss: 'miss: not in the cache; the upstream answered (and a complete answer was stored)',
  bypass: 'bypass: not cacheable (the request asked for no caching, or the cache is off)',
  budget: 'budget: refused before going upstream, because an enforced budget is spent',
};

const day = (t: number): string => new Date(t).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });

export function requestDetails(r: RequestEntry): HTMLElement {
  const failed = r.status >= 400 || r.errorType !== null;
  const transcript = r.source === 'transcript';
  const row = (key: string, label: string, value: string) =>
    h('div', { class: 'kv', 'data-detail': key }, h('dt', {}, label), h('dd', {}, value));
  const cost = r.cache === 'hit' || r.cache === 'coalesced'
    ? `${formatUsd(0)} (saved ${formatUsd(r.savedUsd)})`
    : r.costUsd === null ? 'unknown: no price for this model' : formatUsd(r.costUsd);
  return h(
    'div',
    { class: 'request-details', role: 'region', 'aria-label': 'Request details' },
    h(
      'dl',
      { class: 'kvs details-grid' },
      row('time', 'Started', `${day(r.startedAt)} ${formatClock(r.startedAt)}`),
      row('ttfb', 'Time to first byte', formatMs(r.ttfbMs)),
      row('total', 'Total', transcript ? '— (not in transcripts)' : formatMs(r.latencyMs)),
      row('input', 'Input tokens', formatCount(r.inputTokens)),
      row('cache-read', 'Cache read tokens', formatCount(r.cacheReadTokens)),
      row('cache-write', 'Cache write tokens', formatCount(r.cacheCreationTokens)),
      row('output', 'Output tokens', formatCount(r.outputTokens)),
      row('cost', r.costEstimated ? 'Cost (estimated price)' : 'Cost', cost),
      row('cache', 'Cache', transcript
        ? 'none: read from Claude Code\'s transcript, the call did not go through CCO'
        : failed ? 'not stored: the call failed (an error is never cached)' : CACHE_MEANING[r.cache]),
      row('provider', 'Provider', r.provider),
      row('model', 'Model', r.requestedModel && r.servedModel && r.requestedModel !== r.servedModel
        ? `${r.requestedModel} → served as ${r.servedModel}` : (r.servedModel ?? r.requestedModel ?? '—')),
      row('streaming', 'Streaming', r.streaming ? 'yes' : 'no'),
      row('status', 'Status', failed ? `${r.status} ${r.errorType ?? 'error'}` : String(r.status)),
      row('session', 'Session', r.session || '—'),
    ),
    h('p', { class: 'muted definition' }, 'Prompts and replies are never stored, so they cannot be shown here.'),
  );
}
