import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Message } from '../anthropic/types.js';
import { messageToSse } from '../anthropic/replay.js';
import type { StoredAnswer } from '../cache/store.js';
import { type HttpError, sendError } from '../http/errors.js';
import type { CacheOutcome } from '../usage/record.js';
import type { FlightSubscriber } from './flight.js';

export const CACHE_HEADER = 'x-cco-cache';

/** What one client response saw, for its usage record. */
export interface ResponseMeter {
  status: number;
  bytes: number;
  firstByteAt: number | null;
}

/** Adapts a client's ServerResponse to a flight, tagging it with how it was served. */
export function responseSubscriber(
  res: ServerResponse,
  outcome: CacheOutcome,
  meter: ResponseMeter,
  now: () => number,
): FlightSubscriber {
  const coalesce = writeCoalescer(res);
  return {
    head(status, headers) {
      meter.status = status;
      const tagged = { ...headers };
      tagged[CACHE_HEADER] = outcome;
      res.writeHead(status, tagged);
      // A streaming client must see the headers before the first event; a buffered reply goes out
      // in one write with its body instead.
      if (String(headers['content-type'] ?? '').startsWith('text/event-stream')) {
        coalesce();
        res.flushHeaders();
      }
    },
    data(chunk) {
      meter.firstByteAt ??= now();
      meter.bytes += chunk.length;
      coalesce();
      res.write(chunk);
    },
    end() {
      res.end();
    },
    fail(error: HttpError) {
      meter.status = error.status;
      if (error.status === 499) return res.destroy();
      sendError(res, error, { [CACHE_HEADER]: outcome });
    },
  };
}

/**
 * Holds a response's writes until the end of this turn of the event loop, so the headers, the
 * events that arrived with them and the end of the stream leave in one system call instead of
 * one each. Nothing waits for new input: the flush runs right after the I/O already read.
 */
function writeCoalescer(res: ServerResponse): () => void {
  let corked = false;
  return () => {
    if (corked) return;
    corked = true;
    res.cork();
    setImmediate(() => {
      corked = false;
      if (!res.writableEnded) res.uncork();
    });
  };
}

/** Answers from a stored message, in whichever form the client asked for. */
export function sendStored(
  res: ServerResponse,
  answer: StoredAnswer,
  streaming: boolean,
  outcome: CacheOutcome,
  meter: ResponseMeter,
  now: () => number,
): void {
  // Only the JSON is held (one form, so the cache's byte bound is what it really uses).
  const body = streaming ? Buffer.from(messageToSse(parseStored(answer))) : answer.json;
  const headers: OutgoingHttpHeaders = {
    'content-type': streaming ? 'text/event-stream; charset=utf-8' : 'application/json',
    'content-length': body.length,
    [CACHE_HEADER]: outcome,
  };
  if (streaming) headers['cache-control'] = 'no-cache';
  res.writeHead(200, headers);
  meter.status = 200;
  meter.firstByteAt = now();
  meter.bytes = body.length;
  res.end(body);
}

function parseStored(answer: StoredAnswer): Message {
  return JSON.parse(answer.json.toString('utf8')) as Message;
}
