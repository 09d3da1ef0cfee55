// The drill-down filters in force, each a chip that removes it; shown above the request list.
import { byId, fill, h } from '../dom.js';
import { FILTER_KEYS, FILTER_LABELS, isFiltered, type FilterKey, type Filters } from '../filters.js';

export function renderFilterBar(
  filters: Filters,
  remove: (key: FilterKey | 'all') => void,
  label: (key: FilterKey, value: string) => string,
): void {
  const bar = byId('filters');
  bar.hidden = !isFiltered(filters);
  const chips = FILTER_KEYS.flatMap((key) => {
    const value = filters[key];
    if (value === undefined) return [];
    return [
      h(
        'button',
        { type: 'button', class: 'chip', 'data-filter': key, title: `Remove this filter (${value})`,
          onclick: () => remove(key) },
        `${FILTER_LABELS[key]}: ${label(key, value)}`,
        h('span', { 'aria-hidden': 'true' }, ' ×'),
      ),
    ];
  });
  fill(
    bar,
    // Sessions, agents and both cache panels are not filtered: their roll-ups or counters lack some filters.
    h('span', { class: 'muted', title: 'Models follow the project filter only; sessions, agents and the cache panels show every request' },
      'Cards, charts, projects, models and requests show'),
    ...chips,
    h('button', { type: 'button', class: 'link-button', id: 'clear-filters', onclick: () => remove('all') }, 'Show all'),
  );
}
