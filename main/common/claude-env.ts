type Env = Readonly<Record<string, string | undefined>>;

export interface LaunchIdentity {
  /** The daemon's base URL as Claude Code should dial it. */
  url: string;
  port: number;
  project: string;
  sessionId: string;
  version: string;
}

const OWN_HEADER = /^\s*x-cco-[a-z0-9-]*\s*:/i;

/**
 * Adds the X-CCO-* lines to ANTHROPIC_CUSTOM_HEADERS ("Name: value" per line) and keeps the
 * user's own lines; X-CCO lines from an outer cco are replaced, not stacked.
 */
export function withCcoHeaders(existing: string | undefined, project: string, sessionId: string): string {
  const kept = (existing ?? '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !OWN_HEADER.test(line));
  // Header values cannot hold line breaks; a project path with one would forge extra headers.
  const clean = (value: string) => value.replace(/[\r\n]+/g, ' ');
  return [...kept, `X-CCO-Project: ${clean(project)}`, `X-CCO-Session: ${clean(sessionId)}`].join('\n');
}

/** Claude Code's environment: the caller's, pointed at the daemon. Credentials pass through untouched. */
export function claudeEnv(base: Env, id: LaunchIdentity): Record<string, string> {
  const env = definedOnly(base);
  env.ANTHROPIC_BASE_URL = id.url;
  env.ANTHROPIC_CUSTOM_HEADERS = withCcoHeaders(base.ANTHROPIC_CUSTOM_HEADERS, id.project, id.sessionId);
  env.ORCHESTRATOR_ENABLED = '1';
  env.ORCHESTRATOR_API_URL = id.url;
  env.ORCHESTRATOR_PORT = String(id.port);
  env.ORCHESTRATOR_PROJECT = id.project;
  env.ORCHESTRATOR_SESSION_ID = id.sessionId;
  env.ORCHESTRATOR_VERSION = id.version;
  return env;
}

/**
 * The caller's environment minus what only made sense for this process: under the packaged
 * app, ELECTRON_RUN_AS_NODE would turn any Electron program Claude Code starts (an editor) into Node.
 */
export function definedOnly(base: Env, runningUnderElectron = process.versions.electron !== undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  if (runningUnderElectron) delete env.ELECTRON_RUN_AS_NODE;
  return env;
}
