import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';
import type { HttpOutcome } from '../scim/client/http.js';

/**
 * hdr-histogram-js, loaded by the first histogram: every report renderer reaches this module,
 * and `scimsim check` or `diff` should not pay for a package only load reports use
 * (docs/decisions/062-lazy-commands.md).
 */
let hdrModule: typeof import('hdr-histogram-js') | undefined;
function hdr(): typeof import('hdr-histogram-js') {
  hdrModule ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof import('hdr-histogram-js');
  return hdrModule;
}

/** The lifecycle operations a load test times, in report order. */
export const LOAD_OPERATIONS = ['lookup', 'create', 'update', 'deactivate', 'list'] as const;
export type LoadOperation = (typeof LOAD_OPERATIONS)[number];

/**
 * The two latencies of an operation, as k6 keeps them apart: `iteration` runs from the moment the
 * operation was due (the iteration's scheduled start for its first operation) to its answer, so
 * the client's own queue, rate-cap wait and retry backoff are in it (k6's `iteration_duration`,
 * free of coordinated omission); `server` is only the time the target took to answer, request
 * written to response read, summed over the operation's attempts (k6's `http_req_duration`).
 */
export const LATENCY_KINDS = ['iteration', 'server'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

/** Latencies are recorded in microseconds, to 3 significant digits, up to an hour and beyond. */
function newHistogram(): Histogram {
  return hdr().build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export interface LatencySummary {
  avg: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyJson {
  latencyMs: LatencySummary;
  /** Exact sum of latencies (µs), so merged averages stay exact. */
  sumUs: number;
  /** The HDR histogram of latencies in µs, compressed (HdrHistogram's base64 format). */
  histogram: string;
}

/** One latency's HDR histogram with its exact count, sum, min and max: merges exactly. */
export class LatencyStats {
  count = 0;
  sumUs = 0;
  minUs = Infinity;
  maxUs = 0;
  readonly histogram: Histogram;

  constructor(histogram: Histogram = newHistogram()) {
    this.histogram = histogram;
  }

  record(latencyMs: number): void {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.count++;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
    this.histogram.recordValue(us);
  }

  add(other: LatencyStats): void {
    this.count += other.count;
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
    this.histogram.add(other.histogram);
  }

  /** Latency at percentile `p` (0..100), in ms. */
  percentileMs(p: number): number {
    // HDR answers with the top of a value's bucket; an exact min and max bound it.
    return this.count === 0 ? 0 : Math.min(this.maxUs, Math.max(this.minUs, this.histogram.getValueAtPercentile(p))) / 1000;
  }

  /** `avg`, `min`, `max` or `pNN`, in ms. */
  statMs(stat: string): number {
    if (stat === 'avg') return this.count === 0 ? 0 : this.sumUs / this.count / 1000;
    if (stat === 'min') return this.count === 0 ? 0 : this.minUs / 1000;
    if (stat === 'max') return this.maxUs / 1000;
    return this.percentileMs(Number(stat.slice(1)));
  }

  summary(): LatencySummary {
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      avg: this.count === 0 ? 0 : ms(this.sumUs / this.count),
      min: this.count === 0 ? 0 : ms(this.minUs),
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      max: ms(this.maxUs),
    };
  }

  toJSON(): LatencyJson {
    return { latencyMs: this.summary(), sumUs: this.sumUs, histogram: hdr().encodeIntoCompressedBase64(this.histogram) };
  }

  static fromJSON(json: LatencyJson, count: number): LatencyStats {
    const stats = new LatencyStats(count === 0 ? newHistogram() : hdr().decodeFromCompressedBase64(json.histogram, 32, false));
    stats.count = count;
    stats.sumUs = json.sumUs;
    stats.minUs = count === 0 ? Infinity : Math.round(json.latencyMs.min * 1000);
    stats.maxUs = Math.round(json.latencyMs.max * 1000);
    return stats;
  }
}

/** The counts every load figure keeps of its operations (the whole test's, and each window's); they add exactly. */
export class OutcomeCounts {
  count = 0;
  errors = 0;
  /** Requests sent, retries included. */
  requests = 0;
  /** Requests answered 429. */
  throttled = 0;

  protected countOutcome(outcome: HttpOutcome): void {
    this.count++;
    if (!outcome.ok) this.errors++;
    this.requests += outcome.attempts;
    if (outcome.throttled !== undefined) this.throttled += outcome.throttled;
  }

  protected addCounts(other: OutcomeCounts): void {
    this.count += other.count;
    this.errors += other.errors;
    this.requests += other.requests;
    this.throttled += other.throttled;
  }

  protected readCounts(json: Pick<OutcomeCounts, 'count' | 'errors' | 'requests' | 'throttled'>): void {
    this.count = json.count;
    this.errors = json.errors;
    this.requests = json.requests;
    this.throttled = json.throttled;
  }
}

/**
 * What one operation came to over a load test, in a form that merges exactly: counts and sums
 * add, min and max combine, and the HDR histograms add bucket by bucket (never averaged).
 */
export class OperationStats extends OutcomeCounts {
  readonly iteration: LatencyStats;
  readonly server: LatencyStats;

  constructor(iteration: LatencyStats = new LatencyStats(), server: LatencyStats = new LatencyStats()) {
    super();
    this.iteration = iteration;
    this.server = server;
  }

  /** Operations that succeeded. */
  get succeeded(): number {
    return this.count - this.errors;
  }

  record(outcome: HttpOutcome, iterationMs: number, serverMs: number): void {
    this.countOutcome(outcome);
    this.iteration.record(iterationMs);
    this.server.record(serverMs);
  }

  add(other: OperationStats): void {
    this.addCounts(other);
    this.iteration.add(other.iteration);
    this.server.add(other.server);
  }

  latency(kind: LatencyKind): LatencyStats {
    return kind === 'server' ? this.server : this.iteration;
  }

  toJSON(): OperationJson {
    const iteration = this.iteration.toJSON();
    return {
      count: this.count,
      errors: this.errors,
      errorRate: rate(this.errors, this.count),
      requests: this.requests,
      throttled: this.throttled,
      throttledShare: rate(this.throttled, this.requests),
      ...iteration,
      server: this.server.toJSON(),
    };
  }

  static fromJSON(json: OperationJson): OperationStats {
    // A report written before server time was kept has none: an empty histogram, not a guess.
    const server = json.server ? LatencyStats.fromJSON(json.server, json.count) : new LatencyStats();
    const stats = new OperationStats(LatencyStats.fromJSON(json, json.count), server);
    stats.readCounts(json);
    return stats;
  }
}

/** `latencyMs`, `sumUs` and `histogram` are the iteration time; `server` the server time. */
export interface OperationJson extends LatencyJson {
  count: number;
  errors: number;
  errorRate: number;
  requests: number;
  throttled: number;
  throttledShare: number;
  server?: LatencyJson;
}

export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6;
}
