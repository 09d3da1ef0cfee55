import type { Logger } from '../../common/logger.js';

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Keeps the log readable and the event loop free while the database is stuck: one line when
 * commits start failing, one when records start being dropped, one when it all works again, and
 * a growing pause between timed retries (the driver blocks while it waits for a lock).
 */
export class WriteHealth {
  private failures = 0;
  private retryAt = 0;
  private dropping = false;
  private dropsReported = 0;

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly baseDelayMs: number,
  ) {}

  /** False while backing off after failures; explicit flushes ignore this. */
  shouldRetry(now: number): boolean {
    return this.failures === 0 || now >= this.retryAt;
  }

  commitFailed(error: Error, now: number): void {
    if (this.failures === 0) this.logger.error(`Usage database ${this.file}: commit failed, will retry: ${error.message}`);
    this.failures++;
    this.retryAt = now + Math.min(MAX_RETRY_DELAY_MS, this.baseDelayMs * 2 ** this.failures);
  }

  recordDropped(queued: number): void {
    if (this.dropping) return;
    this.dropping = true;
    this.logger.warn(`Usage database ${this.file} is not keeping up: ${queued} records queued, dropping new ones until it does`);
  }

  /** `droppedTotal`: every record dropped so far; the ones not yet reported are reported now. */
  committed(droppedTotal: number): void {
    if (this.failures > 0) this.logger.info(`Usage database ${this.file}: commits work again`);
    if (droppedTotal > this.dropsReported) {
      this.logger.warn(`Usage database ${this.file}: ${droppedTotal - this.dropsReported} records were dropped while it was stuck`);
    }
    this.failures = 0;
    this.dropping = false;
    this.dropsReported = droppedTotal;
  }
}
