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
