import type { BridgeInvokeChannel } from '../../shared/bridge.js';

/** Who sent an IPC call, as the adapter reads it from the event. */
export interface IpcSender {
  /** The URL of the frame that sent it (event.senderFrame.url). */
  frameUrl: string;
  /** Whether the sending webContents belongs to a window this app opened. */
  ownWindow: boolean;
  /** Whether the sender is the window's top frame (not an iframe inside it). */
  mainFrame: boolean;
}

export type IpcHandler = (args: readonly unknown[]) => unknown;

/** A refusal: the call never reaches a handler. */
export class IpcRefused extends Error {
  override name = 'IpcRefused';
}

type ArgsCheck = (args: readonly unknown[]) => string | null;

const none: ArgsCheck = (args) => (args.length === 0 ? null : `takes no arguments, got ${args.length}`);

const onePlainObject: ArgsCheck = (args) => {
  if (args.length !== 1) return `takes one argument, got ${args.length}`;
  const [value] = args;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) {
    return 'takes a plain object';
  }
  return null;
};

/** Every channel the bridge may call and the shape of its arguments. Anything else is refused. */
export const CHANNEL_ARGS: Readonly<Record<BridgeInvokeChannel, ArgsCheck>> = {
  'cco:daemon-info': none,
  'cco:daemon-start': none,
  'cco:daemon-stop': none,
  'cco:open-logs': none,
  'cco:pick-project': none,
  'cco:settings-get': none,
  'cco:settings-set': onePlainObject,
};

export function isBridgeChannel(channel: string): channel is BridgeInvokeChannel {
  return Object.hasOwn(CHANNEL_ARGS, channel);
}

/**
 * Only the top frame of the app's own window, showing a page of the daemon the app talks to,
 * may call. `allowedOrigin` is read at call time: the daemon's port can change with a restart.
 */
export function senderProblem(sender: IpcSender, allowedOrigin: string | null): string | null {
  if (!sender.ownWindow) return 'the sender is not a window of this app';
  if (!sender.mainFrame) return 'the sender is a sub-frame';
  if (allowedOrigin === null) return 'the daemon is not running';
  let origin: string;
  try {
    origin = new URL(sender.frameUrl).origin;
  } catch {
    return `the sender's URL ${JSON.stringify(sender.frameUrl)} is not valid`;
  }
  return origin === allowedOrigin ? null : `the sender's origin ${origin} is not the daemon's (${allowedOrigin})`;
}

/** Routes bridge calls to handlers after checking channel, sender and arguments. */
export class IpcRouter {
  private readonly handlers = new Map<BridgeInvokeChannel, IpcHandler>();

  constructor(private readonly allowedOrigin: () => string | null) {}

  handle(channel: BridgeInvokeChannel, handler: IpcHandler): this {
    this.handlers.set(channel, handler);
    return this;
  }

  get channels(): BridgeInvokeChannel[] {
    return [...this.handlers.keys()];
  }

  /** Runs the call or throws IpcRefused saying why it was refused. */
  async dispatch(channel: string, sender: IpcSender, args: readonly unknown[]): Promise<unknown> {
    if (!isBridgeChannel(channel)) throw new IpcRefused(`unknown call ${JSON.stringify(channel)}`);
    const handler = this.handlers.get(channel);
    if (!handler) throw new IpcRefused(`unknown call ${JSON.stringify(channel)}`);
    const who = senderProblem(sender, this.allowedOrigin());
    if (who) throw new IpcRefused(`${channel} refused: ${who}`);
    const bad = CHANNEL_ARGS[channel](args);
    if (bad) throw new IpcRefused(`${channel} refused: ${bad}`);
    return handler(args);
  }
}
