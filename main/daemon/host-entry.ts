// The daemon in a child process of its host (the desktop app), so that proxy streaming, database
// work and the usage writer never share a thread with the tray and the windows. The child says
// `waiting`, the parent sends `start` and later `stop` over the process message channel, and
// hears `ready` or `failed` back
// (main/common/daemon-process.ts). Electron's utilityProcess gives the child `process.parentPort`;
// child_process.fork (the tests, the app's stand-in) gives it `process.send`: both work.
import { asHostRequest, type HostReport } from '../common/daemon-process.js';
import { runDaemonHost, type RunningDaemon } from './host.js';
import { errorMessage } from '../common/format.js';

/** Electron's `process.parentPort` in a utility process (not in @types/node). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

interface Channel {
  send(report: HostReport): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The parent is gone (child_process only; Electron ends a utility process with its parent). */
  onParentGone(listener: () => void): void;
}

/** When the parent died without a word there is nobody to wait for long. */
const ORPHAN_DRAIN_MS = 2_000;
/** A stop signal from outside (kill, Ctrl+C in the app's terminal) drains as `cco daemon stop` does. */
const SIGNAL_DRAIN_MS = 10_000;

function parentChannel(): Channel | null {
  const port = (process as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: (report) => port.postMessage(report),
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
      onParentGone: () => {},
    };
  }
  const send = process.send?.bind(process);
  if (!send) return null;
  return {
    send: (report) => void send(report),
    onMessage: (listener) => process.on('message', listener),
    onParentGone: (listener) => process.once('disconnect', listener),
  };
}

function errorCode(error: unknown): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

function serve(channel: Channel): void {
  let daemon: RunningDaemon | null = null;
  let stopping = false;
  const stop = (drainMs: number) => {
    if (stopping) return;
    stopping = true;
    // Once records are flushed and the log closed, whatever a library left open must not keep it alive.
    (daemon?.close(drainMs) ?? Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Stopping the daemon failed: ${(error as Error).stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  channel.onMessage((message) => {
    const request = asHostRequest(message);
    if (request?.type === 'stop') stop(request.drainMs);
    if (request?.type !== 'start' || daemon || stopping) return;
    runDaemonHost({ config: request.config, dataDir: request.dataDir, console: false }).then(
      (running) => {
        daemon = running;
        const { url, port, logFile } = running;
        channel.send({ type: 'ready', url, port, logFile, pid: process.pid });
      },
      (error: unknown) => channel.send({ type: 'failed', message: errorMessage(error), code: errorCode(error) }),
    );
  });
  channel.send({ type: 'waiting' });
  channel.onParentGone(() => stop(ORPHAN_DRAIN_MS));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // A second signal (the parent's kill after a drain that did not end) means now.
    process.on(signal, () => (stopping ? process.exit(1) : stop(SIGNAL_DRAIN_MS)));
  }
}

const channel = parentChannel();
if (!channel) {
  process.stderr.write('host-entry runs the daemon for a parent process; start it with utilityProcess.fork or fork\n');
  process.exit(2);
}
serve(channel);
