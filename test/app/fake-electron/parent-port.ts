// Loaded (--import) into the stand-in's utility processes: gives the child what Electron gives a
// utility process instead of child_process's IPC, `process.parentPort` (messages arrive as
// { data }), and takes `process.send` away, so the daemon's host entry is run on the same channel
// as in the real app. Checked against Electron's typings like the rest of the stand-in.
import { EventEmitter } from 'node:events';
import { eventsOf, hasMethod } from './typings.js';

const known = eventsOf('ParentPort');
if (!hasMethod('ParentPort', 'postMessage')) throw new Error("Electron's ParentPort has no postMessage");

/** Like Electron's, it holds messages until the first 'message' listener starts it. */
class ParentPort extends EventEmitter {
  private queue: unknown[] | null = [];
  constructor(private readonly send: (message: unknown) => void) {
    super();
  }
  deliver(data: unknown): void {
    if (this.queue) this.queue.push(data);
    else this.emit('message', { data, ports: [] });
  }
  // biome-ignore lint/suspicious/noExplicitAny: the same listener type as EventEmitter.on, which this overrides
  override on(name: string | symbol, listener: (...args: any[]) => void): this {
    if (typeof name === 'string' && !known.has(name)) throw new Error(`Electron's ParentPort has no '${name}' event`);
    super.on(name, listener);
    const held = name === 'message' ? this.queue : null;
    this.queue = name === 'message' ? null : this.queue;
    for (const data of held ?? []) this.emit('message', { data, ports: [] });
    return this;
  }
  postMessage(message: unknown): void {
    this.send(message);
  }
}

const send = process.send!.bind(process);
const port = new ParentPort((message) => void send(message));
process.on('message', (data) => port.deliver(data));
// Electron ends a utility process with the app; here the IPC channel closing is that moment.
process.on('disconnect', () => process.exit(1));
Object.defineProperty(process, 'parentPort', { value: port });
delete process.send;
