import { closest } from 'fastest-levenshtein';
import { UserError } from '../errors/user-error.js';
import { LOAD_OPERATIONS, type LoadOperation } from './metrics.js';

/**
 * Pass/fail criteria in the k6 style (`http_req_duration: ['p(95)<500']`), written as one
 * expression each: `create.p95<500`, `errors.rate<0.01`, `p99<=2000`, `dropped.count==0`.
 * Latencies are in milliseconds. An operation prefix narrows a metric to that operation.
 *
 * Metrics: latency `avg`, `min`, `med`, `max`, `p50`..`p99.9` or `p(95)`; `count`;
 * `errors.rate`, `errors.count`; `throttled.rate` (share of requests answered 429),
 * `throttled.count`; and, for the whole test only, `dropped.count`, `dropped.rate`
 * (iterations the schedule could not start), `iterations.count`.
 */
export interface Threshold {
  /** As the user wrote it. */
  expression: string;
  operation: LoadOperation | undefined;
  metric: string;
  comparator: '<' | '<=' | '>' | '>=' | '==';
  value: number;
}

export interface ThresholdResult {
  expression: string;
  ok: boolean;
  /** The measured value the threshold was checked against. */
  actual: number;
}

const LATENCY = /^(avg|min|med|max|p\d{1,2}(\.\d+)?|p\(\d{1,2}(\.\d+)?\))$/;
const COUNTERS = ['count', 'errors.rate', 'errors.count', 'throttled.rate', 'throttled.count'];
const WHOLE_TEST = ['dropped.count', 'dropped.rate', 'iterations.count'];
const KNOWN = ['avg', 'min', 'med', 'max', 'p50', 'p90', 'p95', 'p99', ...COUNTERS, ...WHOLE_TEST];

export function parseThreshold(expression: string): Threshold {
  const match = /^\s*([a-z0-9.()]+)\s*(<=|>=|==|<|>)\s*(-?\d+(\.\d+)?)\s*$/i.exec(expression);
  if (!match) {
    throw new UserError('bad-threshold', `Failed to read --threshold '${expression}': it is not METRIC<VALUE.`, {
      hint: "Write e.g. --threshold 'create.p95<500' (ms) or --threshold 'errors.rate<0.01'; comparators < <= > >= ==.",
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
  if (!LATENCY.test(name) && !COUNTERS.includes(name) && !(operation === undefined && WHOLE_TEST.includes(name))) {
    const full = operation ? `${operation}.${name}` : name;
    const guess = closest(name, KNOWN);
    throw new UserError('bad-threshold', `Failed to read --threshold '${expression}': ${full === '' ? 'no metric' : `'${full}'`} is not a load metric.`, {
      hint: `Did you mean '${operation ? `${operation}.` : ''}${guess}'? Metrics: [operation.]avg|min|med|max|pNN|count|errors.rate|throttled.rate, and dropped.count|dropped.rate for the whole test; operations: ${LOAD_OPERATIONS.join(', ')}.`,
    });
  }
  return { expression: expression.trim(), operation, metric: name, comparator: match[2] as Threshold['comparator'], value: Number(match[3]) };
}

/** The numbers a threshold can read: latency in ms, counts, and rates in 0..1. */
export interface MetricSource {
  latencyMs(operation: LoadOperation | undefined, percentileOrStat: string): number;
  counter(operation: LoadOperation | undefined, name: string): number;
}

export function evaluateThreshold(threshold: Threshold, source: MetricSource): ThresholdResult {
  const { metric, operation } = threshold;
  const actual = LATENCY.test(metric) ? source.latencyMs(operation, normalizeLatency(metric)) : source.counter(operation, metric);
  return { expression: threshold.expression, ok: compare(actual, threshold.comparator, threshold.value), actual };
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
