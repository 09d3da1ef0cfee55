// Agents: what the main conversation and each kind of subagent (Claude Code's Task tool) cost in
// the picked period. The types come from Claude Code's transcripts; the proxy alone cannot tell a
// subagent's request from the main conversation's.
import type { AgentEntry } from '../../../shared/api.js';
import { totalTokens } from '../charts/shape.js';
import { byId, fill, h } from '../dom.js';
import { estimated, formatCount, formatPercent, formatUsd } from '../format.js';

const MAIN = 'Main conversation';

type Cell = (a: AgentEntry, totalCost: number) => string;
/** `detail` columns go on a row's second line, labelled, when the page is narrow (index.css). */
const COLUMNS: Array<{ key: string; label: string; cell: Cell }> = [
  { key: 'sessions', label: 'Sessions', cell: (a) => formatCount(a.sessions) },
  { key: 'requests', label: 'Requests', cell: (a) => formatCount(a.requests) },
  { key: 'tokens', label: 'Tokens', cell: (a) => formatCount(tokens(a)) },
  { key: 'cost', label: 'Cost', cell: (a) => estimated(formatUsd(a.costUsd), a.costSplit.estimatedUsd > 0) },
  { key: 'share', label: 'Share of cost', cell: (a, total) => (total > 0 ? formatPercent(a.costUsd / total) : '—') },
];

function tokens(a: AgentEntry): number {
  const t = a.tokens;
  return totalTokens({
    inputTokens: t.input, outputTokens: t.output, cacheCreationTokens: t.cacheCreation, cacheReadTokens: t.cacheRead,
  });
}

export function agentsTable() {
  function render(agents: readonly AgentEntry[], scope: string): void {
    const totalCost = agents.reduce((sum, a) => sum + a.costUsd, 0);
    const head = h('tr', {}, h('th', { scope: 'col' }, 'Agent'),
      ...COLUMNS.map((c) => h('th', { scope: 'col', class: 'num' }, c.label)));
    const rows = agents.map((a) => h('tr', { 'data-agent': a.agentType ?? '' },
      h('td', { class: 'grow', 'data-col': 'agent' }, a.agentType ?? MAIN),
      ...COLUMNS.map((c) => h('td', { class: 'num detail', 'data-label': c.label, 'data-col': c.key }, c.cell(a, totalCost)))));
    const empty = h('tr', {}, h('td', { colspan: COLUMNS.length + 1, class: 'empty-row' }, `No sessions ${scope} yet.`));
    const subagents = agents.some((a) => a.agentType !== null);
    fill(
      byId('agents'),
      h('table', { class: 'table stack no-head' }, h('thead', {}, head), h('tbody', {}, ...(rows.length > 0 ? rows : [empty]))),
      subagents
        ? null
        : h('p', { class: 'muted definition', 'data-note': 'no-subagents' },
          'No subagents seen. Their types come from Claude Code\'s transcripts (~/.claude/projects); '
            + 'a request seen only through the proxy counts as the main conversation.'),
    );
  }
  return { update: render };
}
