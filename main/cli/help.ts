import { defaultConfig, type DaemonConfig } from '../common/config.js';
import { CONFIG_FLAGS } from './config.js';

export interface OptionHelp {
  names: string;
  help: string;
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n} (${n / (1024 * 1024)} MiB)` : String(n);
}

function defaultText(key: keyof DaemonConfig, config: DaemonConfig): string {
  const value = config[key];
  if (key === 'cacheMaxBytes') return formatBytes(Number(value));
  if (key === 'workers') return `${value} (2 × CPUs)`;
  if (key === 'routingFile') return 'model-routing.json in the data directory';
  return String(value);
}

const ENV_NAMES: Partial<Record<keyof DaemonConfig, string>> = {
  host: 'CCO_HOST',
  port: 'CCO_PORT',
  upstream: 'CCO_UPSTREAM_URL',
  cacheSize: 'CCO_CACHE_SIZE',
  cacheTtlSeconds: 'CCO_CACHE_TTL',
  cacheMaxBytes: 'CCO_CACHE_MAX_BYTES',
  workers: 'CCO_WORKERS',
  logLevel: 'CCO_LOG_LEVEL',
  routingFile: 'CCO_ROUTING_FILE',
  terminalIdleMinutes: 'CCO_TERMINAL_IDLE_MINUTES',
};

/** The daemon settings as options, each with its default and environment variable. */
export function configOptionHelp(): OptionHelp[] {
  const defaults = defaultConfig();
  return CONFIG_FLAGS.map(({ flag, key, value, help }) => ({
    names: `--${flag} ${value}`,
    help: `${help} (default: ${defaultText(key, defaults)}; env ${ENV_NAMES[key] ?? '-'})`,
  }));
}

export const HELP_OPTION: OptionHelp = { names: '-h, --help', help: 'show this help' };

export function renderHelp(usage: string, summary: string, options: readonly OptionHelp[], extra: readonly string[] = []): string {
  const width = Math.max(...options.map((o) => o.names.length)) + 2;
  return [
    `Usage: ${usage}`,
    '',
    summary,
    '',
    'Options:',
    ...options.map((o) => `  ${o.names.padEnd(width)}${o.help}`),
    ...(extra.length > 0 ? ['', ...extra] : []),
  ].join('\n');
}

const SETTINGS_NOTE = [
  'Settings: flags > environment (CCO_*) > settings.json in the data directory > defaults.',
  'Data directory: CCO_HOME, or the per-user application data directory.',
];

export function launchHelp(): string {
  return renderHelp(
    'cco [--port N] [--no-daemon] [--] [claude arguments...]',
    'Runs Claude Code through the CCO daemon, starting the daemon when it is not running.\nEvery argument after cco\'s own leading options goes to Claude Code unchanged.',
    [
      portOption(),
      { names: '--no-daemon', help: 'run Claude Code directly, without the daemon' },
      { names: '--version', help: 'print the cco version' },
      HELP_OPTION,
      { names: '--', help: 'end of cco options (e.g. cco -- --help shows Claude Code\'s help)' },
    ],
    [
      'Commands:',
      '  cco daemon start|stop|restart|status|logs   manage the daemon (cco daemon --help)',
      '  cco stats [--range 7d] [--json]             cost, savings and top projects (cco stats --help)',
      '  cco export [--csv|--json] > usage.csv       every recorded request (cco export --help)',
      '  cco route test MODEL                        where a request for MODEL would go (cco route --help)',
      '  cco dashboard [--print]                     open the dashboard in the browser (cco dashboard --help)',
      '',
      'Claude Code is looked up as `claude` or `claude-code` on PATH, or CCO_CLAUDE_PATH.',
      ...SETTINGS_NOTE,
    ],
  );
}

export function daemonHelp(): string {
  return [
    'Usage: cco daemon <command> [options]',
    '',
    'Manages the CCO daemon (one per port).',
    '',
    'Commands:',
    '  start     start the daemon (in the background unless --foreground)',
    '  stop      stop the daemon',
    '  restart   stop, then start with the given options',
    '  status    show whether the daemon runs, and its cache',
    '  logs      print the daemon\'s log',
    '',
    "Run 'cco daemon <command> --help' for a command's options.",
  ].join('\n');
}

function portOption(): OptionHelp {
  return { names: '--port N', help: `which daemon instance (default: ${defaultConfig().port}; env CCO_PORT)` };
}

export function startHelp(command: 'start' | 'restart'): string {
  const foreground: OptionHelp[] = command === 'start'
    ? [{ names: '--foreground', help: 'run in this terminal until Ctrl-C (logs also to the console)' }]
    : [];
  const summary = command === 'start'
    ? 'Starts the daemon in the background and waits until it answers.'
    : 'Stops the daemon on the port, then starts it again; options not given keep their\nvalues from the environment, settings.json or the defaults.';
  return renderHelp(`cco daemon ${command} [options]`, summary, [...configOptionHelp(), ...foreground, HELP_OPTION], SETTINGS_NOTE);
}

export function dashboardHelp(): string {
  return renderHelp(
    'cco dashboard [--port N] [--print]',
    'Opens the dashboard in the default browser, starting the daemon if needed. The address carries\nthe per-install token (after #token=) that the dashboard needs for admin actions.',
    [portOption(), { names: '--print', help: 'only print the address (starts nothing)' }, HELP_OPTION],
    ['The browser is $BROWSER when set, else xdg-open (Linux), open (macOS) or start (Windows).'],
  );
}

export function stopHelp(): string {
  return renderHelp('cco daemon stop [--port N]', 'Stops the daemon started by cco on the port (SIGTERM, then SIGKILL after a grace period).', [
    portOption(),
    HELP_OPTION,
  ]);
}

export function statusHelp(): string {
  return renderHelp('cco daemon status [--port N] [--json]', 'Shows whether the daemon runs. Exit status: 0 running, 3 not running.', [
    portOption(),
    { names: '--json', help: 'print the status as JSON' },
    HELP_OPTION,
  ]);
}

export function logsHelp(): string {
  return renderHelp('cco daemon logs [--port N] [-n N] [--follow]', "Prints the end of the daemon's log file.", [
    portOption(),
    { names: '-n, --lines N', help: 'how many lines (default: 50)' },
    { names: '-f, --follow', help: 'keep printing new lines until Ctrl-C' },
    HELP_OPTION,
  ]);
}
