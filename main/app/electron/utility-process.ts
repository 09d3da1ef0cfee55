import { utilityProcess } from 'electron';
import type { DaemonChild, ForkDaemon } from '../ports.js';

/**
 * The daemon in an Electron utility process: a Node.js child that Electron starts, ends with the
 * app, and lists in the app's metrics under its service name.
 */
export const forkUtilityProcess: ForkDaemon = (entry, env): DaemonChild => {
  const child = utilityProcess.fork(entry, [], { env, stdio: 'pipe', serviceName: 'CCO daemon' });
  return {
    post: (message) => child.postMessage(message),
    onMessage: (listener) => void child.on('message', listener),
    // Electron reports a code only; a signal shows up in it as the platform encodes it.
    onExit: (listener) => void child.once('exit', (code) => listener(code, null)),
    onOutput: (listener) => {
      child.stdout?.on('data', listener);
      child.stderr?.on('data', listener);
    },
    kill: () => void child.kill(),
  };
};
