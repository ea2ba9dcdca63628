import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { HttpOutcome } from '../scim/client/http.js';

/** The lifecycle operations a load test times, in report order. */
export const LOAD_OPERATIONS = ['lookup', 'create', 'update', 'deactivate', 'list'] as const;
export type LoadOperation = (typeof LOAD_OPERATIONS)[number];

/** Latencies are recorded in microseconds, to 3 significant digits, up to an hour and beyond. */
function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/**
 * What one operation came to over a load test, in a form that merges exactly: counts and sums
 * add, min and max combine, and the HDR histogram adds bucket by bucket (never averaged).
 */
export class OperationStats {
  count = 0;
  errors = 0;
  /** Requests sent for this operation, retries included. */
  requests = 0;
  /** Requests answered 429. */
  throttled = 0;
  sumUs = 0;
  minUs = Infinity;
  maxUs = 0;
  readonly histogram: Histogram;

  constructor(histogram: Histogram = newHistogram()) {
    this.histogram = histogram;
  }

  record(outcome: HttpOutcome, latencyMs: number): void {
    const us = Math.max(1, Math.round(latencyMs * 1000));
    this.count++;
    if (!outcome.ok) this.errors++;
    this.requests += outcome.attempts;
    if (outcome.throttled !== undefined) this.throttled += outcome.throttled;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
    this.histogram.recordValue(us);
  }

  add(other: OperationStats): void {
    this.count += other.count;
    this.errors += other.errors;
    this.requests += other.requests;
    this.throttled += other.throttled;
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

  toJSON(): OperationJson {
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      count: this.count,
      errors: this.errors,
      errorRate: rate(this.errors, this.count),
      requests: this.requests,
      throttled: this.throttled,
      throttledShare: rate(this.throttled, this.requests),
      latencyMs: {
        avg: this.count === 0 ? 0 : ms(this.sumUs / this.count),
        min: this.count === 0 ? 0 : ms(this.minUs),
        p50: this.percentileMs(50),
        p90: this.percentileMs(90),
        p95: this.percentileMs(95),
        p99: this.percentileMs(99),
        max: ms(this.maxUs),
      },
      sumUs: this.sumUs,
      histogram: encodeIntoCompressedBase64(this.histogram),
    };
  }

  static fromJSON(json: OperationJson): OperationStats {
    const stats = new OperationStats(json.count === 0 ? newHistogram() : decodeFromCompressedBase64(json.histogram, 32, false));
    stats.count = json.count;
    stats.errors = json.errors;
    stats.requests = json.requests;
    stats.throttled = json.throttled;
    stats.sumUs = json.sumUs;
    stats.minUs = json.count === 0 ? Infinity : Math.round(json.latencyMs.min * 1000);
    stats.maxUs = Math.round(json.latencyMs.max * 1000);
    return stats;
  }
}

export interface OperationJson {
  count: number;
  errors: number;
  errorRate: number;
  requests: number;
  throttled: number;
  throttledShare: number;
  latencyMs: { avg: number; min: number; p50: number; p90: number; p95: number; p99: number; max: number };
  /** Exact sum of latencies (µs), so merged averages stay exact. */
  sumUs: number;
  /** The HDR histogram of latencies in µs, compressed (HdrHistogram's base64 format). */
  histogram: string;
}

export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6;
}
