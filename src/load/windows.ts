import type { HttpOutcome } from '../scim/client/http.js';
import { LatencyStats, LOAD_OPERATIONS, OutcomeCounts, type LatencyJson, type LoadOperation } from './metrics.js';

/** About this many windows cover the schedule; the tail of in-flight operations may add a few. */
const WINDOWS_PER_SCHEDULE = 60;
/** No window is shorter: a second is the resolution of a rate. */
export const MIN_WINDOW_MS = 1000;
/**
 * Windows per operation at most: a test would have to run on for at least 1,666 times its schedule to
 * reach it. Operations later still count in the last window, so a report never holds more.
 */
export const MAX_WINDOWS = 100_000;

/**
 * The width of a load test's windows: the schedule cut into about 60, each a whole number of
 * seconds and at least one (a 2 s test has 1 s windows, a 5 min test 5 s ones, an hour 1 min
 * ones). It depends on the schedule alone, so the shards of one test cut alike and merge window
 * by window.
 */
export function windowWidthMs(durationMs: number): number {
  return Math.max(MIN_WINDOW_MS, Math.ceil(durationMs / WINDOWS_PER_SCHEDULE / 1000) * 1000);
}

/**
 * What one operation did in one window: counts, and its iteration latencies as an HDR histogram
 * made like the whole-test ones (32-bit counts, a few tens of KiB). A packed histogram would be a
 * fraction of the memory, but reading a percentile from it or encoding it takes milliseconds
 * rather than a tenth of one, which made writing the JSON of a 60-window test seconds slower.
 */
export class WindowStats extends OutcomeCounts {
  readonly latency: LatencyStats;

  constructor(latency: LatencyStats = new LatencyStats()) {
    super();
    this.latency = latency;
  }

  record(outcome: HttpOutcome, iterationMs: number): void {
    this.countOutcome(outcome);
    this.latency.record(iterationMs);
  }

  add(other: WindowStats): void {
    this.addCounts(other);
    this.latency.add(other.latency);
  }

  toJSON(startMs: number): WindowJson {
    return { startMs, count: this.count, errors: this.errors, requests: this.requests, throttled: this.throttled, ...this.latency.toJSON() };
  }

  static fromJSON(json: WindowJson): WindowStats {
    const stats = new WindowStats(LatencyStats.fromJSON(json, json.count));
    stats.readCounts(json);
    return stats;
  }
}

/**
 * One window of one operation in the JSON report: `startMs` from the test's start, the counts,
 * and the iteration latencies (`latencyMs` percentiles, `sumUs` and the compressed HDR `histogram`,
 * as the whole-test figures have them).
 */
export interface WindowJson extends LatencyJson {
  startMs: number;
  count: number;
  errors: number;
  requests: number;
  throttled: number;
}

/** The per-window figures of a load test in its JSON report: windows with no operation are left out. */
export interface WindowsJson {
  widthMs: number;
  operations: Record<LoadOperation, WindowJson[]>;
}

/** One window of an operation that saw operations, from the test's start. */
export interface Window {
  startMs: number;
  stats: WindowStats;
}

/**
 * A load test cut into fixed windows, per operation: each operation counts in the window in which
 * it finished, timed from the test's start on the run's clock (virtual on the mock, so the windows
 * of a seed are the same every time). A window's figures are made the first time an operation
 * lands in it; recording allocates nothing more.
 */
export class LoadWindows {
  readonly widthMs: number;
  /** Sparse, by window index. */
  readonly #windows: Record<LoadOperation, Array<WindowStats | undefined>>;

  constructor(widthMs: number) {
    this.widthMs = widthMs;
    this.#windows = Object.fromEntries(LOAD_OPERATIONS.map((op) => [op, []])) as unknown as Record<LoadOperation, Array<WindowStats | undefined>>;
  }

  record(op: LoadOperation, atMs: number, outcome: HttpOutcome, iterationMs: number): void {
    this.#at(op, Math.min(MAX_WINDOWS - 1, Math.max(0, Math.floor(atMs / this.widthMs)))).record(outcome, iterationMs);
  }

  #at(op: LoadOperation, index: number): WindowStats {
    const list = this.#windows[op];
    return (list[index] ??= new WindowStats());
  }

  /** The windows of `op` that saw any operation, in time order. */
  of(op: LoadOperation): Window[] {
    const out: Window[] = [];
    // forEach skips the holes of the sparse list.
    this.#windows[op].forEach((stats, index) => {
      if (stats) out.push({ startMs: index * this.widthMs, stats });
    });
    return out;
  }

  /** The end of the last window that saw any operation; 0 when none did. */
  endMs(): number {
    return Math.max(0, ...LOAD_OPERATIONS.map((op) => this.#windows[op].length * this.widthMs));
  }

  /** Adds another test's windows (a shard of the same test: the same width), window by window. */
  add(other: LoadWindows): void {
    if (other.widthMs !== this.widthMs) throw new Error(`windows of ${other.widthMs} ms cannot merge into windows of ${this.widthMs} ms`);
    for (const op of LOAD_OPERATIONS) {
      other.#windows[op].forEach((stats, index) => {
        if (stats) this.#at(op, index).add(stats);
      });
    }
  }

  toJSON(): WindowsJson {
    return { widthMs: this.widthMs, operations: Object.fromEntries(LOAD_OPERATIONS.map((op) => [op, this.of(op).map((w) => w.stats.toJSON(w.startMs))])) as Record<LoadOperation, WindowJson[]> };
  }

  /** From a report checked by validateLoadJson: every `startMs` a multiple of `widthMs`. */
  static fromJSON(json: WindowsJson): LoadWindows {
    const windows = new LoadWindows(json.widthMs);
    for (const op of LOAD_OPERATIONS) {
      const list = windows.#windows[op];
      for (const w of json.operations[op]) {
        const index = w.startMs / json.widthMs;
        const stats = WindowStats.fromJSON(w);
        const known = list[index];
        if (known) known.add(stats);
        else list[index] = stats;
      }
    }
    return windows;
  }
}
