import { metricSource, type MetricView } from './report.js';
import type { LoadAbort } from './runner.js';
import { evaluateThreshold, type Threshold, type ThresholdResult } from './thresholds.js';

/** Counters that only grow while a test runs. */
const GROWING = new Set(['count', 'errors.count', 'throttled.count', 'dropped.count', 'iterations.count']);

/**
 * Whether a threshold failing on the figures so far has failed for good, so that a test with
 * `--abort-on-fail` (k6's `abortOnFail`) may stop. A growing counter past an upper bound
 * (`errors.count<10`, `dropped.count==0`) can never come back. A rate or a latency could in
 * principle recover, so, as k6 does, it counts as failed when it fails at a check made after the
 * grace period (k6's `delayAbortEval`), which is there to keep a cold start from aborting the
 * test. A threshold with no data yet, or a lower bound not reached yet (`count>100`), never
 * stops a test: the data may still come.
 */
export function definitelyFailed(threshold: Threshold, result: ThresholdResult, elapsedMs: number): boolean {
  if (!threshold.abort || result.ok || result.actual === null) return false;
  if (elapsedMs < threshold.abort.graceMs) return false;
  if (threshold.latency !== undefined) return true;
  if (GROWING.has(threshold.metric)) return threshold.comparator === '<' || threshold.comparator === '<=' || (threshold.comparator === '==' && result.actual > threshold.value);
  // Rates (errors.rate, throttled.rate, dropped.rate).
  return true;
}

/**
 * Watches the thresholds that carry `abort` while a test runs, at most once per `everyMs` of the
 * run's clock (evaluating percentiles costs more than an operation).
 */
export function watchThresholds(thresholds: Threshold[], view: () => MetricView, everyMs = 1000): (nowMs: number) => LoadAbort | undefined {
  const watched = thresholds.filter((t) => t.abort !== undefined);
  let checkedAt = -Infinity;
  return (nowMs) => {
    if (watched.length === 0 || nowMs - checkedAt < everyMs) return undefined;
    checkedAt = nowMs;
    const source = metricSource(view());
    for (const threshold of watched) {
      if (definitelyFailed(threshold, evaluateThreshold(threshold, source), nowMs)) return { threshold: threshold.expression, atMs: Math.round(nowMs) };
    }
    return undefined;
  };
}
