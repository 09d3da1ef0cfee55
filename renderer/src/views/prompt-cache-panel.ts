// The provider's prompt cache (not CCO's response cache): how much input was read back cheaply,
// what that saved, and the writes that were never read back.
import type { PromptCacheStats, SummaryResponse } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { estimated, formatCount, formatPercent, formatUsd } from '../format.js';

export const PROMPT_CACHE_MEANS =
  "Share of input tokens read from Anthropic's prompt cache: cache reads / (reads + cache writes + uncached input). " +
  'Higher is cheaper: a read costs a tenth of plain input.';

const BUSTERS_MEAN =
  'Cache writes not read back within their lifetime (5 minutes, or 1 hour): the next call of the same session ' +
  'and model came later, read nothing from the cache, or never came.';

function kv(key: string, label: string, value: string, title?: string): HTMLElement {
  return h('div', { class: 'kv', 'data-stat': key, title: title ?? null }, h('dt', {}, label), h('dd', {}, value));
}

export function promptCachePanel() {
  function render(s: SummaryResponse | null): void {
    const p: PromptCacheStats | undefined = s?.promptCache;
    const dash = '—';
    const saved = p ? estimated(formatUsd(p.savedUsd), p.savedEstimated) : dash;
    const models = (s?.promptCacheByModel ?? []).filter((m) => m.readTokens + m.write5mTokens + m.write1hTokens > 0);
    fill(
      byId('prompt-cache'),
      h(
        'dl',
        { class: 'kvs' },
        kv('ratio', 'Prompt-cache hit ratio', p ? formatPercent(p.hitRatio) : dash, PROMPT_CACHE_MEANS),
        kv('reads', 'Cache reads', p ? `${formatCount(p.readTokens)} tokens` : dash),
        kv('writes', 'Cache writes (5 min / 1 h)',
          p ? `${formatCount(p.write5mTokens)} / ${formatCount(p.write1hTokens)}` : dash),
        kv('uncached', 'Uncached input', p ? `${formatCount(p.uncachedInputTokens)} tokens` : dash),
        kv('saved', 'Saved vs no caching', saved,
          'At the price table’s rates: reads and writes priced as plain input instead.'),
        kv('busters', 'Writes never read back',
          p ? `${formatCount(p.busterWrites)} (${formatCount(p.busterTokens)} tokens)` : dash, BUSTERS_MEAN),
      ),
      models.length > 1
        ? h('table', { class: 'table mini', 'aria-label': 'Prompt-cache hit ratio by model' },
          h('tbody', {}, ...models.map((m) => h('tr', { 'data-model': m.model },
            h('td', { class: 'model' }, m.model), h('td', { class: 'num' }, formatPercent(m.hitRatio))))))
        : null,
      h('p', { class: 'muted definition' }, PROMPT_CACHE_MEANS),
    );
  }
  render(null);
  return { update: render };
}
