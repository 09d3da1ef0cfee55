// The settings page of the desktop app. Everything goes through the preload bridge (window.cco):
// the main process validates with the schema the `cco` command uses and saves to the same
// settings.json. In a plain browser there is no bridge, and the page says where settings live.
import './index.css';
import './settings.css';
import type {
  BridgePrefs,
  BridgeSaveResult,
  BridgeSettingKey,
  BridgeSettingsView,
  CcoBridge,
} from '../../shared/bridge.js';
import { BRIDGE_LOG_LEVELS } from '../../shared/bridge.js';
import { byId, fill, h } from './dom.js';
import { capitalize } from './format.js';
import { adoptFragmentToken } from './token.js';
import { appForm } from './views/settings-app-form.js';
import { settingsBanners } from './views/settings-banners.js';

type TextKey = Exclude<BridgeSettingKey, 'startAtLogin' | 'openDashboardOnStart' | 'logLevel'>;

/** The daemon's settings, grouped as a user thinks of them. */
const GROUPS: Array<{ title: string; keys: Array<TextKey | 'logLevel'> }> = [
  { title: 'Address', keys: ['port', 'host'] },
  { title: 'Upstream', keys: ['upstream', 'upstreamTimeoutSeconds', 'upstreamIdleTimeoutSeconds'] },
  { title: 'Cache', keys: ['cacheSize', 'cacheMaxBytes', 'cacheTtlSeconds'] },
  { title: 'Requests', keys: ['workers', 'queueTimeoutSeconds', 'drainTimeoutSeconds'] },
  { title: 'Logging', keys: ['logLevel'] },
  { title: 'Model routing', keys: ['routingFile'] },
];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

adoptFragmentToken();
const bridge: CcoBridge | undefined = window.cco;
let view: BridgeSettingsView | null = null;
/** What the inputs showed when last filled from the view: a field whose text differs is a change. */
const shown = new Map<BridgeSettingKey, string>();
let restartOffer: BridgeSettingKey[] = [];
let saveMessage = '';

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function input(key: BridgeSettingKey): HTMLInputElement | HTMLSelectElement {
  return byId<HTMLInputElement | HTMLSelectElement>(`field-${key}`);
}

function fieldRow(key: TextKey | 'logLevel', v: BridgeSettingsView): HTMLElement {
  const info = v.fields[key];
  const id = `field-${key}`;
  const value = text(v.settings[key]);
  shown.set(key, value);
  const control =
    key === 'logLevel'
      ? h(
          'select',
          { id, name: key, 'aria-describedby': `${id}-help ${id}-error` },
          h('option', { value: '' }, `Default (${info.default})`),
          ...BRIDGE_LOG_LEVELS.map((level) => {
            const option = h('option', { value: level }, level);
            option.selected = value === level;
            return option;
          }),
        )
      : h('input', {
          id,
          name: key,
          type: 'text',
          value,
          placeholder: info.default,
          autocomplete: 'off',
          spellcheck: 'false',
          'aria-describedby': `${id}-help ${id}-error`,
          oninput: () => fieldEdited(key),
        });
  if (key === 'logLevel') control.addEventListener('change', () => fieldEdited(key));
  return h(
    'div',
    { class: 'field', 'data-key': key },
    h(
      'label',
      { for: id },
      capitalize(info.label),
      info.needsRestart
        ? h('span', { class: 'restart-tag', title: 'Takes effect when the daemon restarts' }, 'restart')
        : null,
    ),
    h(
      'div',
      { class: 'field-control' },
      control,
      h('span', { class: 'field-help', id: `${id}-help` }, `${capitalize(info.help)}. Empty: ${info.default}.`),
      h('span', { class: 'field-note', id: `${id}-note`, hidden: true }),
      key === 'routingFile' ? h('div', { id: 'routing-status', class: 'routing-status' }) : null,
      h('span', { class: 'field-error', id: `${id}-error`, role: 'alert' }),
    ),
  );
}

/** A change clears that field's error; the host field warns when other machines could connect. */
function fieldEdited(key: BridgeSettingKey): void {
  showError(key, null);
  if (key === 'host') {
    const host = input('host').value.trim();
    const note = byId(`field-host-note`);
    note.hidden = host === '' || LOOPBACK.test(host);
    note.textContent = 'Other machines on your network could reach the daemon at this address.';
  }
  updateDirty();
}

function showError(key: BridgeSettingKey, message: string | null): void {
  const el = document.getElementById(`field-${key}-error`);
  if (!el) return;
  el.textContent = message ?? '';
  const control = document.getElementById(`field-${key}`);
  if (message) control?.setAttribute('aria-invalid', 'true');
  else control?.removeAttribute('aria-invalid');
}

/** The fields whose text differs from the saved value: text as typed, or null to reset to the default. */
function patch(): Partial<Record<BridgeSettingKey, string | null>> {
  const out: Partial<Record<BridgeSettingKey, string | null>> = {};
  for (const [key, before] of shown) {
    const now = input(key).value;
    if (now.trim() !== before.trim()) out[key] = now.trim() === '' && key !== 'routingFile' ? null : now;
  }
  return out;
}

function updateDirty(): void {
  const changed = Object.keys(patch()).length;
  (byId('save') as HTMLButtonElement).disabled = changed === 0 || view?.fileProblem != null;
  (byId('revert') as HTMLButtonElement).disabled = changed === 0;
  byId('save-status').textContent =
    changed > 0 ? `${changed} unsaved ${changed === 1 ? 'change' : 'changes'}` : saveMessage;
}

function renderDaemonForm(v: BridgeSettingsView): void {
  shown.clear();
  fill(
    byId('daemon-fields'),
    ...GROUPS.map((group) =>
      h(
        'fieldset',
        { class: 'field-group' },
        h('legend', {}, group.title),
        ...group.keys.map((key) => fieldRow(key, v)),
      ),
    ),
  );
  renderRouting(v);
  fieldEdited('host');
}

function renderRouting(v: BridgeSettingsView): void {
  const el = document.getElementById('routing-status');
  if (!el || !bridge) return;
  const { routing } = v;
  const open = h(
    'button',
    { type: 'button', id: 'open-routing', onclick: () => void bridge.openRoutingFile().catch(failed) },
    routing.exists ? 'Open' : 'Create and open',
  );
  const status = !routing.exists
    ? h('span', { class: 'field-help', id: 'routing-state' }, 'No routing file: every request goes to the upstream.')
    : routing.error
      ? h('pre', { class: 'routing-error', id: 'routing-state', role: 'alert' }, routing.error)
      : h(
          'span',
          { class: 'routing-ok', id: 'routing-state' },
          'Valid. The daemon applies edits to it without a restart.',
        );
  fill(el, h('code', { class: 'path', title: routing.path }, routing.path), open, status);
}

function renderAppForm(v: BridgeSettingsView): void {
  fill(byId('app-fields'), appForm(v, {
    toggle: (key, on) => void saveToggle(key, on),
    setNotifications: (notifications) => void setPrefs({ notifications }),
  }));
}

function renderBanners(): void {
  if (!view || !bridge) return;
  const dismissed = view.prefs.dismissedBanners;
  fill(byId('banners'), ...settingsBanners(view, restartOffer, {
    restart: () => void restart(),
    dismiss: (id) => void setPrefs({ dismissedBanners: [...dismissed, id] }),
  }));
}

async function saveToggle(key: 'startAtLogin' | 'openDashboardOnStart', on: boolean): Promise<void> {
  if (!bridge) return;
  const result = await bridge.saveSettings({ [key]: on });
  const el = byId(`${key}-error`);
  el.textContent = result.ok ? '' : (result.fields[key] ?? result.error ?? 'Not saved');
  if (result.ok) applyView(result.view, false);
}

async function setPrefs(patch: Partial<BridgePrefs>): Promise<void> {
  if (!bridge || !view) return;
  try {
    view = { ...view, prefs: await bridge.setPrefs(patch) };
    renderBanners();
  } catch (error) {
    failed(error);
  }
}

function failed(error: unknown): void {
  saveMessage = `Failed: ${(error as Error).message}`;
  byId('save-status').textContent = saveMessage;
}

async function restart(): Promise<void> {
  if (!bridge) return;
  const button = document.getElementById('restart') as HTMLButtonElement | null;
  if (button) button.disabled = true;
  saveMessage = 'Restarting the daemon…';
  byId('save-status').textContent = saveMessage;
  try {
    const state = await bridge.restartDaemon();
    restartOffer = [];
    saveMessage =
      state.kind === 'running'
        ? 'Daemon restarted with the saved settings.'
        : `Daemon ${state.kind}${state.kind === 'error' ? `: ${state.reason}` : ''}`;
    applyView(await bridge.settingsView(), false);
  } catch (error) {
    failed(error);
  }
}

function selectTab(tab: BridgePrefs['lastTab'], remember: boolean): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('#tabs [role=tab]')) {
    const selected = button.dataset.tab === tab;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
  }
  byId('panel-daemon').hidden = tab !== 'daemon';
  byId('panel-app').hidden = tab !== 'app';
  if (remember && view?.prefs.lastTab !== tab) void setPrefs({ lastTab: tab });
}

/** Shows a view from main. Unsaved edits in the daemon form are kept unless `replaceEdits`. */
function applyView(next: BridgeSettingsView, replaceEdits: boolean): void {
  const first = view === null;
  view = next;
  if (first || replaceEdits || Object.keys(patch()).length === 0) renderDaemonForm(next);
  else renderRouting(next);
  renderAppForm(next);
  renderBanners();
  if (first) selectTab(next.prefs.lastTab, false);
  updateDirty();
}

async function save(event: Event): Promise<void> {
  event.preventDefault();
  if (!bridge) return;
  const change = patch();
  (byId('save') as HTMLButtonElement).disabled = true;
  let result: BridgeSaveResult;
  try {
    result = await bridge.saveSettings(change);
  } catch (error) {
    failed(error);
    return;
  }
  for (const key of shown.keys()) showError(key, null);
  if (!result.ok) {
    const fields = Object.entries(result.fields) as Array<[BridgeSettingKey, string]>;
    for (const [key, message] of fields) showError(key, message);
    saveMessage =
      result.error ?? `Not saved: ${fields.length === 1 ? 'a field needs' : `${fields.length} fields need`} fixing.`;
    byId('save-status').textContent = saveMessage;
    if (fields[0]) input(fields[0][0]).focus();
    (byId('save') as HTMLButtonElement).disabled = false;
    return;
  }
  restartOffer = result.restartNeeded;
  saveMessage = result.restartNeeded.length > 0 ? 'Saved; restart the daemon to apply.' : 'Saved.';
  applyView(result.view, true);
}

async function main(): Promise<void> {
  if (!bridge || typeof bridge.settingsView !== 'function') {
    byId('no-bridge').hidden = false;
    return;
  }
  byId('tabs').hidden = false;
  for (const button of document.querySelectorAll<HTMLButtonElement>('#tabs [role=tab]')) {
    button.addEventListener('click', () => selectTab(button.dataset.tab as BridgePrefs['lastTab'], true));
  }
  byId('panel-daemon').addEventListener('submit', (event) => void save(event));
  byId('revert').addEventListener('click', () => {
    if (view) applyView(view, true);
  });
  bridge.onSettingsView((next) => applyView(next, false));
  applyView(await bridge.settingsView(), true);
}

void main();
