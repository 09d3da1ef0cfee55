import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import type { Logger } from '../../common/logger.js';
import type { ExportFormat } from '../usage/export.js';
import type { Window } from '../usage/window.js';
import type { RequestMatch } from '../usage/request-list.js';
import type { UsageStore } from '../usage/store.js';
import { errorMessage } from '../../common/format.js';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The range's name, or a custom window's first and last local days, for the file name. */
function fileLabel(w: Window): string {
  if (w.range !== 'custom') return w.range;
  const day = (t: number) => {
    const d = new Date(t);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  };
  return `${day(w.from)}-to-${day(Math.min(w.to, Date.now()) - 1)}`;
}

/** Resolves true once the client can take more, false if it went away. */
function writable(res: ServerResponse): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  if (!res.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/**
 * `GET /api/export`: raw rows a page at a time, read and formatted on the reader's thread. The next
 * page is asked for only once the client took the last one (backpressure), and the event loop
 * turns between pages even for a fast local reader, so proxied requests never wait on an export.
 */
export async function serveExport(
  ctx: Context,
  deps: { store: UsageStore; logger: Logger },
  format: ExportFormat,
  window: Window,
  match: RequestMatch = {},
): Promise<void> {
  // The first page is read before the headers go out, so a broken database still answers with an error.
  let page = await deps.store.exportPage(format, window, null, 0, match);
  const name = `cco-requests-${fileLabel(window)}${Object.keys(match).length ? '-filtered' : ''}.${format}`;
  ctx.respond = false;
  const res = ctx.res;
  let written = 0;
  try {
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
    for (;;) {
      res.write(page.text);
      written += page.rows;
      if (page.next === null) break;
      const next = deps.store.exportPage(format, window, page.next, written, match);
      const [ok] = await Promise.all([writable(res), new Promise((r) => setImmediate(r))]);
      page = await next;
      if (!ok) break;
    }
    if (!res.destroyed) res.end();
    deps.logger.debug(`Exported ${written} requests as ${format}`);
  } catch (error) {
    deps.logger.error(`Export failed: ${errorMessage(error)}`);
    res.destroy();
  }
}
