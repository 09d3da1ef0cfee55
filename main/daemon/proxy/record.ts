import type { IncomingMessage } from 'node:http';
import type { CredentialKind } from '../anthropic/credential.js';
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
  /** The credential's kind and salted fingerprint (never the credential). */
  credential?: { kind: CredentialKind; fingerprint: string | null };
  /** The upstream's `request-id` response header, when this request made its own upstream call. */
  upstreamRequestId?: string | null;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function countOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/** What a `usage` object says beyond the four token counts: write lifetimes, tier, server tools. */
function usageDetails(usage: Usage | undefined): Partial<RequestRecord> {
  if (!usage) return {};
  const split = usage.cache_creation;
  const tools = usage.server_tool_use;
  const details: Partial<RequestRecord> = {
    cacheWrite5mTokens: countOrNull(field(split, 'ephemeral_5m_input_tokens')),
    cacheWrite1hTokens: countOrNull(field(split, 'ephemeral_1h_input_tokens')),
    serviceTier: typeof usage.service_tier === 'string' ? usage.service_tier : null,
  };
  const search = countOrNull(field(tools, 'web_search_requests'));
  const fetch = countOrNull(field(tools, 'web_fetch_requests'));
  if (search) details.webSearchRequests = search;
  if (fetch) details.webFetchRequests = fetch;
  return details;
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
    source: 'proxy',
    ...usageDetails(usage),
    credentialFingerprint: input.credential?.fingerprint ?? null,
    billing: input.credential?.kind === 'subscription' ? 'subscription' : 'payg',
    upstreamRequestId: input.upstreamRequestId ?? null,
    messageId: null,
  };
}
