import type { CliContext } from './context.js';
import { EXIT, UsageError } from './errors.js';
import { daemonHelp } from './help.js';

type Command = (argv: readonly string[], ctx: CliContext) => Promise<number>;

/** Each subcommand lives in its own module and is loaded only when asked for. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start.js')).startCommand,
  stop: async () => (await import('./stop.js')).stopCommand,
  restart: async () => (await import('./start.js')).restartCommand,
  status: async () => (await import('./status.js')).statusCommand,
  logs: async () => (await import('./logs.js')).logsCommand,
  install: async () => (await import('./service/command.js')).installCommand,
  uninstall: async () => (await import('./service/command.js')).uninstallCommand,
};

export async function daemonCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    ctx.err(daemonHelp());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    ctx.out(daemonHelp());
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command 'daemon ${name}'`;
    throw new UsageError(what, 'cco daemon');
  }
  return (await load())(rest, ctx);
}
