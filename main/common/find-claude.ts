import { accessSync, constants, statSync } from 'node:fs';
import { delimiter as posixDelimiter, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

export const CLAUDE_NAMES = ['claude', 'claude-code'] as const;

export type ClaudeLookup =
  | { found: true; path: string }
  | { found: false; override: string }
  | { found: false; override?: undefined; dirs: string[] };

export interface LookupDeps {
  platform?: NodeJS.Platform;
  isExecutable?: (path: string) => boolean;
}

function isExecutableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    // Windows has no execute bit; PATHEXT decides what runs.
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Extensions tried on Windows, in PATHEXT order; a bare name is never runnable there. */
function extensions(env: Env, platform: NodeJS.Platform): string[] {
  if (platform !== 'win32') return [''];
  const pathext = env.PATHEXT ?? env.Pathext ?? '.COM;.EXE;.BAT;.CMD';
  return pathext.split(';').filter((ext) => ext !== '').map((ext) => ext.toLowerCase());
}

function pathDirs(env: Env, platform: NodeJS.Platform): string[] {
  // Windows keeps the variable as "Path"; environment lookups there are case-insensitive.
  const value = env.PATH ?? (platform === 'win32' ? env.Path : undefined) ?? '';
  const separator = platform === 'win32' ? ';' : posixDelimiter;
  return value.split(separator).filter((dir) => dir !== '').map((dir) => dir.replace(/^"(.*)"$/, '$1'));
}

/** Claude Code's executable: CCO_CLAUDE_PATH if set, else `claude`, then `claude-code`, on PATH. */
export function findClaude(env: Env, deps: LookupDeps = {}): ClaudeLookup {
  const platform = deps.platform ?? process.platform;
  const runnable = deps.isExecutable ?? ((path: string) => isExecutableFile(path, platform));
  const override = env.CCO_CLAUDE_PATH;
  if (override) return runnable(override) ? { found: true, path: override } : { found: false, override };
  const dirs = pathDirs(env, platform);
  for (const name of CLAUDE_NAMES) {
    for (const dir of dirs) {
      for (const ext of extensions(env, platform)) {
        const candidate = join(dir, name + ext);
        if (runnable(candidate)) return { found: true, path: candidate };
      }
    }
  }
  return { found: false, dirs };
}
