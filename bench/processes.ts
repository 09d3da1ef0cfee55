import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

/** Runs a bench role in its own process and resolves with the URL it prints. */
export async function startRole(
  role: 'upstream' | 'daemon' | 'idle' | 'floor' | 'host',
  args: readonly string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(new URL('./role.js', import.meta.url), [role, ...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ url: string }];
  return { url: message.url, child };
}

export async function stopRole(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** CPU time (user + system, microseconds) the role's process has used so far. */
export async function cpuMicros(child: ChildProcess): Promise<number> {
  child.send('cpu');
  for (;;) {
    const [message] = (await once(child, 'message')) as [{ cpu?: number }];
    if (typeof message.cpu === 'number') return message.cpu;
  }
}

/** Switches the daemon role's usage recording on or off, and waits until it has. */
export async function setRecording(child: ChildProcess, on: boolean): Promise<void> {
  child.send(on ? 'record-on' : 'record-off');
  for (;;) {
    const [message] = (await once(child, 'message')) as [{ recording?: boolean }];
    if (message.recording === on) return;
  }
}

export interface LoopDelay {
  /** Milliseconds. */
  p99: number;
  max: number;
  mean: number;
  samples: number;
}

/**
 * Runs a load while each role's process measures its event-loop delay (monitorEventLoopDelay),
 * all over the same window.
 */
export async function loopDelayDuring<T>(
  children: ChildProcess[],
  load: () => Promise<T>,
): Promise<{ result: T; delays: LoopDelay[] }> {
  await Promise.all(children.map((child) => {
    child.send('loop-delay-start');
    return reply(child, (m) => m.loopDelay === 'started');
  }));
  const result = await load();
  const delays = await Promise.all(children.map(async (child) => {
    child.send('loop-delay-stop');
    const message = await reply(child, (m) => typeof m.loopDelay === 'object' && m.loopDelay !== null);
    return message.loopDelay as LoopDelay;
  }));
  return { result, delays };
}

type Message = Record<string, unknown>;

async function reply(child: ChildProcess, match: (message: Message) => boolean): Promise<Message> {
  for (;;) {
    const [message] = (await once(child, 'message')) as [Message];
    if (match(message)) return message;
  }
}

/** Switches the daemon role's team ledger on or off (it was started with a team DB), and waits until it has. */
export async function setLedger(child: ChildProcess, on: boolean): Promise<void> {
  child.send(on ? 'ledger-on' : 'ledger-off');
  for (;;) {
    const [message] = (await once(child, 'message')) as [{ ledger?: boolean }];
    if (message.ledger === on) return;
  }
}
