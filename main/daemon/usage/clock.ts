/** Time as the usage store and the stats routes see it; injected so tests never wait. */
export interface Clock {
  now(): number;
  /** Calls `fn` every `ms` until the returned function is called. Never keeps the process alive. */
  every(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

interface ManualTimer {
  ms: number;
  due: number;
  fn: () => void;
}

/** A clock that only moves when told to; `advance` fires every timer that falls due, in order. */
export class ManualClock implements Clock {
  private readonly timers = new Set<ManualTimer>();

  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  every(ms: number, fn: () => void): () => void {
    const timer = { ms, due: this.time + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  set(time: number): void {
    this.time = time;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (let next = this.nextDue(end); next; next = this.nextDue(end)) {
      this.time = next.due;
      next.due += next.ms;
      next.fn();
    }
    this.time = end;
  }

  private nextDue(end: number): ManualTimer | undefined {
    let first: ManualTimer | undefined;
    for (const t of this.timers) if (t.due <= end && (!first || t.due < first.due)) first = t;
    return first;
  }
}
