import type { Clock } from '../clock.js';

/**
 * Paces requests to SCIM_RATE_LIMIT_RPS on the injected clock: each request takes the next
 * free slot, 1/rps apart. 0 means no cap.
 */
export class RatePacer {
  readonly #intervalMs: number;
  readonly #clock: Clock;
  #nextSlot = 0;

  constructor(requestsPerSecond: number, clock: Clock) {
    this.#intervalMs = requestsPerSecond > 0 ? 1000 / requestsPerSecond : 0;
    this.#clock = clock;
  }

  /** Takes the next slot: how many ms to wait for it (0: go now, the hot path, with no await). */
  reserve(): number {
    if (this.#intervalMs === 0) return 0;
    const now = this.#clock.now();
    const slot = Math.max(now, this.#nextSlot);
    this.#nextSlot = slot + this.#intervalMs;
    return slot - now;
  }
}

/** At most `limit` tasks at once (SCIM_MAX_CONCURRENCY), in arrival order. */
export class Semaphore {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#free = Math.max(1, limit);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}
