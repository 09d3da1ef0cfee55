/**
 * The records waiting for the next commit. Bounded: when the database is stuck the newest records
 * are dropped and counted, rather than the daemon's memory growing without end.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private droppedCount = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** False when the item was dropped. */
  push(item: T): boolean {
    if (this.items.length >= this.capacity) {
      this.droppedCount++;
      return false;
    }
    this.items.push(item);
    return true;
  }

  takeAll(): T[] {
    const batch = this.items;
    this.items = [];
    return batch;
  }

  /** Puts back a batch that could not be committed, ahead of what arrived meanwhile. */
  restore(batch: readonly T[]): void {
    const merged = [...batch, ...this.items];
    const overflow = Math.max(0, merged.length - this.capacity);
    this.droppedCount += overflow;
    this.items = merged.slice(0, merged.length - overflow);
  }
}
