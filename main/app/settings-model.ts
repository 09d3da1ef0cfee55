import type { BridgeSettings } from '../../shared/bridge.js';
import { isRecord } from '../common/format.js';
import { EDITABLE_KEYS, type EditableKey, type EditableSettings } from '../common/settings-schema.js';
import { DAEMON_SETTING_KEYS, SettingsError, validateSettings, type Settings } from '../common/settings.js';

/** Keys the app's UI may change: the settings declared `editable` in settings-schema.ts. */
export { EDITABLE_KEYS, type EditableKey };
export type SettingsPatch = { [K in EditableKey]?: EditableSettings[K] | null };

/** The migration is shared with the CLI (main/common/settings.ts). */
export { migrateSettings, type Migration } from '../common/settings.js';

/** Applies a patch from the window: only editable keys, `null` removes one; the result is validated as a whole. */
export function applyPatch(current: Settings, patch: unknown): Settings {
  if (!isRecord(patch)) throw new SettingsError('settings change: expected an object');
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (!(EDITABLE_KEYS as readonly string[]).includes(key)) throw new SettingsError(`settings change: "${key}" cannot be changed here`);
    if (value === null || value === undefined) delete next[key];
    else next[key] = value;
  }
  return validateSettings(next, 'settings change');
}

/** Daemon keys whose value differs: the running daemon only picks them up on a restart. */
export function restartNeeded(before: Settings, after: Settings): Array<keyof Settings> {
  return DAEMON_SETTING_KEYS.filter((key) => before[key] !== after[key]);
}

// shared/ imports nothing outside itself, so the bridge spells out the editable settings' type;
// this line makes the build fail when that copy and the schema disagree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const bridgeMatchesSchema: Same<BridgeSettings, EditableSettings> = true;
void bridgeMatchesSchema;
