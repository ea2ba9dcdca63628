/**
 * Time, injected. Live targets run on the real clock; the embedded mock runs on a virtual clock
 * so that simulated latency, timeouts, Retry-After and backoff cost no wall time and replay
 * identically for the same seed.
 */
export interface Clock {
  /** Milliseconds since the clock started. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The machine's clock. */
export function createRealClock(): Clock {
  const start = performance.now();
  return {
    now: () => performance.now() - start,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, Math.max(0, ms));
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
  cancelled: boolean;
}

/**
 * A discrete-event clock. Sleepers wait in a queue ordered by wake-up time; whenever the
 * process has run every pending callback (a macrotask turn with nothing left to do in this
 * simulation), the clock jumps to the earliest wake-up and releases it. Work that only awaits
 * this clock therefore runs as fast as the CPU allows, in a deterministic order.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #queue: Timer[] = [];
  #scheduled = false;

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve, cancelled: false };
      if (signal) this.#watch(signal, timer, reject);
      this.#push(timer);
      this.#schedule();
    });
  }

  /**
   * Sleepers that an abort must wake, by signal: one listener per signal for all of them, not one
   * per sleep (a run waits on its interrupt for every paced request: hundreds of thousands of
   * listeners otherwise, and their garbage).
   */
  readonly #watched = new Map<AbortSignal, Map<Timer, (reason: unknown) => void>>();

  #watch(signal: AbortSignal, timer: Timer, reject: (reason: unknown) => void): void {
    let sleepers = this.#watched.get(signal);
    if (!sleepers) {
      const set = new Map<Timer, (reason: unknown) => void>();
      sleepers = set;
      this.#watched.set(signal, set);
      signal.addEventListener(
        'abort',
        () => {
          this.#watched.delete(signal);
          for (const [sleeping, wake] of set) {
            sleeping.cancelled = true;
            wake(signal.reason);
          }
          set.clear();
        },
        { once: true },
      );
    }
    sleepers.set(timer, reject);
    const resolve = timer.resolve;
    const watched = sleepers;
    timer.resolve = () => {
      watched.delete(timer);
      resolve();
    };
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#advance());
  }

  #advance(): void {
    this.#scheduled = false;
    const timer = this.#pop();
    if (!timer) return;
    this.#now = Math.max(this.#now, timer.at);
    timer.resolve();
    // Release every timer due at the same instant before yielding again.
    while (this.#queue.length > 0 && (this.#queue[0]?.at ?? Infinity) <= this.#now) this.#pop()?.resolve();
    if (this.#queue.length > 0) this.#schedule();
  }

  #push(timer: Timer): void {
    const q = this.#queue;
    q.push(timer);
    let i = q.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(q[i] as Timer, q[parent] as Timer)) break;
      [q[i], q[parent]] = [q[parent] as Timer, q[i] as Timer];
      i = parent;
    }
  }

  #pop(): Timer | undefined {
    const q = this.#queue;
    while (q.length > 0) {
      const top = q[0] as Timer;
      const last = q.pop() as Timer;
      if (q.length > 0) {
        q[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < q.length && before(q[l] as Timer, q[m] as Timer)) m = l;
          if (r < q.length && before(q[r] as Timer, q[m] as Timer)) m = r;
          if (m === i) break;
          [q[i], q[m]] = [q[m] as Timer, q[i] as Timer];
          i = m;
        }
      }
      if (!top.cancelled) return top;
    }
    return undefined;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
