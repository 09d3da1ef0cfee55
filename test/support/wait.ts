import type { EventEmitter } from 'node:events';

export interface WaitOptions {
  /** Give up after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Pause between polls once the first few setImmediate polls found nothing. Default 2 ms. */
  intervalMs?: number;
  /** Put into the timeout error, so a failing test says what it was waiting for. */
  message?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;
// Most conditions in these tests turn true within a few event-loop turns (a socket read, a
// callback), so poll on setImmediate first and only fall back to a timer for slower ones.
const IMMEDIATE_POLLS = 50;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves as soon as `predicate` returns true; rejects after `timeoutMs`. A predicate that throws
 * rejects at once, so assertions inside it fail fast instead of timing out.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const intervalMs = options.intervalMs ?? 2;
  const deadline = performance.now() + timeoutMs;
  for (let polls = 0; ; polls++) {
    if (await predicate()) return;
    if (performance.now() >= deadline) {
      throw new Error(`waitFor timed out after ${timeoutMs} ms${options.message ? `: ${options.message}` : ''}`);
    }
    await (polls < IMMEDIATE_POLLS ? nextTurn() : pause(intervalMs));
  }
}

/** Rejects with a labelled error if `promise` has not settled within `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, label = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not settle within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves with the arguments of the next `event` on `emitter` for which `filter` (if given)
 * returns true; rejects after `timeoutMs`.
 */
export function waitForEvent(
  emitter: EventEmitter,
  event: string,
  options: WaitOptions & { filter?: (...args: unknown[]) => boolean } = {},
): Promise<unknown[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]): void => {
      if (options.filter && !options.filter(...args)) return;
      cleanup();
      resolve(args);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no '${event}' event within ${timeoutMs} ms${options.message ? `: ${options.message}` : ''}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, listener);
    };
    emitter.on(event, listener);
  });
}

/** A promise plus the functions that settle it, for tests that need to resolve from a callback. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
  readonly settled: boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let settled = false;
  let resolveFn!: (value: T) => void;
  let rejectFn!: (reason: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    resolveFn = resolve;
    rejectFn = reject;
  });
  return {
    promise,
    resolve(value: T) {
      settled = true;
      resolveFn(value);
    },
    reject(reason: unknown) {
      settled = true;
      rejectFn(reason);
    },
    get settled() {
      return settled;
    },
  };
}
