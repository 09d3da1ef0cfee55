import type { Logger } from '../../common/logger.js';

export interface WebhookOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  /** Wait before the second try; each later wait is 4 × the one before. */
  baseDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A webhook URL as it may appear in a log: its host only (Slack-style URLs carry their secret in the path). */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

/**
 * Posts `payload` as JSON, retrying network failures and 429/5xx answers with growing waits.
 * Resolves true once the receiver answers 2xx, false when it gives up (after logging why).
 */
export async function postWebhook(url: string, payload: unknown, logger: Logger, options: WebhookOptions = {}): Promise<boolean> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? defaultSleep;
  let delay = options.baseDelayMs ?? 1000;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return true;
      last = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) break; // the receiver refuses this payload: trying again will not help
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      last = cause ?? (error as Error).name ?? 'network error';
    }
    if (attempt < attempts) {
      await sleep(delay);
      delay *= 4;
    }
  }
  logger.warn(`Alert webhook to ${webhookHost(url)} failed after ${attempts} tries (${last}); the alert is still on the dashboard and /api/alerts`);
  return false;
}
