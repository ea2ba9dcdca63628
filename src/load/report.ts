import { UserError } from '../errors/user-error.js';
import type { CleanupResult } from '../target/cleanup.js';
import { LOAD_OPERATIONS, OperationStats, type LoadOperation, type OperationJson } from './metrics.js';
import type { LoadMix } from './mix.js';
import type { LoadAbort, LoadFailure, LoadResult } from './runner.js';
import type { LoadPlan, LoadStage } from './schedule.js';
import { evaluateThreshold, parseThreshold, type Measured, type MetricSource, type ThresholdResult } from './thresholds.js';
import { LoadWindows, type WindowsJson } from './windows.js';

/** A load test's report, from a run or read back from shard JSON files for merging. */
export interface LoadReport {
  scenario: string;
  seed: number;
  target: 'mock' | 'live';
  dialect: string;
  /** mock: the world the load played, and the env set it was built for (file labels). */
  world?: { name: string; builtFor: string };
  runId?: string;
  /** This report's shard; undefined for a whole test (unsharded, or merged). */
  shard: { index: number; count: number } | undefined;
  /** A merge: how many shard reports went into it. */
  mergedFrom?: number;
  plan: LoadPlan;
  vus: number;
  mix: LoadMix;
  iterations: { scheduled: number; started: number; dropped: number; completed: number };
  operations: Record<LoadOperation, OperationStats>;
  /** Per-window figures; undefined for a report written before they were kept. */
  windows?: LoadWindows;
  failures: LoadFailure[];
  retryAfterMs: Map<number, number>;
  thresholds: string[];
  results: ThresholdResult[];
  partial: boolean;
  capped: boolean;
  /** `--abort-on-fail`: the threshold that stopped the test, and when. */
  aborted?: LoadAbort;
  live?: { journal: string; kept: boolean; cleanup?: CleanupResult };
  timing: { simulatedMs: number; wallMs: number };
}

export function buildLoadReport(result: LoadResult, scenario: string, thresholds: string[]): LoadReport {
  const { request } = result;
  const report: LoadReport = {
    scenario,
    seed: request.seed,
    target: request.target,
    dialect: request.dialect,
    ...(result.runId ? { runId: result.runId } : {}),
    shard: request.shard && request.shard.count > 1 ? request.shard : undefined,
    plan: request.plan,
    vus: result.vus,
    mix: request.mix,
    iterations: result.iterations,
    operations: result.operations,
    windows: result.windows,
    failures: sortFailures(result.failures),
    retryAfterMs: result.retryAfterMs,
    thresholds,
    results: [],
    partial: result.partial,
    capped: result.capped,
    ...(result.aborted ? { aborted: result.aborted } : {}),
    ...(result.live ? { live: result.live } : {}),
    timing: result.timing,
  };
  report.results = thresholds.map((t) => evaluateThreshold(parseThreshold(t), metricSource(report)));
  return report;
}

/** What thresholds read: the figures of a report, or of a test still running. */
export type MetricView = Pick<LoadReport, 'operations' | 'iterations'>;

/** Whole-test totals over every operation. */
export function totals(report: MetricView): OperationStats {
  const all = new OperationStats();
  for (const op of LOAD_OPERATIONS) all.add(report.operations[op]);
  return all;
}

/**
 * What a threshold reads. "No data" rather than a zero whenever the metric has no samples: a
 * latency of an operation none of whose requests succeeded, a rate over no requests, anything
 * of an operation that never ran or of a test that started no iteration.
 */
export function metricSource(report: MetricView): MetricSource {
  // The whole-test totals merge five histograms: only when a threshold reads them.
  let all: OperationStats | undefined;
  const stats = (op: LoadOperation | undefined): OperationStats => (op === undefined ? (all ??= totals(report)) : report.operations[op]);
  const what = (op: LoadOperation | undefined): string => (op === undefined ? 'request' : `${op} request`);
  const value = (v: number): Measured => ({ value: v });
  return {
    latencyMs: (op, kind, stat) => {
      const s = stats(op);
      if (s.count === 0) return { noData: `no ${what(op)} was sent` };
      if (s.succeeded === 0) return { noData: `every ${what(op)} failed (${s.errors.toLocaleString('en-US')} of ${s.count.toLocaleString('en-US')})` };
      return value(s.latency(kind).statMs(stat));
    },
    counter: (op, name) => {
      const it = report.iterations;
      if (name === 'dropped.count' || name === 'dropped.rate') {
        if (it.scheduled === 0) return { noData: 'no iteration was scheduled' };
        return value(name === 'dropped.count' ? it.dropped : it.dropped / it.scheduled);
      }
      if (name === 'iterations.count') return it.scheduled === 0 ? { noData: 'no iteration was scheduled' } : value(it.started);
      const s = stats(op);
      if (s.count === 0) return { noData: `no ${what(op)} was sent` };
      switch (name) {
        case 'count':
          return value(s.count);
        case 'errors.rate':
          return value(s.errors / s.count);
        case 'errors.count':
          return value(s.errors);
        case 'throttled.rate':
          return s.requests === 0 ? { noData: `no ${what(op)} reached the target` } : value(s.throttled / s.requests);
        case 'throttled.count':
          return value(s.throttled);
        default:
          return { noData: `${name} is not a load metric` };
      }
    },
  };
}

/**
 * What the verdict line must say whatever the thresholds: iterations the schedule dropped, and
 * operations none of whose requests succeeded.
 */
export function loadProblems(report: LoadReport): string[] {
  const problems: string[] = [];
  const it = report.iterations;
  if (it.dropped > 0) problems.push(`${it.dropped.toLocaleString('en-US')} of ${it.scheduled.toLocaleString('en-US')} iterations dropped`);
  for (const op of LOAD_OPERATIONS) {
    const s = report.operations[op];
    if (s.count > 0 && s.succeeded === 0) problems.push(`every ${op} failed (${s.count.toLocaleString('en-US')})`);
  }
  if (it.scheduled > 0 && it.started === 0) problems.push('no iteration started');
  return problems;
}

/** Every threshold met, and the test not stopped by one. */
export function passed(report: LoadReport): boolean {
  return report.aborted === undefined && report.results.every((r) => r.ok);
}

function sortFailures(failures: LoadFailure[]): LoadFailure[] {
  return [...failures].sort((a, b) => b.count - a.count || LOAD_OPERATIONS.indexOf(a.operation) - LOAD_OPERATIONS.indexOf(b.operation) || a.status - b.status || (a.scimType ?? a.error ?? '').localeCompare(b.scimType ?? b.error ?? ''));
}

// ---------------------------------------------------------------------------------------------
// JSON (the shard format `scimsim report merge` reads back)

/** The id of the load report's JSON Schema (schemas/load-report.json). */
export const LOAD_REPORT_SCHEMA = 'https://scimsim.dev/schemas/load-report.json';

export interface LoadJson {
  $schema: string;
  formatVersion: '1.0';
  command: 'load';
  verdict: 'pass' | 'fail';
  scenario: string;
  seed: number;
  target: 'mock' | 'live';
  dialect: string;
  world?: { name: string; builtFor: string };
  runId?: string;
  shard: { index: number; count: number } | null;
  mergedFrom?: number;
  partial: boolean;
  capped: boolean;
  aborted?: LoadAbort;
  /** Dropped iterations and operations that never succeeded, whatever the thresholds. */
  problems: string[];
  schedule: { stages: LoadStage[]; durationMs: number; iterations: number; vus: number };
  mix: LoadMix;
  thresholds: ThresholdResult[];
  iterations: LoadReport['iterations'];
  totals: { operations: number; errors: number; errorRate: number; requests: number; throttled: number; throttledShare: number; latencyMs: OperationJson['latencyMs'] };
  operations: Record<LoadOperation, OperationJson>;
  /** Per operation, the test in fixed windows; absent from reports written before they were kept. */
  windows?: WindowsJson;
  retryAfter: { count: number; minMs: number; maxMs: number; values: Array<{ ms: number; count: number }> };
  failures: LoadFailure[];
  live?: LoadReport['live'];
  timing: LoadReport['timing'];
}

export function loadReportToJson(report: LoadReport): LoadJson {
  const all = totals(report).toJSON();
  const values = [...report.retryAfterMs.entries()].sort((a, b) => a[0] - b[0]).map(([ms, count]) => ({ ms, count }));
  return {
    $schema: LOAD_REPORT_SCHEMA,
    formatVersion: '1.0',
    command: 'load',
    verdict: passed(report) ? 'pass' : 'fail',
    scenario: report.scenario,
    seed: report.seed,
    target: report.target,
    dialect: report.dialect,
    ...(report.world ? { world: { name: report.world.name, builtFor: report.world.builtFor } } : {}),
    ...(report.runId ? { runId: report.runId } : {}),
    shard: report.shard ?? null,
    ...(report.mergedFrom !== undefined ? { mergedFrom: report.mergedFrom } : {}),
    partial: report.partial,
    capped: report.capped,
    ...(report.aborted ? { aborted: report.aborted } : {}),
    problems: loadProblems(report),
    schedule: { stages: report.plan.stages, durationMs: report.plan.durationMs, iterations: report.plan.iterations, vus: report.vus },
    mix: report.mix,
    thresholds: report.results,
    iterations: report.iterations,
    totals: { operations: all.count, errors: all.errors, errorRate: all.errorRate, requests: all.requests, throttled: all.throttled, throttledShare: all.throttledShare, latencyMs: all.latencyMs },
    operations: Object.fromEntries(LOAD_OPERATIONS.map((op) => [op, report.operations[op].toJSON()])) as Record<LoadOperation, OperationJson>,
    ...(report.windows ? { windows: report.windows.toJSON() } : {}),
    retryAfter: { count: values.reduce((n, v) => n + v.count, 0), minMs: values[0]?.ms ?? 0, maxMs: values.at(-1)?.ms ?? 0, values },
    failures: report.failures,
    ...(report.live ? { live: report.live } : {}),
    timing: report.timing,
  };
}

/** Reads a `scimsim load --format json` report back; `file` names it in messages. */
export function loadReportFromJson(value: unknown, file: string): LoadReport {
  const json = value as Partial<LoadJson> | null;
  const bad = (what: string): UserError =>
    new UserError('bad-report', `Failed to merge: ${file} ${what}.`, { hint: 'Give the JSON reports of `scimsim load --shard i/n --format json --out FILE`.', location: { file } });
  if (json === null || typeof json !== 'object' || json.command !== 'load') throw bad('is not a scimsim load JSON report');
  if (json.formatVersion !== '1.0') throw bad(`has formatVersion ${String(json.formatVersion)}; this scimsim reads 1.0`);
  if (!json.schedule || !json.operations || !json.iterations || !json.mix || !Array.isArray(json.thresholds)) throw bad('lacks schedule, mix, iterations, thresholds or operations');
  const operations = {} as Record<LoadOperation, OperationStats>;
  for (const op of LOAD_OPERATIONS) {
    const o = json.operations[op];
    if (!o || typeof o.histogram !== 'string' || typeof o.sumUs !== 'number') throw bad(`lacks the ${op} histogram`);
    try {
      operations[op] = OperationStats.fromJSON(o);
    } catch {
      throw bad(`has a ${op} histogram that does not decode`);
    }
  }
  let windows: LoadWindows | undefined;
  if (json.windows !== undefined) {
    try {
      windows = LoadWindows.fromJSON(json.windows);
    } catch {
      throw bad('has per-window histograms that do not decode');
    }
  }
  return {
    scenario: String(json.scenario),
    seed: Number(json.seed),
    target: json.target === 'live' ? 'live' : 'mock',
    dialect: String(json.dialect),
    ...(json.world && typeof json.world.name === 'string' && typeof json.world.builtFor === 'string' ? { world: { name: json.world.name, builtFor: json.world.builtFor } } : {}),
    ...(json.runId ? { runId: json.runId } : {}),
    shard: json.shard ?? undefined,
    ...(json.mergedFrom !== undefined ? { mergedFrom: json.mergedFrom } : {}),
    plan: { stages: json.schedule.stages, durationMs: json.schedule.durationMs, iterations: json.schedule.iterations },
    vus: json.schedule.vus,
    mix: json.mix,
    iterations: json.iterations,
    operations,
    ...(windows ? { windows } : {}),
    failures: json.failures ?? [],
    retryAfterMs: new Map((json.retryAfter?.values ?? []).map((v) => [v.ms, v.count])),
    thresholds: json.thresholds.map((t) => t.expression),
    results: json.thresholds,
    partial: json.partial === true,
    capped: json.capped === true,
    ...(json.aborted ? { aborted: json.aborted } : {}),
    ...(json.live ? { live: json.live } : {}),
    timing: json.timing ?? { simulatedMs: 0, wallMs: 0 },
  };
}

/**
 * Combines the shard reports of one sharded load test into the report of the whole test:
 * counts add, histograms merge bucket by bucket, and the thresholds are checked again on the
 * merged figures. Refuses reports of different tests, a shard given twice, or a missing one.
 */
export function mergeLoadReports(reports: Array<{ report: LoadReport; file: string }>): LoadReport {
  const first = reports[0];
  if (!first) throw new UserError('bad-flags', 'Failed to merge: no reports given.', { hint: 'scimsim report merge shard-0.json shard-1.json ...' });
  const count = first.report.shard?.count ?? 1;
  const seen = new Map<number, string>();
  const sameTest = (r: LoadReport): string | undefined => {
    const a = first.report;
    if (r.seed !== a.seed) return `seed ${r.seed}, not ${a.seed}`;
    if (JSON.stringify(r.plan) !== JSON.stringify(a.plan)) return 'a different schedule (--rate, --duration, --stage)';
    if (JSON.stringify(r.mix) !== JSON.stringify(a.mix)) return 'a different mix';
    if (r.vus !== a.vus || r.target !== a.target || r.dialect !== a.dialect || r.scenario !== a.scenario) return 'a different target, dialect, scenario or concurrency';
    if (JSON.stringify(r.world) !== JSON.stringify(a.world)) return 'a different world (--server-profile, or the env set it is built for)';
    if (JSON.stringify(r.thresholds) !== JSON.stringify(a.thresholds)) return 'different thresholds';
    return undefined;
  };
  for (const { report, file } of reports) {
    if (!report.shard) throw new UserError('bad-report', `Failed to merge: ${file} is not a shard report (no --shard).`, { location: { file } });
    if (report.shard.count !== count) throw new UserError('bad-report', `Failed to merge: ${file} is shard ${report.shard.index + 1}/${report.shard.count}, the others are of ${count}.`, { location: { file } });
    const differs = sameTest(report);
    if (differs) throw new UserError('bad-report', `Failed to merge: ${file} is from another load test: ${differs}.`, { location: { file } });
    const twice = seen.get(report.shard.index);
    if (twice) throw new UserError('bad-report', `Failed to merge: ${file} and ${twice} are both shard ${report.shard.index + 1}/${count}.`, { location: { file } });
    seen.set(report.shard.index, file);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new UserError('bad-report', `Failed to merge: shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i + 1}/${count}`).join(', ')} missing.`, {
      hint: 'Merge every shard of the test: a partial merge would understate the load.',
    });
  }
  const operations = Object.fromEntries(LOAD_OPERATIONS.map((op) => [op, new OperationStats()])) as Record<LoadOperation, OperationStats>;
  // Windows line up by their offset from each shard's start (one schedule, one width); a shard
  // written before windows were kept leaves the merge without them rather than with a part.
  const width = first.report.windows?.widthMs;
  const windows = width !== undefined && reports.every(({ report }) => report.windows?.widthMs === width) ? new LoadWindows(width) : undefined;
  const failures = new Map<string, LoadFailure>();
  const retryAfterMs = new Map<number, number>();
  const iterations = { scheduled: 0, started: 0, dropped: 0, completed: 0 };
  let partial = false;
  let capped = false;
  let aborted: LoadAbort | undefined;
  const timing = { simulatedMs: 0, wallMs: 0 };
  for (const { report } of reports) {
    for (const op of LOAD_OPERATIONS) operations[op].add(report.operations[op]);
    if (windows && report.windows) windows.add(report.windows);
    for (const f of report.failures) {
      const key = `${f.operation}|${f.status}|${f.scimType ?? ''}|${f.error ?? ''}`;
      const known = failures.get(key);
      if (known) known.count += f.count;
      else failures.set(key, { ...f });
    }
    for (const [ms, n] of report.retryAfterMs) retryAfterMs.set(ms, (retryAfterMs.get(ms) ?? 0) + n);
    iterations.scheduled += report.iterations.scheduled;
    iterations.started += report.iterations.started;
    iterations.dropped += report.iterations.dropped;
    iterations.completed += report.iterations.completed;
    partial ||= report.partial;
    capped ||= report.capped;
    if (report.aborted && (!aborted || report.aborted.atMs < aborted.atMs)) aborted = report.aborted;
    timing.simulatedMs = Math.max(timing.simulatedMs, report.timing.simulatedMs);
    timing.wallMs = Math.max(timing.wallMs, report.timing.wallMs);
  }
  const base = first.report;
  const merged: LoadReport = {
    scenario: base.scenario,
    seed: base.seed,
    target: base.target,
    dialect: base.dialect,
    ...(base.world ? { world: base.world } : {}),
    shard: undefined,
    mergedFrom: reports.length,
    plan: base.plan,
    vus: base.vus,
    mix: base.mix,
    iterations,
    operations,
    ...(windows ? { windows } : {}),
    failures: sortFailures([...failures.values()]),
    retryAfterMs,
    thresholds: base.thresholds,
    results: [],
    partial,
    capped,
    ...(aborted ? { aborted } : {}),
    timing,
  };
  merged.results = merged.thresholds.map((t) => evaluateThreshold(parseThreshold(t), metricSource(merged)));
  return merged;
}

