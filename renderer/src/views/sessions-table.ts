// Sessions: what each Claude Code session cost, how long it ran, its models, its prompt-cache
// ratio and where its figures come from (the proxy, or Claude Code's transcripts).
import type { SessionEntry } from '../../../shared/api.js';
import { projectLabels } from '../charts/shape.js';
import { byId, fill, h } from '../dom.js';
import { estimated, formatAgo, formatDuration, formatPercent, formatUsd } from '../format.js';

const SOURCE_NAMES: Record<string, string> = { proxy: 'proxy', transcript: 'transcript' };

type Cell = (s: SessionEntry, now: number, labels: Map<string, string>) => string;
const COLUMNS: Array<{ key: string; label: string; cls: string; detail: boolean; cell: Cell }> = [
  { key: 'session', label: 'Session', cls: 'grow project', detail: false,
    cell: (s, _now, labels) => `${labels.get(s.project) ?? s.project} · ${s.session.slice(0, 8)}` },
  { key: 'cost', label: 'Cost', cls: 'num detail', detail: true,
    cell: (s) => estimated(formatUsd(s.costUsd), s.costSplit.estimatedUsd > 0) },
  { key: 'duration', label: 'Duration', cls: 'num detail', detail: true,
    cell: (s) => formatDuration(s.durationMs / 1000) },
  { key: 'models', label: 'Models', cls: 'model detail', detail: true,
    cell: (s) => (s.models.length === 0 ? '—' : s.models.map((m) => m.model).join(', ')) },
  { key: 'prompt-cache', label: 'Prompt cache', cls: 'num detail', detail: true,
    cell: (s) => formatPercent(s.promptCache.hitRatio) },
  { key: 'source', label: 'Source', cls: 'detail', detail: true,
    cell: (s) => s.sources.map((x) => SOURCE_NAMES[x] ?? x).join(' + ') },
  { key: 'last-seen', label: 'Last seen', cls: 'num aside end', detail: false,
    cell: (s, now) => formatAgo(s.lastSeen, now) },
];

/** The full id, every project and branch: what the row's first cell shortens. */
function sessionTitle(s: SessionEntry): string {
  const branches = s.branches.length > 0 ? `\nbranch ${s.branches.join(', ')}` : '';
  return `${s.session}\n${s.projects.join('\n')}${branches}`;
}

export function sessionsTable() {
  let sessions: SessionEntry[] = [];
  let total = 0;

  function render(): void {
    const now = Date.now();
    const labels = projectLabels(sessions.map((s) => s.project));
    const head = h('tr', {},
      ...COLUMNS.map((c) => h('th', { scope: 'col', class: c.cls.includes('num') ? 'num' : null }, c.label)));
    const rows = sessions.map((s) => h('tr', { 'data-session': s.session },
      ...COLUMNS.map((c) => h('td', {
        class: c.cls, 'data-col': c.key, 'data-label': c.detail ? c.label : null,
        title: c.key === 'session' ? sessionTitle(s) : null,
      }, c.cell(s, now, labels)))));
    const body = rows.length > 0
      ? rows
      : [h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'empty-row' }, 'No sessions in this range yet.'))];
    fill(
      byId('sessions'),
      h('table', { class: 'table stack no-head' }, h('thead', {}, head), h('tbody', {}, ...body)),
      total > sessions.length
        ? h('p', { class: 'muted definition' }, `The latest ${sessions.length} of ${total} sessions.`)
        : null,
    );
  }

  setInterval(() => {
    if (sessions.length > 0) render();
  }, 30_000);
  return {
    update(next: SessionEntry[], all: number) {
      sessions = next;
      total = all;
      render();
    },
  };
}
