import type { IncomingMessage } from 'node:http';
import type { Usage } from '../anthropic/types.js';
import type { CacheOutcome, RequestRecord } from '../usage/record.js';
import type { ResponseMeter } from './respond.js';

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface RecordInput {
  req: IncomingMessage;
  startedAt: number;
  endedAt: number;
  requestBytes: number;
  requestedModel: string | null;
  streaming: boolean;
  cache: CacheOutcome;
  meter: ResponseMeter;
  provider: string;
  errorType: string | null;
  servedModel: string | null;
  usage: Usage | undefined;
}

/** Builds the usage record of one finished request; attribution comes from the launcher's headers. */
export function buildRecord(input: RecordInput): RequestRecord {
  const { req, meter, usage } = input;
  return {
    startedAt: input.startedAt,
    project: header(req, 'x-cco-project') ?? 'unknown',
    session: header(req, 'x-cco-session') ?? 'unknown',
    method: req.method ?? 'POST',
    path: (req.url ?? '').split('?')[0]!,
    requestedModel: input.requestedModel,
    servedModel: input.servedModel,
    provider: input.provider,
    status: meter.status,
    errorType: input.errorType,
    cache: input.cache,
    streaming: input.streaming,
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheCreationTokens: usage?.cache_creation_input_tokens ?? 0,
    cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
    latencyMs: input.endedAt - input.startedAt,
    ttfbMs: meter.firstByteAt === null ? null : meter.firstByteAt - input.startedAt,
    requestBytes: input.requestBytes,
    responseBytes: meter.bytes,
  };
}
