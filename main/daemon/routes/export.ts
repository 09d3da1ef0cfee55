import type { Context } from 'koa';
import type { Logger } from '../../common/logger.js';
import { writeExport, type ExportFormat } from '../usage/export.js';
import type { SummaryRange } from '../usage/ranges.js';
import type { UsageStore } from '../usage/store.js';
import { errorMessage } from '../../common/format.js';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** `GET /api/export`: raw rows streamed straight from the database, never held in memory. */
export async function serveExport(
  ctx: Context,
  deps: { store: UsageStore; logger: Logger },
  format: ExportFormat,
  range: SummaryRange,
): Promise<void> {
  const cursor = deps.store.exportCursor(range);
  ctx.respond = false;
  const res = ctx.res;
  try {
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="cco-requests-${range}.${format}"`,
      'cache-control': 'no-store',
    });
    const rows = await writeExport(cursor.rows, format, res);
    deps.logger.debug(`Exported ${rows} requests as ${format}`);
  } catch (error) {
    deps.logger.error(`Export failed: ${errorMessage(error)}`);
    res.destroy();
  } finally {
    cursor.close();
  }
}
