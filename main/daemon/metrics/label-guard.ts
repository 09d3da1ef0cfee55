/** The label value that stands for every value past the guard's limit. */
export const OTHER_LABEL = 'other';

/**
 * Bounds the distinct values of one metric label (a project path), so a machine that has worked
 * in hundreds of folders does not create hundreds of series per metric. Values seeded at start
 * (the busiest projects so far) and then the first ones seen keep their own series, up to `limit`;
 * every later value is counted under "other". A value never moves between series once admitted,
 * because a Prometheus counter that changed series would look like a reset.
 */
export class LabelGuard {
  private readonly admitted = new Set<string>();

  constructor(
    private readonly limit: number,
    seed: Iterable<string> = [],
  ) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`label limit must be a whole number >= 0, got ${limit}`);
    }
    this.seed(seed);
  }

  /** Admits these first (in order) while there is room: the values that keep their own label. */
  seed(values: Iterable<string>): void {
    for (const value of values) {
      if (this.admitted.size >= this.limit) break;
      this.admitted.add(value);
    }
  }

  label(value: string): string {
    if (this.admitted.has(value)) return value;
    if (this.admitted.size < this.limit && value !== OTHER_LABEL) {
      this.admitted.add(value);
      return value;
    }
    return OTHER_LABEL;
  }

  get size(): number {
    return this.admitted.size;
  }
}
