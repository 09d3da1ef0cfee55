import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import type { Logger } from '../../common/logger.js';
import type { Clock } from '../usage/clock.js';
import type { UsageStore } from '../usage/store.js';

export interface EventsDeps {
  store: UsageStore;
  clock: Clock;
  logger: Logger;
  /** How often a `stats` event (today's summary) is sent. */
  statsIntervalMs: number;
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
 * `GET /api/events`: `hello` at once, `request` for each recorded request, `stats` on a timer.
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
  send('hello', { pid: process.pid, now: deps.clock.now(), statsIntervalMs: deps.statsIntervalMs });

  const unsubscribe = deps.store.subscribe((record) => send('request', record));
  let asking = false;
  const stopStats = deps.clock.every(deps.statsIntervalMs, () => {
    // One summary in flight at a time: a slow reader never piles up requests.
    if (asking) return;
    asking = true;
    deps.store
      .summary('today')
      .then((summary) => send('stats', summary))
      .catch((error: Error) => deps.logger.warn(`Stats event skipped: ${error.message}`))
      .finally(() => (asking = false));
  });
  const release = () => {
    unsubscribe();
    stopStats();
  };
  res.once('close', release);
}
