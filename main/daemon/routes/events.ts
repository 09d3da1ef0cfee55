import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import type { HelloEvent, RequestEntry, SummaryResponse } from '../../../shared/api.js';
import type { Logger } from '../../common/logger.js';
import type { QuotaService } from '../quota/service.js';
import type { Clock } from '../usage/clock.js';
import type { UsageStore } from '../usage/store.js';
import { errorMessage } from '../../common/format.js';

export interface EventsDeps {
  store: UsageStore;
  clock: Clock;
  logger: Logger;
  /** How often a `stats` event (today's summary) is sent. */
  statsIntervalMs: number;
  /** Plan usage: a `quota` event per reading, `quota-threshold` when a window passes 50/80/95 %. */
  quota?: Pick<QuotaService, 'subscribe'>;
  /** Budget and quota alerts, sent as `alert` events when raised. */
  alerts?: { subscribe(listener: (alert: object) => void): () => void };
}

/** A client that stops reading is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

function sseWriter(res: ServerResponse) {
  return (event: string, data: unknown): void => {
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

/**
 * `GET /api/events`: `hello` at once, `request` for each recorded request, `stats` on a timer,
 * `quota` and `quota-threshold` as plan usage is read, `alert` when a budget or quota alert is raised.
 * Everything is released when the client goes away.
 */
export function serveEvents(ctx: Context, deps: EventsDeps): void {
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const send = sseWriter(res);
  res.write('retry: 3000\n\n');
  const hello = { pid: process.pid, now: deps.clock.now(), statsIntervalMs: deps.statsIntervalMs } satisfies HelloEvent;
  send('hello', hello);

  const unsubscribe = deps.store.subscribe((record) => send('request', record satisfies RequestEntry));
  const unsubscribeAlerts = deps.alerts?.subscribe((alert) => send('alert', alert));
  let asking = false;
  const stopStats = deps.clock.every(deps.statsIntervalMs, () => {
    // One summary in flight at a time: a slow reader never piles up requests.
    if (asking) return;
    asking = true;
    deps.store
      .summary('today')
      .then((summary) => send('stats', summary satisfies SummaryResponse))
      .catch((error: unknown) => deps.logger.warn(`Stats event skipped: ${errorMessage(error)}`))
      .finally(() => {
        asking = false;
      });
  });
  const unsubscribeQuota = deps.quota?.subscribe((e) => {
    if (e.type === 'reading') send('quota', { fingerprint: e.entry.fingerprint, observedAt: e.entry.observedAt, ...e.entry.reading });
    else send('quota-threshold', e.event);
  });
  const release = () => {
    unsubscribe();
    unsubscribeQuota?.();
    unsubscribeAlerts?.();
    stopStats();
  };
  res.once('close', release);
}
