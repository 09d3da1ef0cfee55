import type { TranscriptUsageRecord } from './record.js';

/** What a transcript file says about itself before any line is read (from its path and meta file). */
export interface FileContext {
  file: string;
  /** The session the file belongs to (its name, or its parent's for a subagent). */
  sessionId: string | null;
  /** The dashed project folder name, used when a line has no `cwd`. */
  projectDir: string | null;
  agentId: string | null;
  agentType: string | null;
}

export type LineVerdict =
  | { kind: 'record'; record: TranscriptUsageRecord }
  | { kind: 'other' }
  | { kind: 'bad' }
  | { kind: 'unknown' };

// Line types Claude Code writes that never carry usage; anything else without a usage is "unknown".
const KNOWN_TYPES = new Set([
  'user', 'attachment', 'queue-operation', 'last-prompt', 'summary', 'system', 'file-history-snapshot',
  'progress', 'custom-title', 'tag',
]);
const OTHER: LineVerdict = { kind: 'other' };
const BAD: LineVerdict = { kind: 'bad' };
const UNKNOWN: LineVerdict = { kind: 'unknown' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function time(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** Judges one transcript line; never throws. */
export function parseLine(text: string, ctx: FileContext, offset: number): LineVerdict {
  if (text.trim() === '') return OTHER;
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return BAD;
  }
  if (!isObject(line) || typeof line.type !== 'string') return UNKNOWN;
  if (line.type !== 'assistant') return KNOWN_TYPES.has(line.type) ? OTHER : UNKNOWN;
  const message = line.message;
  if (!isObject(message) || !isObject(message.usage) || str(message.id) === null) return UNKNOWN;
  // Claude Code's own placeholder replies (errors, interruptions) never reached the API.
  if (message.model === '<synthetic>') return OTHER;
  const sidechain = line.isSidechain === true;
  return {
    kind: 'record',
    record: {
      source: 'transcript',
      messageId: message.id as string,
      requestId: str(line.requestId),
      sessionId: str(line.sessionId) ?? ctx.sessionId,
      project: str(line.cwd) ?? ctx.projectDir,
      gitBranch: str(line.gitBranch),
      isSidechain: sidechain,
      agentId: str(line.agentId) ?? ctx.agentId,
      agentType: ctx.agentType ?? (sidechain ? str(line.attributionAgent) : null),
      model: str(message.model),
      usage: message.usage,
      timestamp: time(line.timestamp),
      file: ctx.file,
      offset,
    },
  };
}

/** The key one API response is counted under, however many lines it was written as. */
export function responseKey(r: Pick<TranscriptUsageRecord, 'messageId' | 'requestId'>): string {
  return `${r.messageId}\0${r.requestId ?? ''}`;
}
