import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';

/** Runs a bench role (`upstream` or `daemon`) in its own process and resolves with the URL it prints. */
export async function startRole(role: 'upstream' | 'daemon' | 'host', args: string[] = []): Promise<{ url: string; child: ChildProcess }> {
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
