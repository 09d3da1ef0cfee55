// The settings window's "Desktop app" tab: what belongs to the app alone (electron-store) and the
// two app settings kept with the daemon's. Builds elements; the page decides what a change does.
import type { BridgePrefs, BridgeSettingsView } from '../../../shared/bridge.js';
import { h } from '../dom.js';
import { capitalize } from '../format.js';

export type AppToggle = 'startAtLogin' | 'openDashboardOnStart';

export interface AppFormActions {
  toggle(key: AppToggle, on: boolean): void;
  setNotifications(value: BridgePrefs['notifications']): void;
}

const NOTIFICATION_LABELS: Record<BridgePrefs['notifications'], string> = {
  all: 'All',
  problems: 'Problems only',
  off: 'None (problems are still logged)',
};

function checkbox(id: string, label: string, help: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const box = h('input', { type: 'checkbox', id, 'aria-describedby': `${id}-help` });
  box.checked = checked;
  box.addEventListener('change', () => onChange(box.checked));
  return h(
    'div',
    { class: 'check' },
    box,
    h(
      'div',
      {},
      h('label', { for: id }, label),
      h('div', { class: 'field-help', id: `${id}-help` }, help),
      h('div', { class: 'field-error', id: `${id}-error`, role: 'alert' }),
    ),
  );
}

function notificationsField(v: BridgeSettingsView, actions: AppFormActions): HTMLElement {
  const select = h(
    'select',
    { id: 'notifications' },
    ...(['all', 'problems', 'off'] as const).map((value) => {
      const option = h('option', { value }, NOTIFICATION_LABELS[value]);
      option.selected = v.prefs.notifications === value;
      return option;
    }),
  );
  select.addEventListener('change', () => actions.setNotifications(select.value as BridgePrefs['notifications']));
  return h(
    'div',
    { class: 'field' },
    h('label', { for: 'notifications' }, 'Notifications'),
    h(
      'div',
      { class: 'field-control' },
      select,
      h(
        'span',
        { class: 'field-help' },
        'Problems: a daemon crash or restart, settings that cannot be used. ' +
          'All adds confirmations such as a cleared cache.',
      ),
    ),
  );
}

export function appForm(v: BridgeSettingsView, actions: AppFormActions): HTMLElement {
  const toggle = (key: AppToggle, label: string) =>
    checkbox(key, label, `${capitalize(v.fields[key].help)}.`, v.settings[key] === true, (on) => actions.toggle(key, on));
  return h(
    'fieldset',
    { class: 'field-group' },
    h('legend', {}, 'Desktop app'),
    toggle('startAtLogin', 'Start at login'),
    toggle('openDashboardOnStart', 'Open the dashboard on start'),
    notificationsField(v, actions),
  );
}
