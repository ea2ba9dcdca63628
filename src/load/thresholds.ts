import { closest } from 'fastest-levenshtein';
import { UserError } from '../errors/user-error.js';
import { parseDuration } from './duration.js';
import { LOAD_OPERATIONS, type LatencyKind, type LoadOperation } from './metrics.js';

/**
 * Pass/fail criteria in the k6 style (`http_req_duration: ['p(95)<500']`), written as one
 * expression each: `create.p95<500`, `errors.rate<0.01`, `p99<=2000`, `dropped.count==0`.
 * Latencies are in milliseconds. An operation prefix narrows a metric to that operation.
 *
 * Latency metrics: `avg`, `min`, `med`, `max`, `p50`..`p99.9` or `p(95)`. Unqualified, or
 * with `iteration.` (`create.iteration.p95`), they read the iteration time (from the moment the
 * operation was due, the client's queue and rate-cap wait included); with `server.`
 * (`create.server.p95`), the server time alone, as k6's `http_req_duration`.
 * Counters: `count`; `errors.rate`, `errors.count`; `throttled.rate` (share of requests answered
 * 429), `throttled.count`; and, for the whole test only, `dropped.count`, `dropped.rate`
 * (iterations the schedule could not start), `iterations.count`.
 *
 * A threshold whose metric has no samples fails, "no data": a latency needs at least one
 * successful request of its operation, a rate a request, and every metric an iteration.
 *
 * A `:abort` suffix (`create.p95<500:abort`, or `:abort=30s` for a grace period as k6's
 * `delayAbortEval`) stops the test as soon as the threshold has definitely failed.
 */
export interface Threshold {
  /** As the user wrote it, without the abort suffix. */
  expression: string;
  operation: LoadOperation | undefined;
  /** For latency metrics: which latency. */
  latency: LatencyKind | undefined;
  metric: string;
  comparator: '<' | '<=' | '>' | '>=' | '==';
  value: number;
  /** Stop the test once this threshold has definitely failed, not before `graceMs` into it. */
  abort?: { graceMs: number };
}

export interface ThresholdResult {
  expression: string;
  ok: boolean;
  /** The measured value the threshold was checked against; null when there was no data. */
  actual: number | null;
  /** Why there was no data (the threshold then fails). */
  noData?: string;
}

/** A measured value, or why there is none. */
export type Measured = { value: number } | { noData: string };

const LATENCY = /^(avg|min|med|max|p\d{1,2}(\.\d+)?|p\(\d{1,2}(\.\d+)?\))$/;
const COUNTERS = ['count', 'errors.rate', 'errors.count', 'throttled.rate', 'throttled.count'];
const WHOLE_TEST = ['dropped.count', 'dropped.rate', 'iterations.count'];
const KNOWN = ['avg', 'min', 'med', 'max', 'p50', 'p90', 'p95', 'p99', 'server.p95', 'iteration.p95', ...COUNTERS, ...WHOLE_TEST];

export function parseThreshold(text: string): Threshold {
  const abortMatch = /^(.*?):\s*abort(?:\s*=\s*([^\s]+))?\s*$/i.exec(text);
  const expression = abortMatch ? (abortMatch[1] as string) : text;
  const match = /^\s*([a-z0-9.()]+)\s*(<=|>=|==|<|>)\s*(-?\d+(\.\d+)?)\s*$/i.exec(expression);
  if (!match) {
    throw new UserError('bad-threshold', `Failed to read --threshold '${text}': it is not METRIC<VALUE.`, {
      hint: "Write e.g. --threshold 'create.p95<500' (ms), 'create.server.p95<300' or 'errors.rate<0.01'; comparators < <= > >= ==; add :abort to stop the test when it fails.",
    });
  }
  let name = (match[1] as string).toLowerCase();
  let operation: LoadOperation | undefined;
  const dot = name.indexOf('.');
  const head = dot === -1 ? name : name.slice(0, dot);
  if ((LOAD_OPERATIONS as readonly string[]).includes(head)) {
    operation = head as LoadOperation;
    name = name.slice(dot + 1);
    if (dot === -1 || WHOLE_TEST.includes(name)) name = '';
  }
  let latency: LatencyKind | undefined;
  const kind = /^(server|iteration)\.(.+)$/.exec(name);
  if (kind && LATENCY.test(kind[2] as string)) {
    latency = kind[1] as LatencyKind;
    name = kind[2] as string;
  } else if (LATENCY.test(name)) latency = 'iteration';
  if (!LATENCY.test(name) && !COUNTERS.includes(name) && !(operation === undefined && WHOLE_TEST.includes(name))) {
    const full = operation ? `${operation}.${name}` : name;
    const guess = closest(name, KNOWN);
    throw new UserError('bad-threshold', `Failed to read --threshold '${text}': ${full === '' ? 'no metric' : `'${full}'`} is not a load metric.`, {
      hint: `Did you mean '${operation ? `${operation}.` : ''}${guess}'? Metrics: [operation.][server.|iteration.]avg|min|med|max|pNN, [operation.]count|errors.rate|throttled.rate, and dropped.count|dropped.rate for the whole test; operations: ${LOAD_OPERATIONS.join(', ')}.`,
    });
  }
  let abort: Threshold['abort'];
  if (abortMatch) abort = { graceMs: abortMatch[2] === undefined ? 0 : parseDuration(abortMatch[2], `--threshold '${text}' abort grace period`) };
  return {
    expression: expression.trim(),
    operation,
    latency,
    metric: name,
    comparator: match[2] as Threshold['comparator'],
    value: Number(match[3]),
    ...(abort ? { abort } : {}),
  };
}

/** The numbers a threshold can read: latency in ms, counts, and rates in 0..1. */
export interface MetricSource {
  latencyMs(operation: LoadOperation | undefined, kind: LatencyKind, percentileOrStat: string): Measured;
  counter(operation: LoadOperation | undefined, name: string): Measured;
}

export function evaluateThreshold(threshold: Threshold, source: MetricSource): ThresholdResult {
  const { metric, operation } = threshold;
  const measured = threshold.latency !== undefined ? source.latencyMs(operation, threshold.latency, normalizeLatency(metric)) : source.counter(operation, metric);
  if ('noData' in measured) return { expression: threshold.expression, ok: false, actual: null, noData: measured.noData };
  return { expression: threshold.expression, ok: compare(measured.value, threshold.comparator, threshold.value), actual: measured.value };
}

/** `med` and `p(95)` to `p50` and `p95`. */
function normalizeLatency(metric: string): string {
  if (metric === 'med') return 'p50';
  const paren = /^p\((.+)\)$/.exec(metric);
  return paren ? `p${paren[1]}` : metric;
}

function compare(actual: number, comparator: Threshold['comparator'], value: number): boolean {
  switch (comparator) {
    case '<':
      return actual < value;
    case '<=':
      return actual <= value;
    case '>':
      return actual > value;
    case '>=':
      return actual >= value;
    case '==':
      return actual === value;
  }
}
