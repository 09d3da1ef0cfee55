import { findClaude } from '../../common/find-claude.js';
import type { SessionKind } from '../../../shared/terminal.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface SessionCommand {
  kind: SessionKind;
  file: string;
  args: string[];
  /** Why the shell runs instead of Claude Code; printed as the session's first line. */
  notice?: string;
}

/** Claude Code when it is installed (found as `cco` finds it), else the user's shell with a reason. */
export function chooseCommand(env: Env, platform: NodeJS.Platform = process.platform): SessionCommand {
  const lookup = findClaude(env, { platform });
  if (lookup.found) return runnable(lookup.path, env, platform);
  const shell = platform === 'win32' ? (env.COMSPEC ?? env.ComSpec ?? 'cmd.exe') : env.SHELL || '/bin/sh';
  const why = lookup.override !== undefined
    ? `CCO_CLAUDE_PATH (${lookup.override}) is not an executable file`
    : 'Claude Code is not installed (no `claude` on the daemon\'s PATH)';
  return {
    kind: 'shell',
    file: shell,
    args: [],
    notice: `${why}, so this is your shell. Install it with: npm install -g @anthropic-ai/claude-code`,
  };
}

/** On Windows a `.cmd` shim (what npm installs) only runs through cmd.exe. */
function runnable(path: string, env: Env, platform: NodeJS.Platform): SessionCommand {
  if (platform === 'win32' && /\.(cmd|bat)$/i.test(path)) {
    return { kind: 'claude', file: env.COMSPEC ?? env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', path] };
  }
  return { kind: 'claude', file: path, args: [] };
}
