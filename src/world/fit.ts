import type { LatencySpec } from '../mock/profile/types.js';

/** z of the 99th percentile of a standard normal. */
const Z99 = 2.3263;

/**
 * A latency spec fitted from a few samples (ms): p50 is the median, p99 the 99th percentile of a
 * log-normal with the samples' log-spread, the shape the embedded mock draws latency from. A
 * handful of samples rarely holds a 1-in-100 answer, so the tail is extrapolated rather than
 * read off; it is never below the slowest sample. Undefined when there are no samples or the
 * median is 0 ms (a world that answers at once has no latency to configure).
 */
export function fitLatency(samples: readonly number[]): LatencySpec | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  if (median <= 0) return undefined;
  const logs = sorted.filter((x) => x > 0).map((x) => Math.log(x));
  const mean = logs.reduce((sum, x) => sum + x, 0) / logs.length;
  const variance = logs.length > 1 ? logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (logs.length - 1) : 0;
  const tail = Math.exp(Math.log(median) + Z99 * Math.sqrt(variance));
  const slowest = sorted[sorted.length - 1] ?? median;
  return { p50: round(median), p99: round(Math.max(tail, slowest, median)) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
