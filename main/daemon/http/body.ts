import type { IncomingMessage } from 'node:http';
import { MessagesRequest } from '../anthropic/request.js';
import { HttpError } from './errors.js';
import { errorMessage } from '../../common/format.js';

/** Reads the raw request body, refusing more than `limit` bytes before buffering it all. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `Request body exceeds the daemon's limit of ${limit} bytes`);
}

/** Parses a Messages API body. Only its JSON-ness and object shape are checked: the API itself validates the rest. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `Request body is not valid JSON: ${errorMessage(error)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'Request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * A Messages API body, scanned rather than parsed: its top level must be a well-formed object
 * (else a 400 that says why, as JSON.parse words it). What lies inside the fields is not parsed
 * here: a body broken deep inside goes on to the API, which refuses it with its own 400.
 */
export function scanMessagesRequest(raw: Buffer): MessagesRequest {
  const scanned = MessagesRequest.scan(raw);
  if (scanned) return scanned;
  // Refused by the scan: the full parse says why, or (a form the scan does not know) reads it.
  return MessagesRequest.fromBody(raw, parseJsonObject(raw));
}
