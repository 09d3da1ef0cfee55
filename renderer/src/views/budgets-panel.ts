// Budgets: a bar of spent against limit for each, its reset time, and adding or removing one
// (admin actions: they need the page's token). Plus the alert banner, shown until dismissed.
import type { AlertEntry, BudgetEntry, BudgetsResponse } from '../../../shared/api.js';
import { ApiError } from '../api.js';
import { byId, fill, h } from '../dom.js';
import { formatUsd } from '../format.js';

export interface BudgetsPanelDeps {
  save(budget: unknown): Promise<unknown>;
  remove(id: string): Promise<unknown>;
  /** Called after a change, so the panel reloads. */
  changed(): void;
}

function refusedText(error: unknown, what: string): string {
  if (error instanceof ApiError && error.status === 403) return 'Refused: this page has no valid token. Open the dashboard with the command cco dashboard.';
  return `Could not ${what}: ${(error as Error).message}`;
}

function level(percent: number): string {
  return percent >= 100 ? 'over' : percent >= 80 ? 'high' : percent >= 50 ? 'mid' : 'low';
}

export function budgetsPanel(deps: BudgetsPanelDeps) {
  let data: BudgetsResponse | null = null;
  let message: { text: string; kind: 'ok' | 'error' } | null = null;

  async function act(what: string, run: () => Promise<unknown>, done: string): Promise<void> {
    try {
      await run();
      message = { text: done, kind: 'ok' };
      deps.changed();
    } catch (error) {
      message = { text: refusedText(error, what), kind: 'error' };
    }
    render();
  }

  function row(b: BudgetEntry): HTMLElement {
    const percent = b.percent ?? 0;
    const figures = b.spent && b.limitUsd !== null
      ? `${formatUsd(b.spent.total)} of ${formatUsd(b.limitUsd)}`
      : b.percent === null ? 'no reading yet' : `${Math.floor(percent)} %`;
    return h(
      'li',
      { class: `budget ${level(percent)}`, 'data-budget': b.budget.id },
      h('div', { class: 'budget-head' },
        h('span', { class: 'budget-label' }, b.label, b.budget.mode === 'enforce' ? h('span', { class: 'tag' }, b.exhausted ? 'refusing' : 'enforced') : null),
        h('span', { class: 'budget-figures' }, figures),
      ),
      h('meter', { min: 0, max: 100, low: 50, high: 80, optimum: 0, value: Math.min(100, percent), 'aria-label': `${b.label}: ${Math.floor(percent)} % used` }),
      h('div', { class: 'budget-foot' },
        h('span', {}, `${Math.floor(percent)} % used`, b.resetLabel ? ` · resets ${b.resetLabel}` : ''),
        h('button', { type: 'button', class: 'link-button', 'data-remove': b.budget.id, onclick: () => void act('remove the budget', () => deps.remove(b.budget.id), 'Budget removed.') }, 'Remove'),
      ),
    );
  }

  function form(): HTMLElement {
    const submit = (event: Event) => {
      event.preventDefault();
      const f = new FormData(event.target as HTMLFormElement);
      const type = String(f.get('scope'));
      const value = String(f.get('value') ?? '').trim();
      const scope = type === 'project' ? { type, path: value } : type === 'model' ? { type, glob: value } : { type: 'global' };
      const budget = { scope, period: String(f.get('period')), limitUsd: Number(f.get('limit')), mode: f.get('enforce') ? 'enforce' : 'alert' };
      void act('save the budget', () => deps.save(budget), 'Budget saved.');
    };
    return h('form', { id: 'budget-form', class: 'budget-form', onsubmit: submit },
      h('select', { name: 'scope', 'aria-label': 'Scope' }, h('option', { value: 'global' }, 'Everything'), h('option', { value: 'project' }, 'Project'), h('option', { value: 'model' }, 'Model')),
      h('input', { name: 'value', placeholder: 'path or model glob', 'aria-label': 'Project path or model glob' }),
      h('select', { name: 'period', 'aria-label': 'Period' }, h('option', { value: 'daily' }, 'daily'), h('option', { value: 'weekly' }, 'weekly'), h('option', { value: 'monthly' }, 'monthly')),
      h('input', { name: 'limit', type: 'number', min: '0', step: 'any', required: true, placeholder: 'USD', 'aria-label': 'Limit in USD' }),
      h('label', {}, h('input', { name: 'enforce', type: 'checkbox' }), ' enforce'),
      h('button', { type: 'submit' }, 'Set budget'),
    );
  }

  function render(): void {
    const list = data?.budgets ?? [];
    fill(
      byId('budgets'),
      list.length === 0
        ? h('p', { class: 'empty' }, 'No budgets yet. Add one here or with ', h('code', {}, 'cco budget set --global --daily 10'), '.')
        : h('ul', { class: 'budget-list' }, ...list.map(row)),
      form(),
      message ? h('p', { id: 'budget-message', class: `message ${message.kind}`, role: 'status' }, message.text) : null,
    );
  }

  render();
  return {
    update(next: BudgetsResponse) {
      data = next;
      render();
    },
  };
}

const DISMISSED_KEY = 'cco.dismissedAlerts';

/** The newest alert not yet dismissed, in a banner; dismissals are remembered by this browser. */
export function alertBanner() {
  let alerts: AlertEntry[] = [];
  const dismissed = new Set<string>(JSON.parse(localStorage.getItem(DISMISSED_KEY) ?? '[]') as string[]);

  function render(): void {
    const banner = byId('alert-banner');
    const shown = alerts.find((a) => !dismissed.has(a.id));
    banner.hidden = !shown;
    if (!shown) {
      fill(banner);
      return;
    }
    fill(
      banner,
      h('span', { class: 'alert-text', 'data-alert': shown.id }, shown.message),
      h('button', {
        type: 'button',
        id: 'dismiss-alert',
        onclick: () => {
          dismissed.add(shown.id);
          localStorage.setItem(DISMISSED_KEY, JSON.stringify([...dismissed].slice(-200)));
          render();
        },
      }, 'Dismiss'),
    );
  }

  return {
    replace(next: AlertEntry[]) {
      alerts = [...next].sort((a, b) => b.at - a.at);
      render();
    },
    add(alert: AlertEntry) {
      alerts = [alert, ...alerts.filter((a) => a.id !== alert.id)];
      render();
    },
  };
}
