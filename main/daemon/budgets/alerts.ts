import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AlertEntry } from '../../../shared/api.js';
import type { Logger } from '../../common/logger.js';
import type { Clock } from '../usage/clock.js';
import { writePrivateJson } from './file.js';
import { postWebhook, type WebhookOptions } from './webhook.js';

/** One threshold crossing of one budget in one period; part of the API (`GET /api/alerts`). */
export type Alert = AlertEntry;

const AlertSchema = z.object({
  id: z.string(),
  at: z.number(),
  budgetId: z.string(),
  kind: z.enum(['spend', 'quota']),
  threshold: z.number(),
  percent: z.number(),
  periodKey: z.string(),
  resetsAt: z.number().nullable(),
  message: z.string(),
});

const StateSchema = z.object({
  fired: z.record(z.string(), z.number()).default({}),
  recent: z.array(AlertSchema).default([]),
});

const RECENT_KEPT = 100;
/** Fired marks older than this cannot belong to a current period (months are the longest). */
const FIRED_KEPT_MS = 40 * 86_400_000;

export interface AlertCenterDeps {
  file: string;
  clock: Clock;
  logger: Logger;
  /** The webhook to post to, read when an alert is raised (it can change while running). */
  webhook?: () => string | undefined;
  webhookOptions?: WebhookOptions;
}

export type AlertListener = (alert: Alert) => void;

/** What a raised alert is made of; the center adds the id and time. */
export type AlertCandidate = Omit<Alert, 'id' | 'at'>;

/**
 * Raises each (budget, period, threshold) alert once, remembers that on disk so a restart does not
 * raise it again, and sends it on: listeners (/api/events), the log, the webhook.
 */
export class AlertCenter {
  private fired = new Map<string, number>();
  private recentAlerts: Alert[] = [];
  private readonly listeners = new Set<AlertListener>();
  /** Webhook posts under way, so tests and shutdown can wait for them. */
  readonly pending = new Set<Promise<boolean>>();

  constructor(private readonly deps: AlertCenterDeps) {
    this.load();
  }

  static key(budgetId: string, periodKey: string, threshold: number): string {
    return `${budgetId}|${periodKey}|${threshold}`;
  }

  hasFired(key: string): boolean {
    return this.fired.has(key);
  }

  /**
   * Raises `candidate` unless its key fired before; `alsoCovers` are lower thresholds crossed in the
   * same step, marked as fired without an alert of their own (one alert, not three, when a budget
   * is set below what was already spent).
   */
  raise(candidate: AlertCandidate, alsoCovers: readonly string[] = []): Alert | null {
    const key = AlertCenter.key(candidate.budgetId, candidate.periodKey, candidate.threshold);
    if (this.fired.has(key)) return null;
    const at = this.deps.clock.now();
    const alert: Alert = { id: `${at.toString(36)}-${this.fired.size.toString(36)}`, at, ...candidate };
    this.fired.set(key, at);
    for (const other of alsoCovers) if (!this.fired.has(other)) this.fired.set(other, at);
    this.recentAlerts.unshift(alert);
    this.recentAlerts.length = Math.min(this.recentAlerts.length, RECENT_KEPT);
    this.save();
    this.deps.logger.warn(`Alert: ${alert.message}`);
    for (const listener of this.listeners) {
      try {
        listener(alert);
      } catch (error) {
        this.deps.logger.warn(`An alert listener failed: ${(error as Error).message}`);
      }
    }
    this.sendToWebhook(alert);
    return alert;
  }

  recent(limit = 50): Alert[] {
    return this.recentAlerts.slice(0, limit);
  }

  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private sendToWebhook(alert: Alert): void {
    const url = this.deps.webhook?.();
    if (!url) return;
    // Slack (and most chat hooks) read `text`; the rest is for programs. No key or prompt is in it.
    const payload = { text: alert.message, alert };
    const post = postWebhook(url, payload, this.deps.logger, this.deps.webhookOptions);
    this.pending.add(post);
    void post.finally(() => this.pending.delete(post));
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.deps.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.deps.logger.warn(`Could not read ${this.deps.file}: ${(error as Error).message}`);
      }
      return;
    }
    const parsed = (() => {
      try {
        return StateSchema.safeParse(JSON.parse(text));
      } catch {
        return null;
      }
    })();
    if (!parsed?.success) {
      this.deps.logger.warn(`${this.deps.file} is damaged; alerts already raised may be raised once more`);
      return;
    }
    const cutoff = this.deps.clock.now() - FIRED_KEPT_MS;
    for (const [key, at] of Object.entries(parsed.data.fired)) if (at >= cutoff) this.fired.set(key, at);
    this.recentAlerts = parsed.data.recent.slice(0, RECENT_KEPT);
  }

  private save(): void {
    try {
      writePrivateJson(this.deps.file, { fired: Object.fromEntries(this.fired), recent: this.recentAlerts });
    } catch (error) {
      this.deps.logger.error(`Could not save alerts to ${this.deps.file}: ${(error as Error).message}`);
    }
  }
}
