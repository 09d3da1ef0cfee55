import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../common/logger.js';
import { type CredentialKind, credentialOf, fingerprint } from '../anthropic/credential.js';
import { loadQuotaState, type QuotaEntry, type QuotaState, saveQuotaState } from './file.js';
import { parseQuotaHeaders, type QuotaWindow } from './headers.js';
import { errorMessage } from '../../common/format.js';

/** Utilization shares that raise an event when a window crosses them upward. */
export const QUOTA_THRESHOLDS = [0.5, 0.8, 0.95] as const;

export interface QuotaThresholdEvent {
  fingerprint: string;
  window: string;
  /** 0.5, 0.8 or 0.95. */
  threshold: number;
  utilization: number;
  /** Epoch seconds. */
  resetsAt: number | null;
}

export type QuotaNews = { type: 'reading'; entry: QuotaEntry } | { type: 'threshold'; event: QuotaThresholdEvent };
export type QuotaListener = (news: QuotaNews) => void;
type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What the proxy calls on every upstream response; cheap, never throws, never calls upstream. */
export interface QuotaObserver {
  observe(requestHeaders: IncomingHttpHeaders, responseHeaders: ResponseHeaders): void;
  /** The kind and fingerprint of a request's credential, for the usage row. */
  credentialOf?(requestHeaders: IncomingHttpHeaders): { kind: CredentialKind; fingerprint: string | null };
}

export interface QuotaServiceOptions {
  /** Private (0600) file the readings survive restarts in; null keeps them in memory only. */
  file: string | null;
  logger: Logger;
  now: () => number;
  /** How long after a reading the file is written (readings arrive with every response). Default 1 s. */
  saveDelayMs?: number;
}

/** The highest threshold at or below a utilization, or -1. */
function band(utilization: number): number {
  let crossed = -1;
  for (const t of QUOTA_THRESHOLDS) if (utilization >= t) crossed = t;
  return crossed;
}

/**
 * The latest plan-quota reading per credential fingerprint, from the headers of responses that
 * pass through anyway. Threshold crossings are told to listeners once per window period.
 */
export class QuotaService implements QuotaObserver {
  private readonly state: QuotaState;
  private readonly byFingerprint = new Map<string, QuotaEntry>();
  private readonly listeners = new Set<QuotaListener>();
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: QuotaServiceOptions) {
    this.state = options.file === null
      ? { salt: randomBytes(16).toString('hex'), entries: [] }
      : loadQuotaState(options.file, (m) => options.logger.warn(m));
    for (const entry of this.state.entries) this.byFingerprint.set(entry.fingerprint, entry);
  }

  observe(requestHeaders: IncomingHttpHeaders, responseHeaders: ResponseHeaders): void {
    try {
      const reading = parseQuotaHeaders(responseHeaders);
      if (!reading) return;
      const credential = credentialOf(requestHeaders);
      if (credential.secret === null) return;
      const entry: QuotaEntry = {
        fingerprint: fingerprint(credential.secret, this.state.salt),
        kind: credential.kind,
        observedAt: this.options.now(),
        reading,
      };
      const previous = this.byFingerprint.get(entry.fingerprint);
      this.byFingerprint.set(entry.fingerprint, entry);
      this.emit({ type: 'reading', entry });
      for (const window of reading.windows) this.checkThreshold(entry.fingerprint, window, previous);
      this.scheduleSave();
    } catch (error) {
      // Quota is a side reading: it must never fail the response it came with.
      this.options.logger.warn(`Plan usage reading skipped: ${errorMessage(error)}`);
    }
  }

  /**
   * The kind and fingerprint of a request's credential, as the quota readings name it, so usage
   * rows can carry the same fingerprint (this install's salt) and be joined to them.
   */
  credentialOf(requestHeaders: IncomingHttpHeaders): { kind: CredentialKind; fingerprint: string | null } {
    const credential = credentialOf(requestHeaders);
    const fp = credential.secret === null ? null : fingerprint(credential.secret, this.state.salt);
    return { kind: credential.kind, fingerprint: fp };
  }

  /** The latest reading of every credential seen, newest first. */
  entries(): QuotaEntry[] {
    return [...this.byFingerprint.values()].sort((a, b) => b.observedAt - a.observedAt);
  }

  /**
   * Each window's highest utilization over every credential (the one that stops a user first),
   * with its reset in epoch milliseconds: what budgets' plan rules and /metrics read.
   */
  windows(): Array<{ window: string; utilization: number; resetsAt: number | null }> {
    const peaks = new Map<string, { window: string; utilization: number; resetsAt: number | null }>();
    for (const entry of this.entries()) {
      for (const w of entry.reading.windows) {
        const seen = peaks.get(w.name);
        if (seen && seen.utilization >= w.utilization) continue;
        peaks.set(w.name, { window: w.name, utilization: w.utilization, resetsAt: w.resetsAt === null ? null : w.resetsAt * 1000 });
      }
    }
    return [...peaks.values()];
  }

  subscribe(listener: QuotaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes what is pending now (the host calls this on stop). */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.save();
  }

  private checkThreshold(fp: string, window: QuotaWindow, previous: QuotaEntry | undefined): void {
    const before = previous?.reading.windows.find((w) => w.name === window.name);
    // A new period (another reset time) starts from zero, so its crossings are told again.
    const samePeriod = before !== undefined && before.resetsAt === window.resetsAt;
    const was = samePeriod ? band(before.utilization) : -1;
    const now = band(window.utilization);
    if (now <= was) return;
    this.emit({
      type: 'threshold',
      event: {
        fingerprint: fp, window: window.name, threshold: now, utilization: window.utilization, resetsAt: window.resetsAt,
      },
    });
  }

  private emit(event: QuotaNews): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.warn(`Plan usage listener failed: ${errorMessage(error)}`);
      }
    }
  }

  private scheduleSave(): void {
    if (this.options.file === null || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, this.options.saveDelayMs ?? 1000);
    this.saveTimer.unref();
  }

  private save(): void {
    if (this.options.file === null) return;
    try {
      saveQuotaState(this.options.file, { salt: this.state.salt, entries: this.entries() });
    } catch (error) {
      this.options.logger.warn(`Could not save plan usage to ${this.options.file}: ${errorMessage(error)}`);
    }
  }
}
