import type { TerminalClientMessage } from '../../../shared/terminal.js';

const MAX_DIMENSION = 1000;
const MAX_NAME = 80;

function size(value: unknown): number | null {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_DIMENSION ? (value as number) : null;
}

/** A client message checked field by field; null for anything malformed. */
export function parseClientMessage(text: string): TerminalClientMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  const cols = size(m.cols);
  const rows = size(m.rows);
  switch (m.type) {
    case 'open':
      if (cols === null || rows === null || (m.cwd !== undefined && typeof m.cwd !== 'string')) return null;
      return { type: 'open', cols, rows, ...(typeof m.cwd === 'string' ? { cwd: m.cwd } : {}) };
    case 'attach':
      if (cols === null || rows === null || typeof m.id !== 'string') return null;
      if (m.takeover !== undefined && typeof m.takeover !== 'boolean') return null;
      return { type: 'attach', id: m.id, cols, rows, ...(m.takeover === undefined ? {} : { takeover: m.takeover }) };
    case 'list':
      return { type: 'list' };
    case 'rename':
      if (typeof m.id !== 'string' || typeof m.name !== 'string' || m.name.length > MAX_NAME) return null;
      return { type: 'rename', id: m.id, name: m.name };
    case 'end':
      return typeof m.id === 'string' ? { type: 'end', id: m.id } : null;
    case 'resize':
      return cols === null || rows === null ? null : { type: 'resize', cols, rows };
    case 'input':
      return typeof m.data === 'string' ? { type: 'input', data: m.data } : null;
    case 'ack':
      return Number.isSafeInteger(m.bytes) && (m.bytes as number) >= 0 ? { type: 'ack', bytes: m.bytes as number } : null;
    case 'close':
      return { type: 'close' };
    default:
      return null;
  }
}
