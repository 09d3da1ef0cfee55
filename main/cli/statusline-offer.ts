import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

export interface OfferInput {
  env: Env;
  cwd: string;
  claudeArgs: readonly string[];
  /** `offerStatusLine` from CCO's settings.json (undefined: not set). */
  setting: boolean | undefined;
  /** How Claude Code should run `cco statusline`: absolute paths, so its PATH does not matter. */
  command: string;
}

/** Claude Code's settings files that may define a status line: user, managed, and project/local up the tree. */
export function claudeSettingsFiles(env: Env, cwd: string): string[] {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const files = [join(env.CLAUDE_CONFIG_DIR ?? join(home, '.claude'), 'settings.json')];
  files.push('/etc/claude-code/managed-settings.json', '/Library/Application Support/ClaudeCode/managed-settings.json');
  for (let dir = cwd; ; dir = dirname(dir)) {
    files.push(join(dir, '.claude', 'settings.json'), join(dir, '.claude', 'settings.local.json'));
    if (dirname(dir) === dir) break;
  }
  return files;
}

/**
 * Whether a settings file defines `statusLine`. A file that cannot be parsed but mentions it
 * counts as defining one: the user's own status line is never replaced.
 */
function definesStatusLine(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  if (!text.includes('statusLine')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'statusLine' in value;
  } catch {
    return true;
  }
}

/** Shell-quoted for the `command` Claude Code runs through a shell. */
export function statusLineCommand(node: string, script: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `${q(node)} ${q(script)} statusline`;
}

/**
 * The arguments that offer Claude Code CCO's status line: `--settings {"statusLine":...}` when no
 * settings file of the user's defines one, none otherwise. Nothing on disk is changed.
 */
export function statusLineOffer(input: OfferInput): string[] {
  const off = (input.env.CCO_STATUSLINE ?? '').toLowerCase();
  if (input.setting === false || off === '0' || off === 'off' || off === 'false') return [];
  // The user's own --settings may carry a status line; one --settings is all we can be sure Claude Code reads.
  if (input.claudeArgs.some((a) => a === '--settings' || a.startsWith('--settings='))) return [];
  if (claudeSettingsFiles(input.env, input.cwd).some(definesStatusLine)) return [];
  return ['--settings', JSON.stringify({ statusLine: { type: 'command', command: input.command } })];
}
