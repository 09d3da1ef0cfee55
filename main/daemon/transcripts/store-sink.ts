import { readUsage } from '../pricing/usage-counts.js';
import type { RequestRecord, UsageBilling } from '../../../shared/api.js';
import type { TranscriptSink, TranscriptUsageRecord } from './record.js';

/** The part of the usage store an import needs. */
export interface ImportTarget {
  importRecords(records: readonly RequestRecord[]): void | Promise<void>;
}

/**
 * One transcript response as a usage row (`source: transcript`). A transcript says nothing about
 * latency or bytes (0) and never went through CCO's response cache (`bypass`, so it is neither a
 * hit nor a miss of it). `billing` is how this machine's Claude Code signs in (see billing.ts).
 */
export function transcriptRequest(r: TranscriptUsageRecord, billing: UsageBilling, now: number): RequestRecord {
  const u = readUsage(r.usage);
  return {
    startedAt: r.timestamp ?? now,
    project: r.project ?? 'unknown',
    session: r.sessionId ?? 'unknown',
    method: 'POST',
    path: '/v1/messages',
    requestedModel: r.model,
    servedModel: r.model,
    provider: 'anthropic',
    status: 200,
    errorType: null,
    cache: 'bypass',
    streaming: true,
    inputTokens: u.input,
    outputTokens: u.output,
    cacheCreationTokens: u.cacheWrite5m + u.cacheWrite1h,
    cacheReadTokens: u.cacheRead,
    latencyMs: 0,
    ttfbMs: null,
    requestBytes: 0,
    responseBytes: 0,
    source: 'transcript',
    sessionId: r.sessionId,
    gitBranch: r.gitBranch,
    agentType: r.agentType,
    isSidechain: r.isSidechain,
    cacheWrite5mTokens: u.cacheSplitKnown ? u.cacheWrite5m : null,
    cacheWrite1hTokens: u.cacheSplitKnown ? u.cacheWrite1h : null,
    credentialFingerprint: null,
    upstreamRequestId: r.requestId,
    messageId: r.messageId,
    serviceTier: u.serviceTier,
    webSearchRequests: u.webSearchRequests,
    webFetchRequests: u.webFetchRequests,
    billing,
  };
}

/** A TranscriptSink that writes into the usage store (directly, or through the daemon's writer). */
export function storeSink(target: ImportTarget, billing: UsageBilling, now: () => number): TranscriptSink {
  return {
    write(records) {
      const at = now();
      return target.importRecords(records.map((r) => transcriptRequest(r, billing, at)));
    },
  };
}
