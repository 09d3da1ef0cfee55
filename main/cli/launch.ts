import { appVersion } from '../common/version.js';
import { claudeEnv, definedOnly } from '../common/claude-env.js';
import { resolveCliConfig, type ResolvedCli } from './config.js';
import type { CliContext } from './context.js';
import { commandFor } from './format.js';
import { CliError, EXIT } from './errors.js';
import { findClaude } from '../common/find-claude.js';
import { daemonUrl, fetchHealth } from '../common/daemon-client.js';
import { parseLaunchArgs } from './launch-args.js';
import { runForeground } from './run-child.js';
import { statusLineCommand, statusLineOffer } from './statusline-offer.js';
import { readSettings } from '../common/settings.js';
import type { DaemonHandle } from './ensure.js';

/** `cco [claude arguments...]`: make sure the daemon runs, then run Claude Code through it. */
export async function launch(argv: readonly string[], ctx: CliContext): Promise<number> {
  const args = parseLaunchArgs(argv);
  if (args.help) {
    const { launchHelp } = await import('./help.js');
    ctx.out(launchHelp());
    return EXIT.ok;
  }
  if (args.version) {
    ctx.out(`cco ${appVersion()}`);
    return EXIT.ok;
  }
  const claude = locateClaude(ctx);
  if (args.noDaemon) return run(claude, args.claudeArgs, definedOnly(ctx.env), ctx);
  const resolved = resolveCliConfig(ctx, args.port === undefined ? {} : { port: args.port });
  const daemon = await daemonFor(resolved);
  warnIfOtherVersion(daemon, ctx);
  const env = claudeEnv(ctx.env, {
    url: daemon.url,
    port: resolved.config.port,
    project: ctx.cwd,
    sessionId: sessionUuid(),
    version: appVersion(),
  });
  return run(claude, [...offeredSettings(resolved.dataDir, args.claudeArgs, ctx), ...args.claudeArgs], env, ctx);
}

/** CCO's status line for Claude Code, unless the user has one (or turned the offer off). */
function offeredSettings(dataDir: string, claudeArgs: readonly string[], ctx: CliContext): string[] {
  const script = process.argv[1];
  if (!script) return [];
  let setting: boolean | undefined;
  try {
    setting = readSettings(dataDir).offerStatusLine;
  } catch {
    setting = undefined; // resolveCliConfig already reported a broken settings file
  }
  return statusLineOffer({ env: ctx.env, cwd: ctx.cwd, claudeArgs, setting, command: statusLineCommand(process.execPath, script) });
}

/**
 * A version-4 UUID that tells this run's requests apart: unique, not secret, so Math.random (seeded
 * per process from the OS) will do. Loading crypto for it, Web Crypto or node:crypto, cost a warm
 * launch about 4 ms, a tenth of a bare Node start.
 */
export function sessionUuid(): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const variant = (8 + Math.floor(Math.random() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}

/** The fast path is one GET; the start-up machinery is loaded only when the daemon is down. */
async function daemonFor(resolved: ResolvedCli): Promise<DaemonHandle> {
  const url = daemonUrl(resolved.config.host, resolved.config.port);
  const health = await fetchHealth(url, 500);
  if (health) return { url, health, started: false };
  const { ensureDaemon } = await import('./ensure.js');
  return ensureDaemon(resolved);
}

/** After an upgrade the old daemon keeps running until restarted; say so once per launch. */
function warnIfOtherVersion(daemon: DaemonHandle, ctx: CliContext): void {
  const version = daemon.health.version;
  if (version === undefined || version === appVersion()) return;
  const restart = commandFor('cco daemon restart', daemon.health.port);
  ctx.err(`Note: the running CCO daemon is version ${version}, this cco is ${appVersion()}; restart it with: ${restart}`);
}

function locateClaude(ctx: CliContext): string {
  const lookup = findClaude(ctx.env);
  if (lookup.found) return lookup.path;
  const where = lookup.override !== undefined
    ? [`CCO_CLAUDE_PATH points to ${lookup.override}, which is not an executable file.`]
    : [
        'Looked for `claude` and `claude-code` in PATH:',
        ...(lookup.dirs.length > 0 ? lookup.dirs.map((dir) => `  ${dir}`) : ['  (PATH is empty)']),
      ];
  throw new CliError('Claude Code executable not found', EXIT.notFound, [
    ...where,
    'Install it with: npm install -g @anthropic-ai/claude-code',
    'or set CCO_CLAUDE_PATH to its full path.',
  ]);
}

async function run(file: string, args: readonly string[], env: Record<string, string>, ctx: CliContext): Promise<number> {
  const result = await runForeground(file, args, { env, cwd: ctx.cwd });
  if (result.spawnError) {
    throw new CliError(`Could not run Claude Code (${file}): ${result.spawnError.message}`, result.exitCode);
  }
  return result.exitCode;
}
