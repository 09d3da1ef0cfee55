/**
 * One API response as Claude Code's transcript recorded it: the usage record the importer hands
 * to the store. Deduplicated on (messageId, requestId); `requestId` is the upstream's
 * `request-id`, the same one the proxy sees, so a proxied response can be joined on it.
 */
export interface TranscriptUsageRecord {
  source: 'transcript';
  messageId: string;
  /** Null in transcripts written before Claude Code recorded it. */
  requestId: string | null;
  sessionId: string | null;
  /** The session's working directory (`cwd`), else the project folder's name. */
  project: string | null;
  gitBranch: string | null;
  isSidechain: boolean;
  /** A subagent's id and type (`general-purpose`, `Explore`, ...); null in the main conversation. */
  agentId: string | null;
  agentType: string | null;
  model: string | null;
  /** The API's `usage` object as written (cache_creation split, server_tool_use, service_tier kept). */
  usage: Record<string, unknown>;
  /** Epoch milliseconds, or null when the line had no readable timestamp. */
  timestamp: number | null;
  /** The transcript file and the byte offset just past the line, for tracing a figure back. */
  file: string;
  offset: number;
}

/** Where records go: the usage store after the merge, a list in tests. */
export interface TranscriptSink {
  write(records: readonly TranscriptUsageRecord[]): void | Promise<void>;
}

/** What one scan saw, for progress bars and "skipped N bad lines" messages. */
export interface ScanCounts {
  lines: number;
  records: number;
  /** Extra lines of a response already counted (one per content block). */
  duplicates: number;
  /** Not JSON (a torn write that was later completed differently, a stray byte). */
  bad: number;
  /** JSON of a shape this version does not know (no `type`, an assistant line without usage). */
  unknown: number;
  /** Lines longer than the reader holds; skipped without being loaded. */
  oversized: number;
  bytes: number;
}

export function emptyCounts(): ScanCounts {
  return { lines: 0, records: 0, duplicates: 0, bad: 0, unknown: 0, oversized: 0, bytes: 0 };
}

export function addCounts(into: ScanCounts, more: ScanCounts): void {
  for (const key of Object.keys(into) as Array<keyof ScanCounts>) into[key] += more[key];
}
