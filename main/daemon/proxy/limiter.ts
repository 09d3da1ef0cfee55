import { HttpError } from '../http/errors.js';

/**
 * Caps concurrent upstream requests (`--workers`); the rest wait in FIFO order. A waiter whose
 * client went away leaves the queue without ever taking a slot; one that waited longer than
 * `maxWaitMs` is refused with 529 overloaded_error, which clients such as Claude Code retry.
 */
export class Limiter {
  private active = 0;
  private readonly queue: Array<{ grant: () => void; reject: (error: Error) => void }> = [];

  constructor(private readonly limit: number, private readonly maxWaitMs = Number.POSITIVE_INFINITY) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (error: Error) => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = () => leave(signal?.reason ?? new Error('aborted'));
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: leave,
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(this.maxWaitMs)) {
        timer = setTimeout(() => leave(queueTimeout(this.maxWaitMs)), this.maxWaitMs);
      }
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The slot passes straight to the next waiter, so `active` only drops when nobody waits.
      if (next) next.grant();
      else this.active--;
    };
  }

  stats(): { workers: number; active: number; queued: number } {
    return { workers: this.limit, active: this.active, queued: this.queue.length };
  }
}

function queueTimeout(ms: number): HttpError {
  return new HttpError(
    529,
    `CCO is overloaded: the request waited ${ms / 1000} s for a free worker (raise --workers or --queue-timeout)`,
    'overloaded_error',
  );
}
