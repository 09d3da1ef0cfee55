import { type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../common/logger.js';
import { type ImportOptions, type ImportResult, importTranscripts } from './import.js';
import { errorMessage } from '../../common/format.js';

export interface WatcherOptions extends Omit<ImportOptions, 'onProgress' | 'since'> {
  logger: Logger;
  /** Quiet time after a change before importing, so a burst of appends is one import. Default 500 ms. */
  debounceMs?: number;
  /** A full look even without change events (events can be missed, or unsupported). Default 30 s. */
  rescanMs?: number;
  /** Told after each import that found something. */
  onImported?: (result: ImportResult) => void;
}

/**
 * Keeps importing Claude Code's transcripts while the daemon runs: a change under `projects/`
 * imports the new lines within about a second; a periodic look catches anything missed. Imports
 * never overlap; a change during one schedules the next.
 */
export class TranscriptWatcher {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastError: string | undefined;

  constructor(private readonly options: WatcherOptions) {}

  /** Starts watching and imports what is there now. */
  start(): void {
    const projects = join(this.options.claudeDir, 'projects');
    try {
      this.watcher = watch(projects, { recursive: true, persistent: false }, () => this.schedule());
      this.watcher.on('error', (error) => {
        const every = this.rescanMs() / 1000;
        this.options.logger.warn(`Transcript watch stopped (${error.message}); looking every ${every} s instead`);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? errorMessage(error);
      this.options.logger.info(`Not watching ${projects} (${why}); looking periodically`);
    }
    this.rescan = setInterval(() => this.schedule(0), this.rescanMs());
    this.rescan.unref();
    this.schedule(0);
  }

  /** Stops watching and waits for an import under way to finish (its cursors are saved). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
    if (this.rescan) clearInterval(this.rescan);
    await this.running;
  }

  private rescanMs(): number {
    return this.options.rescanMs ?? 30_000;
  }

  private schedule(delay = this.options.debounceMs ?? 500): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.run().finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
    }, delay);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    try {
      const result = await importTranscripts(this.options);
      for (const f of result.failures) this.options.logger.warn(`Transcript ${f.file} not imported: ${f.message}`);
      const { records, bad, unknown } = result.counts;
      if (records > 0 || bad > 0 || unknown > 0) this.options.onImported?.(result);
      this.lastError = undefined;
    } catch (error) {
      // Said once, not every rescan: a missing directory stays missing until Claude Code runs.
      const message = errorMessage(error);
      if (message !== this.lastError) this.options.logger.warn(`Transcript import failed: ${message}`);
      this.lastError = message;
    }
  }
}
