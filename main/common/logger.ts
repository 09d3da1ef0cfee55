import { format } from 'node:util';

/**
 * The logging surface every module depends on. Hosts (CLI, Electron, tests) decide where lines go;
 * modules only receive a Logger, so they never reach for a global.
 */
export interface Logger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
  /** False when debug lines are dropped, so a hot path can skip building them. Absent: assume kept. */
  debugEnabled?(): boolean;
}

export const silentLogger: Logger = {
  debugEnabled: () => false,
  debug() {},
  info() {},
  warn() {},
  error() {},
};

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Anthropic keys and OAuth tokens (sk-ant-api..., sk-ant-oat...).
  [/sk-ant-[A-Za-z0-9_-]+/g, 'sk-ant-***'],
  // Any other sk-... style key (OpenAI-compatible providers).
  [/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-***'],
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***'],
  [/((?:x-api-key|authorization|api[_-]?key)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1***'],
];

/** Masks anything that looks like a credential. Applied to every log line by the host's appender. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

/**
 * One log record, one line: control characters (C0 but tab, DEL, C1, the Unicode line and
 * paragraph separators) are written as escapes. A model name, path or header value holding
 * `\n2026-… ERROR …` then cannot forge a line, nor an ESC sequence repaint the terminal that
 * reads the log.
 */
export function escapeControlChars(text: string): string {
  // \p{Cc} is exactly C0 and C1 with DEL (U+0000-001F, U+007F-009F); the lookahead leaves tab alone.
  return text.replace(/(?!\t)[\p{Cc}\u2028\u2029]/gu, (char) =>
    NAMED_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * What every host's appender writes for a log call: formatted, secrets masked, control
 * characters escaped. Applied at the logger, so no call site can forget it for request data.
 */
export function logLine(message: string, args: readonly unknown[]): string {
  return escapeControlChars(redactSecrets(args.length ? format(message, ...args) : message));
}
