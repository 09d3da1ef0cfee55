/** What the proxy reports about one finished request. Never a prompt, a reply or a credential. */
export type CacheOutcome = 'hit' | 'miss' | 'bypass' | 'coalesced';

export interface RequestRecord {
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  project: string;
  session: string;
  method: string;
  path: string;
  requestedModel: string | null;
  servedModel: string | null;
  provider: string;
  status: number;
  /** Anthropic error type (`rate_limit_error`, ...) or a local one (`upstream_unreachable`, `stream_cut`). */
  errorType: string | null;
  cache: CacheOutcome;
  streaming: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  latencyMs: number;
  ttfbMs: number | null;
  requestBytes: number;
  responseBytes: number;
}

/** Where the proxy sends records. Must return at once: persistence happens off the request path. */
export interface RequestRecorder {
  record(record: RequestRecord): void;
}

export const nullRecorder: RequestRecorder = { record() {} };
