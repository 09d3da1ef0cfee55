// The most recent requests, newest first, growing live.
import type { RequestEntry } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { estimated, formatCount, formatMs, formatUsd, formatWhen } from '../format.js';
import { addRecentRequest, projectLabels, totalTokens } from '../charts/shape.js';
import { isFiltered, matchesFilters, type FilterKey, type Filters } from '../filters.js';
import { requestDetails } from './request-details.js';

/** Rows per page of the list; "Show more" asks the daemon for the next page. */
export const PAGE_SIZE = 50;

export const ESTIMATED_NOTE = 'Estimated: this model has no price of its own, so a similar model\'s price was used.';

function statusText(r: RequestEntry): string {
  return r.errorType && r.status < 400 ? r.errorType : String(r.status);
}

export function isFailed(r: Pick<RequestEntry, 'status' | 'errorType'>): boolean {
  return r.status >= 400 || r.errorType !== null;
}

/** A failed request's badge says what failed (status and error type), not a cache outcome. */
function outcomeBadge(r: RequestEntry): HTMLElement {
  if (isFailed(r)) {
    const text = r.errorType ? `${r.status} ${r.errorType}` : `${r.status} error`;
    return h('span', { class: 'badge c-error', title: `Failed: HTTP ${r.status}${r.errorType ? `, ${r.errorType}` : ''}` }, text);
  }
  if (r.source === 'transcript') return h('span', { class: 'badge c-bypass', title: TRANSCRIPT_NOTE }, 'transcript');
  return h('span', { class: `badge c-${r.cache}` }, r.cache);
}

const TRANSCRIPT_NOTE = 'Read from Claude Code\'s transcript: this call did not go through CCO, so it has no cache outcome or latency';

function model(r: RequestEntry): string {
  return r.servedModel ?? r.requestedModel ?? '—';
}

/** The common "claude-" prefix in a span of its own, which a narrow page hides so the rest fits. */
function modelParts(name: string): Array<HTMLElement | string> {
  return name.startsWith('claude-') ? [h('span', { class: 'model-prefix' }, 'claude-'), name.slice('claude-'.length)] : [name];
}

function costText(r: RequestEntry): string {
  if (r.cache === 'hit' || r.cache === 'coalesced') return r.savedUsd ? `saved ${estimated(formatUsd(r.savedUsd), r.costEstimated)}` : formatUsd(0);
  return estimated(formatUsd(r.costUsd), r.costEstimated && r.costUsd !== null);
}

export interface RecentRequestsDeps {
  /** A project, model or status was clicked: filter the page by it. */
  filter(key: FilterKey, value: string): void;
  /** Asks for the page after the last row shown. */
  more?(): void;
}

/** A cell whose value filters the page when clicked. */
function filterButton(
  deps: RecentRequestsDeps,
  key: FilterKey,
  value: string,
  ...content: Array<HTMLElement | string>
): HTMLElement {
  const attrs = { type: 'button', class: 'cell-link', 'data-filter': key, title: `Show only ${value}` };
  return h('button', { ...attrs, onclick: () => deps.filter(key, value) }, ...content);
}

export function recentRequests(deps: RecentRequestsDeps) {
  let list: RequestEntry[] = [];
  let filters: Filters = {};
  /** The row whose details are open (by start time and session; live rows have no id yet). */
  let open: RequestEntry | null = null;
  /** Every project the page knows of (not only the listed ones), so filtered names stay told apart. */
  let known: string[] = [];
  /** Whether the daemon may hold older matching rows (the last page came back full). */
  let hasMore = false;
  let loadingMore = false;

  function toggleDetails(r: RequestEntry): void {
    open = open === r ? null : r;
    render();
  }

  function render(): void {
    const labels = projectLabels([...known, ...list.map((r) => r.project)]);
    const rows = list.flatMap((r) => {
      const row = h(
        'tr',
        {
          class: [isFailed(r) ? 'failed' : '', 'clickable', open === r ? 'open' : ''].filter(Boolean).join(' '),
          'data-cache': r.cache,
          'data-status': r.status,
          'aria-expanded': String(open === r),
          title: 'Show this request\'s details',
          onclick: (event: Event) => {
            if (!(event.target as HTMLElement).closest('button')) toggleDetails(r);
          },
        },
        h('td', { class: 'time' }, formatWhen(r.startedAt)),
        h('td', { title: r.project, class: 'project grow' },
          filterButton(deps, 'project', r.project, labels.get(r.project) ?? r.project)),
        h('td', { class: 'model grow', title: model(r) },
          model(r) === '—' ? '—' : filterButton(deps, 'model', model(r), ...modelParts(model(r)))),
        h('td', { class: 'end outcome' }, outcomeBadge(r)),
        // `detail` cells go on a second, labelled line when the page is narrow (index.css).
        h('td', { class: 'num detail', 'data-label': 'Tokens', title: `in ${r.inputTokens}, out ${r.outputTokens}, cache write ${r.cacheCreationTokens}, cache read ${r.cacheReadTokens}` }, formatCount(totalTokens(r))),
        h('td', { class: 'num detail cost', 'data-label': 'Cost', title: r.costEstimated ? ESTIMATED_NOTE : null }, costText(r)),
        r.source === 'transcript'
          ? h('td', { class: 'num detail', 'data-label': 'Latency', title: TRANSCRIPT_NOTE }, '—')
          : h('td', { class: 'num detail', 'data-label': 'Latency' }, formatMs(r.latencyMs)),
        h('td', { class: 'num detail http-status', 'data-label': 'HTTP' },
          filterButton(deps, 'status', String(r.status), statusText(r))),
      );
      return open === r ? [row, h('tr', { class: 'details-row' }, h('td', { colspan: 8 }, requestDetails(r)))] : [row];
    });
    const head = h('tr', {}, ...['Time', 'Project', 'Model', 'Outcome', 'Tokens', 'Cost', 'Latency', 'Status'].map((label, i) => h('th', { scope: 'col', class: i >= 4 ? 'num' : null }, label)));
    const empty = isFiltered(filters) ? 'No request matches these filters.' : 'No requests yet. They appear here as Claude Code sends them.';
    const body = rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: 8, class: 'empty-row' }, empty))];
    const table = h('table', { class: 'table stack no-head' }, h('thead', {}, head), h('tbody', {}, ...body));
    const more = hasMore && deps.more
      ? [h('div', { class: 'more-row' },
        h('span', { class: 'muted', id: 'requests-count' }, `${list.length} shown`),
        h('button', {
          type: 'button', class: 'link-button', id: 'requests-more', disabled: loadingMore,
          onclick: () => {
            loadingMore = true;
            render();
            deps.more?.();
          },
        }, loadingMore ? 'Loading…' : `Show ${PAGE_SIZE} older`))]
      : [];
    fill(byId('requests'), table, ...more);
  }

  return {
    replace(next: RequestEntry[], nextFilters: Filters = filters) {
      list = next.slice(0, PAGE_SIZE);
      filters = nextFilters;
      hasMore = next.length >= PAGE_SIZE;
      loadingMore = false;
      open = null;
      render();
    },
    /** The next older page (null: it failed, the button comes back). */
    append(older: RequestEntry[] | null) {
      loadingMore = false;
      if (older !== null) {
        const seen = new Set(list.map((r) => r.id));
        list = [...list, ...older.filter((r) => r.id === undefined || !seen.has(r.id))];
        hasMore = older.length >= PAGE_SIZE;
      }
      render();
    },
    /** The oldest row shown, where the next page starts (`before` of `GET /api/requests`). */
    cursor(): string | null {
      const last = list.at(-1);
      return last?.id === undefined ? null : `${Math.round(last.startedAt)}:${last.id}`;
    },
    knownProjects(projects: string[]) {
      known = projects;
      render();
    },
    add(entry: RequestEntry) {
      if (!matchesFilters(filters, entry)) return;
      list = addRecentRequest(list, entry, Math.max(PAGE_SIZE, list.length));
      render();
    },
  };
}
