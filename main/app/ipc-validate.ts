import type { BridgeArgs, BridgeInvokeChannel, BridgePrefs, BridgeResult } from '../../shared/bridge.js';
import { EDITABLE_KEYS } from '../common/settings-schema.js';
import { BRIDGE_PREF_KEYS, checkPref } from './app-state.js';

/** Who sent an IPC call, as the adapter reads it from the event. */
export interface IpcSender {
  /** The URL of the frame that sent it (event.senderFrame.url). */
  frameUrl: string;
  /** Whether the sending webContents belongs to a window this app opened. */
  ownWindow: boolean;
  /** Whether the sender is the window's top frame (not an iframe inside it). */
  mainFrame: boolean;
}

/** A handler gets the arguments its channel declares, already checked. */
export type IpcHandler<C extends BridgeInvokeChannel> = (
  args: BridgeArgs<C>,
) => BridgeResult<C> | Promise<BridgeResult<C>>;

/** A refusal: the call never reaches a handler. */
export class IpcRefused extends Error {
  override name = 'IpcRefused';
}

/** Checks a call's arguments; the problem in words, or null. */
type ArgsCheck = (args: readonly unknown[]) => string | null;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.getPrototypeOf(value) === Object.prototype;
}

const none: ArgsCheck = (args) => (args.length === 0 ? null : `takes no arguments, got ${args.length}`);

/** One plain object whose keys are among `keys` and whose values pass `value`. */
function patchOf(keys: readonly string[], value: (key: string, v: unknown) => string | null): ArgsCheck {
  return (args) => {
    if (args.length !== 1) return `takes one argument, got ${args.length}`;
    const [patch] = args;
    if (!isPlainObject(patch)) return 'takes a plain object';
    for (const [key, v] of Object.entries(patch)) {
      if (!keys.includes(key)) return `"${key}" cannot be changed here`;
      const problem = value(key, v);
      if (problem) return `${key} ${problem}`;
    }
    return null;
  };
}

/**
 * A settings change: only the keys the schema marks `editable`, each a value the schema's parsers
 * take (text as typed, a number or a boolean) or null. Whether the value is *valid* is the
 * schema's answer per field, which the page shows next to the field (settings-model.ts).
 */
const settingsPatch = patchOf(EDITABLE_KEYS, (_key, v) =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? null
    : 'must be text, a number, true/false or null');

/** A preferences change: the app-state declaration's keys and checks (app-state.ts). */
const prefsPatch = patchOf(BRIDGE_PREF_KEYS, (key, v) => checkPref(key as keyof BridgePrefs, v));

/** Every channel the bridge may call and the shape of its arguments. Anything else is refused. */
export const CHANNEL_ARGS: Readonly<Record<BridgeInvokeChannel, ArgsCheck>> = {
  'cco:daemon-info': none,
  'cco:settings-view': none,
  'cco:settings-save': settingsPatch,
  'cco:daemon-restart': none,
  'cco:routing-open': none,
  'cco:prefs-set': prefsPatch,
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
  private readonly handlers = new Map<BridgeInvokeChannel, (args: readonly unknown[]) => unknown>();

  constructor(private readonly allowedOrigin: () => string | null) {}

  handle<C extends BridgeInvokeChannel>(channel: C, handler: IpcHandler<C>): this {
    // The arguments reach the handler only after CHANNEL_ARGS[channel] accepted them.
    this.handlers.set(channel, (args) => handler(args as BridgeArgs<C>));
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
