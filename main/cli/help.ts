import { CONFIG_FLAGS, defaultHelp } from '../common/settings-schema.js';

export interface OptionHelp {
  names: string;
  help: string;
}

/** The daemon settings as options, each with its default and environment variable. */
export function configOptionHelp(): OptionHelp[] {
  return CONFIG_FLAGS.map(({ flag, key, value, help, env }) => ({
    names: `--${flag} ${value}`,
    help: `${help} (default: ${defaultHelp(key)}; env ${env ?? '-'})`,
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
    '  install   run the daemon as a service (systemd, launchd, Task Scheduler): at login, restarted on failure',
    '  uninstall stop and remove that service',
    '',
    "Run 'cco daemon <command> --help' for a command's options.",
  ].join('\n');
}

function portOption(): OptionHelp {
  return { names: '--port N', help: `which daemon instance (default: ${defaultHelp('port')}; env CCO_PORT)` };
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

export function installHelp(): string {
  return renderHelp(
    'cco daemon install [options]',
    'Runs the daemon on the port as a service of this platform: a systemd user unit (Linux), a\nlaunchd agent (macOS) or a per-user Scheduled Task (Windows). It starts now and at login, is\nrestarted after a crash, and `cco daemon stop` / `restart` then go through the service manager.\nThe options given are baked into the service; settings.json is read at each start.',
    [...configOptionHelp(), { names: '--json', help: 'print what was installed as JSON' }, HELP_OPTION],
    [...SETTINGS_NOTE, 'Linux servers: loginctl enable-linger "$USER" keeps user services running after logout.'],
  );
}

export function uninstallHelp(): string {
  return renderHelp(
    'cco daemon uninstall [--port N]',
    'Stops the service installed by `cco daemon install` for the port and removes it.',
    [portOption(), HELP_OPTION],
  );
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
