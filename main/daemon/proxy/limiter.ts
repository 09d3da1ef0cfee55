/**
 * Caps concurrent upstream requests (`--workers`); the rest wait in FIFO order. A waiter whose
 * client went away leaves the queue without ever taking a slot.
 */
export class Limiter {
  private active = 0;
  private readonly queue: Array<{ grant: () => void; reject: (error: Error) => void }> = [];

  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = { grant: resolve, reject };
      this.queue.push(waiter);
      signal?.addEventListener('abort', () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal.reason ?? new Error('aborted'));
      }, { once: true });
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
