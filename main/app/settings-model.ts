import type { BridgeFieldInfo, BridgeSettingKey, BridgeSettings, BridgeSettingsPatch } from '../../shared/bridge.js';
import { isRecord } from '../common/format.js';
import {
  checkSetting,
  defaultHelp,
  EDITABLE_KEYS,
  SETTINGS,
  type EditableKey,
  type EditableSettings,
  type SettingSpec,
} from '../common/settings-schema.js';
import { DAEMON_SETTING_KEYS, SettingsError, validateSettings, type Settings } from '../common/settings.js';

/** Keys the app's UI may change: the settings declared `editable` in settings-schema.ts. */
export { EDITABLE_KEYS, type EditableKey };
export type SettingsPatch = BridgeSettingsPatch;

/** The migration is shared with the CLI (main/common/settings.ts). */
export { migrateSettings, type Migration } from '../common/settings.js';

/** A change that did not pass the schema: a message per field, each naming it as the CLI does. */
export class FieldErrors extends SettingsError {
  override name = 'FieldErrors';
  constructor(readonly fields: Partial<Record<EditableKey, string>>) {
    super(Object.values(fields).join('; '));
  }
}

const isEditable = (key: string): key is EditableKey => (EDITABLE_KEYS as readonly string[]).includes(key);

/**
 * Applies a patch from the window: only editable keys; `null` or an empty text resets a key to its
 * default. Each value is checked by the schema the CLI uses for flags and the file, and every
 * failing field is reported at once.
 */
export function applyPatch(current: Settings, patch: unknown): Settings {
  if (!isRecord(patch)) throw new SettingsError('settings change: expected an object');
  const next: Record<string, unknown> = { ...current };
  const fields: Partial<Record<EditableKey, string>> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (!isEditable(key)) throw new SettingsError(`settings change: "${key}" cannot be changed here`);
    // The routing file's empty value is a real one: the file in the data directory.
    const emptied = typeof value === 'string' && value.trim() === '' && key !== 'routingFile';
    const reset = value === null || value === undefined || emptied;
    if (reset) {
      delete next[key];
      continue;
    }
    const checked = checkSetting(key, value);
    if (checked.ok) next[key] = checked.value;
    else fields[key] = checked.message;
  }
  if (Object.keys(fields).length > 0) throw new FieldErrors(fields);
  return validateSettings(next, 'settings change');
}

/** Daemon keys whose value differs: the running daemon only picks them up on a restart. */
export function restartNeeded(before: Settings, after: Settings): Array<keyof Settings> {
  return DAEMON_SETTING_KEYS.filter((key) => before[key] !== after[key]);
}

/** Labels, help and defaults for the window, from the schema (the same words as `cco --help`). */
export function fieldInfo(): { [K in BridgeSettingKey]-?: BridgeFieldInfo } {
  const restartKeys: readonly string[] = DAEMON_SETTING_KEYS;
  const entries = EDITABLE_KEYS.map((key) => {
    const spec: SettingSpec = SETTINGS[key];
    const info: BridgeFieldInfo = { label: spec.label, help: spec.help, default: defaultHelp(key), needsRestart: restartKeys.includes(key) };
    return [key, info];
  });
  return Object.fromEntries(entries) as { [K in BridgeSettingKey]-?: BridgeFieldInfo };
}

/** The editable part of the settings, as the bridge hands it to the page. */
export function editableSettings(settings: Settings): BridgeSettings {
  const out: Record<string, unknown> = {};
  for (const key of EDITABLE_KEYS) if (settings[key] !== undefined) out[key] = settings[key];
  return out as BridgeSettings;
}

// shared/ imports nothing outside itself, so the bridge spells out the editable settings' type;
// these lines make the build fail when that copy and the schema disagree (keys and value types).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: Same<keyof BridgeSettings, keyof EditableSettings> = true;
const sameValues: Same<Required<BridgeSettings>, Required<EditableSettings>> = true;
void sameKeys;
void sameValues;
