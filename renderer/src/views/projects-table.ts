// Projects: a table sortable by any column.
import type { ProjectStats } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { formatAgo, formatCount, formatPercent, formatUsd } from '../format.js';
import { nextSort, projectLabels, sortProjects, type ProjectSortKey, type SortDirection } from '../charts/shape.js';

/** "Last seen" is redrawn this often, so it ages while the page stays open. */
const AGE_TICK_MS = 30_000;

/** `detail` columns go on a row's second line, labelled, when the page is narrow (index.css). */
type Cell = (p: ProjectStats, now: number, labels: Map<string, string>) => string;
const COLUMNS: Array<{ key: ProjectSortKey; label: string; numeric: boolean; detail: boolean; cell: Cell }> = [
  { key: 'project', label: 'Project', numeric: false, detail: false, cell: (p, _now, labels) => labels.get(p.project) ?? p.project },
  { key: 'requests', label: 'Requests', numeric: true, detail: true, cell: (p) => formatCount(p.requests) },
  { key: 'costUsd', label: 'Cost', numeric: true, detail: true, cell: (p) => formatUsd(p.costUsd) },
  { key: 'savedUsd', label: 'Saved', numeric: true, detail: true, cell: (p) => formatUsd(p.savedUsd) },
  { key: 'hitRate', label: 'Hit rate', numeric: true, detail: true, cell: (p) => formatPercent(p.hitRate) },
  { key: 'lastSeen', label: 'Last seen', numeric: true, detail: false, cell: (p, now) => formatAgo(p.lastSeen, now) },
];

function cellClass(c: (typeof COLUMNS)[number]): string {
  return [c.numeric ? 'num' : '', c.detail ? 'detail' : '', c.key === 'project' ? 'project grow' : '', c.key === 'lastSeen' ? 'aside end' : ''].filter(Boolean).join(' ');
}

export function projectsTable(deps: { filter(project: string): void }) {
  let projects: ProjectStats[] = [];
  /** Every project of the period, filtered or not: labels tell apart names the filter hid too. */
  let names: readonly string[] = [];
  let filtered = false;
  let sort: { key: ProjectSortKey; direction: SortDirection } = { key: 'costUsd', direction: 'desc' };

  function render(): void {
    const now = Date.now();
    const labels = projectLabels([...new Set([...names, ...projects.map((p) => p.project)])]);
    const head = h(
      'tr',
      {},
      ...COLUMNS.map((c) =>
        h(
          'th',
          { scope: 'col', class: c.numeric ? 'num' : null, 'aria-sort': sort.key === c.key ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none' },
          h('button', { type: 'button', 'data-sort': c.key, onclick: () => { sort = nextSort(sort, c.key); render(); } }, c.label),
        ),
      ),
    );
    const rows = sortProjects(projects, sort.key, sort.direction).map((p) =>
      h('tr', { 'data-project': p.project }, ...COLUMNS.map((c) => h('td', { class: cellClass(c), 'data-label': c.detail ? c.label : null, title: c.key === 'project' ? p.project : null },
        c.key === 'project'
          ? h('button', { type: 'button', class: 'cell-link', 'data-filter': 'project', title: `Show only requests of ${p.project}`, onclick: () => deps.filter(p.project) }, c.cell(p, now, labels))
          : c.cell(p, now, labels)))),
    );
    const empty = filtered
      ? 'No project has requests that match these filters.'
      : 'No projects yet: requests are grouped by the directory cco was run in.';
    const body = rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'empty-row' }, empty))];
    fill(byId('projects'), h('table', { class: 'table stack' }, h('thead', {}, head), h('tbody', {}, ...body)));
  }

  setInterval(() => {
    if (projects.length > 0) render();
  }, AGE_TICK_MS);
  return {
    /** `all`: every project's name in the period when `next` is filtered (for the labels). */
    update(next: ProjectStats[], all?: readonly string[]) {
      projects = next;
      filtered = all !== undefined;
      names = all ?? [];
      render();
    },
  };
}
