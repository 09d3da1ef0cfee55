// The live event stream (`/api/events`) with its connection status. EventSource reconnects by
// itself, but gives up for good on some errors and retries at a fixed pace on others; owning the
// retry loop keeps the status honest and the backoff gentle on a daemon that is down.
import type { AlertEntry, HelloEvent, RequestEntry, SummaryResponse } from '../../shared/api.js';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface LiveHandlers {
  status(status: ConnectionStatus, retryInMs: number | null): void;
  hello(event: HelloEvent): void;
  request(entry: RequestEntry): void;
  stats(summary: SummaryResponse): void;
  /** A budget threshold was crossed. */
  alert?(alert: AlertEntry): void;
}

export interface LiveOptions {
  /** First retry delay; doubled on each failure up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** After this many failed attempts in a row, "Reconnecting…" becomes "Disconnected" (retries go on). */
  attemptsBeforeDisconnected?: number;
}

export interface LiveConnection {
  close(): void;
}

export function retryDelay(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, failures - 1));
}

export function connectLive(url: string, on: LiveHandlers, options: LiveOptions = {}): LiveConnection {
  const firstMs = options.firstDelayMs ?? 250;
  const maxMs = options.maxDelayMs ?? 5000;
  const patience = options.attemptsBeforeDisconnected ?? 4;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let closed = false;

  const parse = <T>(handler: (value: T) => void) => (event: Event) => {
    try {
      handler(JSON.parse((event as MessageEvent<string>).data) as T);
    } catch (error) {
      console.warn('Ignored a malformed live event', error);
    }
  };

  function open(): void {
    if (closed) return;
    const es = new EventSource(url);
    source = es;
    es.addEventListener('open', () => {
      failures = 0;
      on.status('connected', null);
    });
    es.addEventListener('hello', parse(on.hello));
    es.addEventListener('request', parse(on.request));
    es.addEventListener('stats', parse(on.stats));
    const onAlert = on.alert;
    if (onAlert) es.addEventListener('alert', parse(onAlert));
    es.addEventListener('error', () => {
      es.close();
      if (closed || source !== es) return;
      failures++;
      const delay = retryDelay(failures, firstMs, maxMs);
      on.status(failures >= patience ? 'disconnected' : 'reconnecting', delay);
      timer = setTimeout(open, delay);
    });
  }

  on.status('connecting', null);
  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      source?.close();
    },
  };
}
