import { readFileSync } from 'node:fs';
import type { Logger } from '../common/logger.js';
import { settingsFile } from '../common/paths.js';
import { watchFile, type Watcher } from '../common/watch-file.js';
import {
  migrateSettings,
  parseSettings,
  readSettings,
  SettingsError,
  validateSettings,
  writeSettings,
  type Settings,
} from '../common/settings.js';
import { applyPatch, restartNeeded } from './settings-model.js';

export interface SettingsChange {
  settings: Settings;
  restartNeeded: Array<keyof Settings>;
  /** Saved by the settings window (which offers the restart itself), not the tray or a hand edit. */
  fromWindow?: boolean;
}

/**
 * settings.json through the CLI's own reader and writer (main/common/settings.ts), so the app and
 * `cco` share one file, one set of keys and one validation. electron-store keeps only what belongs
 * to the app alone (app-state.ts): its JSON schema would be a second copy of the CLI's rules, and
 * its migrations write bookkeeping keys into the file. This adds what the app needs on top: migration of old
 * key names on load, patches from the window, and watching for edits made by hand or by `cco`.
 */
export class SettingsStore {
  private current: Settings = {};
  private problem: string | null = null;
  private watcher: Watcher | null = null;
  private readonly listeners = new Set<(change: SettingsChange) => void>();
  readonly file: string;

  constructor(private readonly dataDir: string, private readonly logger: Logger) {
    this.file = settingsFile(dataDir);
  }

  /** Reads (and migrates, if needed) the file. Returns the problem instead of throwing. */
  load(): string | null {
    try {
      this.current = this.readMigrated();
      this.problem = null;
    } catch (error) {
      this.problem = (error as Error).message;
    }
    return this.problem;
  }

  get settings(): Settings {
    return this.current;
  }

  /** Why settings.json cannot be used right now, or null. */
  get error(): string | null {
    return this.problem;
  }

  /** Validates and saves a change from the app; throws SettingsError with the reason when invalid. */
  update(patch: unknown, options: { fromWindow?: boolean } = {}): SettingsChange {
    if (this.problem) throw new SettingsError(`fix ${this.file} first: ${this.problem}`);
    const before = this.current;
    const after = applyPatch(before, patch);
    writeSettings(this.dataDir, after);
    this.current = after;
    const change: SettingsChange = { settings: after, restartNeeded: restartNeeded(before, after), ...options };
    this.emit(change);
    return change;
  }

  onChange(listener: (change: SettingsChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows edits made outside the app: one reload once a writer's steps have settled. */
  watch(): void {
    this.watcher ??= watchFile(this.file, () => this.reloadFromDisk(), this.logger);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  private reloadFromDisk(): void {
    const before = this.current;
    const hadProblem = this.problem;
    this.load();
    if (this.problem) {
      if (this.problem !== hadProblem) this.logger.warn(`Settings file unusable: ${this.problem}`);
      return;
    }
    if (hadProblem === null && JSON.stringify(before) === JSON.stringify(this.current)) return;
    this.emit({ settings: this.current, restartNeeded: restartNeeded(before, this.current) });
  }

  private readMigrated(): Settings {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return readSettings(this.dataDir); // missing file: no settings (and the CLI's handling of odd cases)
    }
    if (text.trim() === '') return {};
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return parseSettings(text, this.file); // throws the CLI's own message
    }
    const { value, changes } = migrateSettings(raw);
    const settings = validateSettings(value, this.file);
    if (changes.length > 0) {
      writeSettings(this.dataDir, settings);
      this.logger.info(`Updated ${this.file}: ${changes.join('; ')}`);
    }
    return settings;
  }

  private emit(change: SettingsChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
