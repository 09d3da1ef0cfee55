import Router from '@koa/router';
import type { UsageBilling } from '../../../shared/api.js';
import { errorBody } from '../anthropic/types.js';
import { errorTypeForStatus, HttpError } from '../http/errors.js';
import { parseJsonObject, readBody } from '../http/body.js';
import type { TranscriptUsageRecord } from '../transcripts/record.js';
import { storeSink, type ImportTarget } from '../transcripts/store-sink.js';

/** `cco import` sends at most this many records a request (about 300 KB), so a batch parses in a few ms. */
export const IMPORT_BATCH = 500;
const BODY_LIMIT = 8 * 1024 * 1024;

const strOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

function isRecord(v: unknown): v is TranscriptUsageRecord {
  const r = v as Partial<TranscriptUsageRecord> | null;
  return typeof r === 'object' && r !== null && r.source === 'transcript' && typeof r.messageId === 'string'
    && strOrNull(r.requestId) && strOrNull(r.sessionId) && strOrNull(r.project) && strOrNull(r.gitBranch)
    && strOrNull(r.agentId) && strOrNull(r.agentType) && strOrNull(r.model) && typeof r.isSidechain === 'boolean'
    && typeof r.usage === 'object' && r.usage !== null && !Array.isArray(r.usage)
    && (r.timestamp === null || typeof r.timestamp === 'number') && typeof r.file === 'string'
    && typeof r.offset === 'number';
}

/**
 * `POST /api/transcripts/records`: what `cco import` read, handed to the running daemon so its one
 * writer (the usage writer thread) stores it; the writer leaves out responses already stored.
 */
export function transcriptsRouter(store: ImportTarget, now: () => number): Router {
  const router = new Router();
  router.post('/api/transcripts/records', async (ctx) => {
    ctx.set('cache-control', 'no-store');
    try {
      const body = parseJsonObject(await readBody(ctx.req, BODY_LIMIT));
      const { records, billing } = body;
      if (billing !== 'payg' && billing !== 'subscription') throw new HttpError(400, 'billing must be payg or subscription');
      if (!Array.isArray(records) || records.length > IMPORT_BATCH || !records.every(isRecord)) {
        throw new HttpError(400, `records must be at most ${IMPORT_BATCH} transcript usage records`);
      }
      await storeSink(store, billing as UsageBilling, now).write(records);
      ctx.body = { stored: records.length };
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      ctx.status = error.status;
      ctx.body = errorBody(errorTypeForStatus(error.status), error.message);
    }
  });
  return router;
}
