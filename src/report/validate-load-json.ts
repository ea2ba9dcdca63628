import { LOAD_OPERATIONS } from '../load/metrics.js';
import { MAX_WINDOWS, MIN_WINDOW_MS } from '../load/windows.js';

/**
 * Checks a `scimsim load --format json` report read back from a file against the report's shape
 * before anything is computed from it: types, ranges and sizes. A shard file is input like any
 * other: `shard.count: 1e9` would allocate a billion-entry list, a string count would pass every
 * comparison. Returns every problem at once, each with its JSON path; empty when the report is sound.
 */
export function validateLoadJson(value: unknown): string[] {
  const problems: string[] = [];
  const v = new Checker(problems);
  const top = v.object(value, '');
  if (!top) return problems;
  if (top['command'] !== 'load') return ['command: not "load" (this is not a scimsim load report)'];
  if (top['formatVersion'] !== '1.0') return [`formatVersion: ${short(top['formatVersion'])}; this scimsim reads 1.0`];
  v.string(top['scenario'], 'scenario');
  v.integer(top['seed'], 'seed', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  v.oneOf(top['target'], 'target', ['mock', 'live']);
  v.string(top['dialect'], 'dialect');
  v.boolean(top['partial'], 'partial');
  v.boolean(top['capped'], 'capped');
  if (top['runId'] !== undefined) v.string(top['runId'], 'runId');
  if (top['mergedFrom'] !== undefined) v.integer(top['mergedFrom'], 'mergedFrom', 1, MAX_SHARDS);
  if (top['shard'] !== null && top['shard'] !== undefined) {
    const shard = v.object(top['shard'], 'shard');
    const count = shard && v.integer(shard['count'], 'shard.count', 1, MAX_SHARDS);
    if (shard && count !== undefined) v.integer(shard['index'], 'shard.index', 0, count - 1);
  }
  const schedule = v.object(top['schedule'], 'schedule');
  if (schedule) {
    v.array(schedule['stages'], 'schedule.stages', MAX_STAGES, (stage, at) => {
      const s = v.object(stage, at);
      if (!s) return;
      v.number(s['durationMs'], `${at}.durationMs`, 0);
      v.number(s['from'], `${at}.from`, 0);
      v.number(s['to'], `${at}.to`, 0);
    });
    v.number(schedule['durationMs'], 'schedule.durationMs', 0);
    v.integer(schedule['iterations'], 'schedule.iterations', 0, MAX_COUNT);
    v.integer(schedule['vus'], 'schedule.vus', 1, 1_000_000);
  }
  const mix = v.object(top['mix'], 'mix');
  if (mix) for (const key of ['update', 'deactivate', 'list']) v.number(mix[key], `mix.${key}`, 0);
  v.array(top['thresholds'], 'thresholds', MAX_LIST, (t, at) => {
    const o = v.object(t, at);
    if (!o) return;
    v.string(o['expression'], `${at}.expression`);
    v.boolean(o['ok'], `${at}.ok`);
  });
  const iterations = v.object(top['iterations'], 'iterations');
  if (iterations) for (const key of ['scheduled', 'started', 'dropped', 'completed']) v.integer(iterations[key], `iterations.${key}`, 0, MAX_COUNT);
  const operations = v.object(top['operations'], 'operations');
  if (operations) {
    for (const op of LOAD_OPERATIONS) {
      const o = v.object(operations[op], `operations.${op}`);
      if (!o) continue;
      for (const key of ['count', 'errors', 'requests', 'throttled']) v.integer(o[key], `operations.${op}.${key}`, 0, MAX_COUNT);
      v.number(o['sumUs'], `operations.${op}.sumUs`, 0);
      v.string(o['histogram'], `operations.${op}.histogram`, MAX_HISTOGRAM_CHARS);
      const latency = v.object(o['latencyMs'], `operations.${op}.latencyMs`);
      if (latency) for (const key of ['min', 'max']) v.number(latency[key], `operations.${op}.latencyMs.${key}`, 0);
      // The server-side timings, when the report has them, decode like the client's.
      const server = o['server'] === undefined ? undefined : v.object(o['server'], `operations.${op}.server`);
      if (server) {
        v.number(server['sumUs'], `operations.${op}.server.sumUs`, 0);
        v.string(server['histogram'], `operations.${op}.server.histogram`, MAX_HISTOGRAM_CHARS);
      }
    }
  }
  // Per-window figures: absent from reports written before they were kept.
  const windows = top['windows'] === undefined ? undefined : v.object(top['windows'], 'windows');
  if (windows) {
    const width = v.integer(windows['widthMs'], 'windows.widthMs', MIN_WINDOW_MS, MAX_WINDOW_MS);
    const byOp = v.object(windows['operations'], 'windows.operations');
    if (byOp) {
      for (const op of LOAD_OPERATIONS) {
        let last = -1;
        v.array(byOp[op], `windows.operations.${op}`, MAX_WINDOWS, (entry, at) => {
          const w = v.object(entry, at);
          if (!w) return;
          const start = v.integer(w['startMs'], `${at}.startMs`, 0, Number.MAX_SAFE_INTEGER);
          if (start !== undefined && width !== undefined) {
            if (start % width !== 0) v.fail(`${at}.startMs`, `${start} is not a multiple of windows.widthMs ${width}`);
            else if (start / width >= MAX_WINDOWS) v.fail(`${at}.startMs`, `${start} is past the last window (${MAX_WINDOWS} of ${width} ms)`);
            else if (start <= last) v.fail(`${at}.startMs`, `${start} does not come after the window before it (${last})`);
            else last = start;
          }
          for (const key of ['count', 'errors', 'requests', 'throttled']) v.integer(w[key], `${at}.${key}`, 0, MAX_COUNT);
          v.number(w['sumUs'], `${at}.sumUs`, 0);
          v.string(w['histogram'], `${at}.histogram`, MAX_HISTOGRAM_CHARS);
          const latency = v.object(w['latencyMs'], `${at}.latencyMs`);
          if (latency) for (const key of ['min', 'max']) v.number(latency[key], `${at}.latencyMs.${key}`, 0);
        });
      }
    }
  }
  const retryAfter = top['retryAfter'] === undefined ? undefined : v.object(top['retryAfter'], 'retryAfter');
  if (retryAfter) {
    v.array(retryAfter['values'], 'retryAfter.values', MAX_LIST, (entry, at) => {
      const o = v.object(entry, at);
      if (!o) return;
      v.number(o['ms'], `${at}.ms`, 0);
      v.integer(o['count'], `${at}.count`, 0, MAX_COUNT);
    });
  }
  if (top['failures'] !== undefined) {
    v.array(top['failures'], 'failures', MAX_LIST, (f, at) => {
      const o = v.object(f, at);
      if (!o) return;
      v.oneOf(o['operation'], `${at}.operation`, LOAD_OPERATIONS);
      v.integer(o['status'], `${at}.status`, 0, 999);
      v.integer(o['count'], `${at}.count`, 0, MAX_COUNT);
      if (o['scimType'] !== undefined) v.string(o['scimType'], `${at}.scimType`);
      if (o['error'] !== undefined) v.string(o['error'], `${at}.error`);
    });
  }
  const timing = top['timing'] === undefined ? undefined : v.object(top['timing'], 'timing');
  if (timing) for (const key of ['simulatedMs', 'wallMs']) v.number(timing[key], `timing.${key}`, 0);
  return problems;
}

/** More shards than this is not a test anyone ran; a larger count is a damaged or hostile file. */
export const MAX_SHARDS = 1024;
const MAX_STAGES = 1000;
const MAX_LIST = 100_000;
/** Counts beyond this (a trillion operations) are not from a load test. */
const MAX_COUNT = 1e12;
const MAX_STRING = 1000;
const MAX_HISTOGRAM_CHARS = 4 * 1024 * 1024;
/** The widest window: a day. */
const MAX_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Reporting stops here: one broken writer gives the same problem in every entry. */
const MAX_PROBLEMS = 20;

class Checker {
  readonly #problems: string[];

  constructor(problems: string[]) {
    this.#problems = problems;
  }

  fail(path: string, what: string): undefined {
    if (this.#problems.length < MAX_PROBLEMS) this.#problems.push(`${path || '(top)'}: ${what}`);
    return undefined;
  }

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return this.fail(path, `expected an object, found ${kind(value)}`);
    return value as Record<string, unknown>;
  }

  string(value: unknown, path: string, max = MAX_STRING): string | undefined {
    if (typeof value !== 'string') return this.fail(path, `expected a string, found ${kind(value)}`);
    if (value.length > max) return this.fail(path, `a string of ${value.length} characters; at most ${max}`);
    return value;
  }

  boolean(value: unknown, path: string): void {
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, found ${kind(value)}`);
  }

  number(value: unknown, path: string, min: number): number | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value)) return this.fail(path, `expected a number, found ${kind(value)}`);
    if (value < min) return this.fail(path, `${value} is below ${min}`);
    return value;
  }

  integer(value: unknown, path: string, min: number, max: number): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.fail(path, `expected a whole number, found ${kind(value)}`);
    if (value < min || value > max) return this.fail(path, `${value} is outside ${min}..${max}`);
    return value;
  }

  oneOf(value: unknown, path: string, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value)) this.fail(path, `expected one of ${allowed.join(', ')}, found ${kind(value)}`);
  }

  array(value: unknown, path: string, max: number, each: (item: unknown, at: string) => void): void {
    if (!Array.isArray(value)) {
      this.fail(path, `expected a list, found ${kind(value)}`);
      return;
    }
    if (value.length > max) {
      this.fail(path, `a list of ${value.length} entries; at most ${max}`);
      return;
    }
    value.forEach((item, i) => each(item, `${path}[${i}]`));
  }
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${short(value)}`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 40 ? text : `${text.slice(0, 37)}…`;
}
