// Models: which model eats the budget, how fast it answers and how often it fails.
import type { ModelStats } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { estimated, formatCount, formatMs, formatPercent, formatUsd } from '../format.js';
import { totalTokens } from '../charts/shape.js';

const LATENCY_NOTE = 'Upstream calls that answered: cache answers and failed calls are left out';

function tokens(m: ModelStats): number {
  const t = m.tokens;
  return totalTokens({
    inputTokens: t.input, outputTokens: t.output, cacheCreationTokens: t.cacheCreation, cacheReadTokens: t.cacheRead,
  });
}

/** `detail` columns go on a row's second line, labelled, when the page is narrow (index.css). */
const COLUMNS: Array<{ key: string; label: string; title?: string; cell(m: ModelStats): string }> = [
  { key: 'requests', label: 'Requests', cell: (m) => formatCount(m.requests) },
  { key: 'tokens', label: 'Tokens', cell: (m) => formatCount(tokens(m)) },
  { key: 'cost', label: 'Cost', cell: (m) => estimated(formatUsd(m.costUsd), (m.costSplit?.estimatedUsd ?? 0) > 0) },
  { key: 'avg', label: 'Avg latency', title: LATENCY_NOTE, cell: (m) => formatMs(m.latencyMs.avg) },
  { key: 'p95', label: 'p95 latency', title: LATENCY_NOTE, cell: (m) => formatMs(m.latencyMs.p95) },
  { key: 'errors', label: 'Error rate', cell: (m) => `${formatPercent(m.errorRate)}${m.errors ? ` (${m.errors})` : ''}` },
];

/** The common "claude-" prefix in a span of its own, which a narrow page hides so the date fits. */
function modelParts(name: string): Array<HTMLElement | string> {
  return name.startsWith('claude-') ? [h('span', { class: 'model-prefix' }, 'claude-'), name.slice(7)] : [name];
}

export function modelsTable(deps: { filter(model: string): void }) {
  function render(models: ModelStats[], scope: string): void {
    const head = h('tr', {}, h('th', { scope: 'col' }, 'Model'),
      ...COLUMNS.map((c) => h('th', { scope: 'col', class: 'num', title: c.title ?? null }, c.label)));
    const rows = models.map((m) =>
      h('tr', { 'data-model': m.model },
        h('td', { class: 'model grow', title: m.model },
          m.model === ''
            ? 'unknown'
            : h('button', {
              type: 'button', class: 'cell-link', 'data-filter': 'model', title: `Show only requests to ${m.model}`,
              onclick: () => deps.filter(m.model),
            }, ...modelParts(m.model))),
        ...COLUMNS.map((c) => h('td', {
          class: 'num detail', 'data-label': c.label, 'data-col': c.key, title: c.title ?? null,
        }, c.cell(m)))));
    const empty = h('tr', {}, h('td', { colspan: COLUMNS.length + 1, class: 'empty-row' }, `No requests ${scope} yet.`));
    fill(byId('models'), h('table', { class: 'table stack no-head' },
      h('thead', {}, head), h('tbody', {}, ...(rows.length > 0 ? rows : [empty]))));
  }
  return { update: render };
}
