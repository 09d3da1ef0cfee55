// The settings window's banners: a settings file that cannot be used, a restart the saved changes
// wait for, and (until dismissed) where these settings live.
import type { BridgeSettingKey, BridgeSettingsView } from '../../../shared/bridge.js';
import { h } from '../dom.js';

export const SHARED_BANNER = 'shared-settings';

export interface BannerActions {
  restart(): void;
  dismiss(id: string): void;
}

function banner(kind: 'info' | 'warn' | 'error', id: string, message: string, ...actions: HTMLElement[]): HTMLElement {
  return h(
    'div',
    { class: `banner ${kind}`, id, role: kind === 'info' ? 'note' : 'alert' },
    h('p', {}, message),
    actions.length ? h('div', { class: 'actions' }, ...actions) : null,
  );
}

function restartBanner(v: BridgeSettingsView, pending: readonly BridgeSettingKey[], actions: BannerActions): HTMLElement {
  const names = pending.map((key) => v.fields[key].label).join(', ');
  // A daemon the app did not start is not the app's to restart: say the command instead.
  if (v.daemon.kind === 'running' && v.daemon.owner === 'external') {
    return banner(
      'warn',
      'restart-banner',
      `Saved. The daemon was started outside the app: restart it (cco daemon restart) to apply ${names}.`,
    );
  }
  return banner(
    'warn',
    'restart-banner',
    `Saved. The daemon applies ${names} when it restarts. Requests under way finish first.`,
    h('button', { type: 'button', id: 'restart', class: 'primary', onclick: () => actions.restart() }, 'Restart daemon now'),
  );
}

/** `offered`: the keys the last save said need a restart, until the view itself reports them. */
export function settingsBanners(v: BridgeSettingsView, offered: readonly BridgeSettingKey[], actions: BannerActions): HTMLElement[] {
  const list: HTMLElement[] = [];
  if (v.fileProblem) {
    list.push(banner(
      'error',
      'file-problem',
      `${v.settingsFile} cannot be used, so nothing can be saved here until it is fixed: ${v.fileProblem}`,
    ));
  }
  const pending = v.pendingRestart.length > 0 ? v.pendingRestart : offered;
  if (pending.length > 0) list.push(restartBanner(v, pending, actions));
  if (!v.prefs.dismissedBanners.includes(SHARED_BANNER)) {
    list.push(banner(
      'info',
      SHARED_BANNER,
      `These settings are saved in ${v.settingsFile}, which the cco command reads too. ` +
        'Environment variables and flags given to cco override them.',
      h('button', { type: 'button', 'aria-label': 'Dismiss', onclick: () => actions.dismiss(SHARED_BANNER) }, 'Got it'),
    ));
  }
  return list;
}
