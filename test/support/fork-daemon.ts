// The daemon's host entry in a child process under plain Node: what the app does with Electron's
// utilityProcess, done with child_process.fork (the child talks over process.send).
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { DaemonConfig } from '../../main/common/config.js';
import { daemonEnv } from '../../main/common/daemon-process.js';
import type { Logger } from '../../main/common/logger.js';
import { silentLogger } from '../../main/common/logger.js';
import { hostInChild, type HostedDaemon } from '../../main/app/daemon-child.js';
import type { ForkDaemon } from '../../main/app/ports.js';
import { ROOT } from '../cli/harness.js';

export const HOST_ENTRY = join(ROOT, 'dist', 'main', 'daemon', 'host-entry.js');

export const forkNode: ForkDaemon = (entry, env) => {
  const child = fork(entry, [], { env, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  return {
    post: (message) => void (child.connected && child.send(message)),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', listener),
    onOutput: (listener) => {
      child.stdout?.on('data', listener);
      child.stderr?.on('data', listener);
    },
    kill: () => void child.kill('SIGTERM'),
  };
};

/** The daemon for this config, in its own process, as the app hosts it. */
export function hostDaemonInChild(
  config: DaemonConfig,
  dataDir: string,
  logger: Logger = silentLogger,
): Promise<HostedDaemon> {
  const env = daemonEnv(process.env, dataDir);
  return hostInChild({ fork: forkNode, entry: HOST_ENTRY, env, config, dataDir, logger });
}
