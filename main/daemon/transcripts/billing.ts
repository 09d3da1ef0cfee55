import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { UsageBilling } from '../../../shared/api.js';

type Env = Readonly<Record<string, string | undefined>>;

function mentionsOAuthAccount(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes('"oauthAccount"');
  } catch {
    return false;
  }
}

/**
 * A transcript does not say which credential paid for it. Claude Code signed in with a Pro/Max
 * plan keeps an OAuth login (`.credentials.json`, or `oauthAccount` in `.claude.json`): its
 * responses are then counted as API-equivalent value, not money spent. Without a login, or with
 * `ANTHROPIC_API_KEY` set, they are pay-as-you-go. A guess for the whole directory, said in the README.
 */
export function transcriptBilling(claudeDir: string, env: Env = process.env): UsageBilling {
  if (env.ANTHROPIC_API_KEY) return 'payg';
  if (existsSync(join(claudeDir, '.credentials.json'))) return 'subscription';
  const home = env.HOME ?? homedir();
  // With the default directory Claude Code keeps `.claude.json` next to it, in the home directory.
  const configs = [join(claudeDir, '.claude.json'), ...(claudeDir === join(home, '.claude') ? [join(home, '.claude.json')] : [])];
  return configs.some(mentionsOAuthAccount) ? 'subscription' : 'payg';
}
