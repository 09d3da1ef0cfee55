import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from '../errors.js';
import { launchdLabel, launchdPlist } from './launchd.js';
import { taskXmlFile, type ServiceSpec } from './spec.js';
import { systemdUnit, systemdUnitName } from './systemd.js';
import { windowsTaskName, windowsTaskXml } from './windows-task.js';

/** The platform's own service manager, as far as `cco daemon` needs it. */
export interface ServiceManager {
  /** `systemd`, `launchd` or `Task Scheduler`: shown by `cco daemon status`. */
  readonly kind: string;
  /** The unit, agent or task name for a port. */
  name(port: number): string;
  /** The file written for a port (the unit, the plist, the task XML). */
  file(port: number): string;
  installed(port: number): boolean;
  /** Writes the file, registers it, enables it at login and starts it now. */
  install(spec: ServiceSpec): void;
  /** Stops, unregisters and removes it. */
  uninstall(port: number): void;
  start(port: number): void;
  stop(port: number): void;
  restart(port: number): void;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Runs a service-manager command; a failure becomes a CliError naming the command and its output. */
function run(command: string, args: readonly string[], allowFailure = false): boolean {
  const result = spawnSync(command, args, { encoding: 'utf8', windowsHide: true, timeout: 60_000 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (allowFailure) return false;
    throw new CliError(`Could not run ${command}: ${code === 'ENOENT' ? 'not found on PATH' : result.error.message}`);
  }
  if (result.status === 0) return true;
  if (allowFailure) return false;
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim();
  throw new CliError(`${command} ${args.join(' ')} failed (exit ${result.status})`, 1, output ? [output] : []);
}

function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  // The file can hold settings such as a team database URL with its password.
  writeFileSync(file, text, { mode: 0o600 });
}

function home(env: Env): string {
  return env.HOME ?? env.USERPROFILE ?? homedir();
}

export class SystemdUserManager implements ServiceManager {
  readonly kind = 'systemd';
  constructor(private readonly env: Env) {}

  name(port: number): string {
    return systemdUnitName(port);
  }

  file(port: number): string {
    const config = this.env.XDG_CONFIG_HOME || join(home(this.env), '.config');
    return join(config, 'systemd', 'user', this.name(port));
  }

  installed(port: number): boolean {
    return existsSync(this.file(port));
  }

  install(spec: ServiceSpec): void {
    writePrivate(this.file(spec.port), systemdUnit(spec));
    try {
      this.systemctl('daemon-reload');
      this.systemctl('enable', '--now', this.name(spec.port));
    } catch (error) {
      // A unit left behind would make status and stop believe systemd runs the daemon.
      rmSync(this.file(spec.port), { force: true });
      if (!(error instanceof CliError)) throw error;
      throw new CliError(error.message, error.exitCode, [
        ...error.details,
        'Is a systemd user manager running for you? It needs a login session (or loginctl enable-linger "$USER").',
        "Where there is no systemd (many containers), run 'cco daemon start' instead.",
      ]);
    }
  }

  uninstall(port: number): void {
    this.systemctl('disable', '--now', this.name(port));
    rmSync(this.file(port), { force: true });
    this.systemctl('daemon-reload');
  }

  start(port: number): void {
    this.systemctl('start', this.name(port));
  }

  stop(port: number): void {
    this.systemctl('stop', this.name(port));
  }

  restart(port: number): void {
    this.systemctl('restart', this.name(port));
  }

  private systemctl(...args: string[]): void {
    run('systemctl', ['--user', ...args]);
  }
}

export class LaunchdManager implements ServiceManager {
  readonly kind = 'launchd';
  constructor(private readonly env: Env) {}

  name(port: number): string {
    return launchdLabel(port);
  }

  file(port: number): string {
    return join(home(this.env), 'Library', 'LaunchAgents', `${this.name(port)}.plist`);
  }

  installed(port: number): boolean {
    return existsSync(this.file(port));
  }

  install(spec: ServiceSpec): void {
    writePrivate(this.file(spec.port), launchdPlist(spec));
    run('launchctl', ['bootout', this.target(spec.port)], true); // An older copy, if loaded.
    try {
      this.start(spec.port);
    } catch (error) {
      rmSync(this.file(spec.port), { force: true });
      throw error;
    }
  }

  uninstall(port: number): void {
    run('launchctl', ['bootout', this.target(port)], true);
    rmSync(this.file(port), { force: true });
  }

  start(port: number): void {
    run('launchctl', ['enable', this.target(port)]);
    run('launchctl', ['bootstrap', this.domain(), this.file(port)]);
  }

  /** Unloading is launchd's stop: a loaded agent with KeepAlive could be started again. */
  stop(port: number): void {
    run('launchctl', ['bootout', this.target(port)]);
  }

  restart(port: number): void {
    run('launchctl', ['kickstart', '-k', this.target(port)]);
  }

  private domain(): string {
    return `gui/${process.getuid?.() ?? userInfo().uid}`;
  }

  private target(port: number): string {
    return `${this.domain()}/${this.name(port)}`;
  }
}

export class WindowsTaskManager implements ServiceManager {
  readonly kind = 'Task Scheduler';
  constructor(
    private readonly env: Env,
    private readonly dataDir: string,
  ) {}

  name(port: number): string {
    return windowsTaskName(port);
  }

  file(port: number): string {
    return taskXmlFile(this.dataDir, port);
  }

  installed(port: number): boolean {
    return run('schtasks', ['/Query', '/TN', this.name(port)], true);
  }

  install(spec: ServiceSpec): void {
    const user = this.env.USERDOMAIN ? `${this.env.USERDOMAIN}\\${userInfo().username}` : userInfo().username;
    // schtasks wants the XML in UTF-16, as its declaration says.
    mkdirSync(dirname(this.file(spec.port)), { recursive: true });
    writeFileSync(this.file(spec.port), `\ufeff${windowsTaskXml(spec, user)}`, { encoding: 'utf16le', mode: 0o600 });
    run('schtasks', ['/Create', '/TN', this.name(spec.port), '/XML', this.file(spec.port), '/F']);
    this.start(spec.port);
  }

  uninstall(port: number): void {
    run('schtasks', ['/End', '/TN', this.name(port)], true);
    run('schtasks', ['/Delete', '/TN', this.name(port), '/F']);
    rmSync(this.file(port), { force: true });
  }

  start(port: number): void {
    run('schtasks', ['/Run', '/TN', this.name(port)]);
  }

  stop(port: number): void {
    run('schtasks', ['/End', '/TN', this.name(port)]);
  }

  restart(port: number): void {
    this.stop(port);
    this.start(port);
  }
}

/** This platform's manager: launchd on macOS, Task Scheduler on Windows, systemd elsewhere. */
export function serviceManager(env: Env, dataDir: string, platform: NodeJS.Platform = process.platform): ServiceManager {
  if (platform === 'darwin') return new LaunchdManager(env);
  if (platform === 'win32') return new WindowsTaskManager(env, dataDir);
  return new SystemdUserManager(env);
}
