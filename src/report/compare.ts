import { totals, type LoadReport } from '../load/report.js';
import { STAGES, type Stage } from '../run/ledger.js';
import { LOAD_OPERATIONS, type OperationStats } from '../load/metrics.js';
import type { RehearseReport } from '../rehearse/types.js';
import { runVerdict } from '../run/summary.js';
import type { RunReport } from './run-report.js';

/** What `scimsim report compare` found: every figure it compared, and the ones that got worse. */
export interface Comparison {
  compared: string[];
  regressions: string[];
}

/** How much worse a load test may get before it is a regression. */
export interface LoadTolerance {
  /** p95 latency may grow by this fraction (0.1: 10 %). */
  latency: number;
  /** The error rate may grow by this much, in absolute terms (0.005: half a percentage point). */
  errorRate: number;
}

export const DEFAULT_LOAD_TOLERANCE: LoadTolerance = { latency: 0.1, errorRate: 0.005 };

const VERDICT_RANK = { safe: 0, inconclusive: 1, 'blocks-accounts': 2 } as const;
type Verdict = keyof typeof VERDICT_RANK;

const n = (value: number): string => value.toLocaleString('en-US');

function compareCount(out: Comparison, what: string, before: number, after: number): void {
  const line = `${what}: ${n(before)} -> ${n(after)}`;
  out.compared.push(line);
  if (after > before) out.regressions.push(line);
}

function compareVerdict(out: Comparison, before: Verdict, after: Verdict): void {
  const line = `verdict: ${before} -> ${after}`;
  out.compared.push(line);
  if (VERDICT_RANK[after] > VERDICT_RANK[before]) out.regressions.push(line);
}

/** Per stage with any account blocked in either report: more accounts blocked at that stage is a regression. */
function compareStages(out: Comparison, what: string, before: Partial<Record<Stage, number>>, after: Partial<Record<Stage, number>>): void {
  for (const stage of STAGES) {
    const [a, b] = [before[stage] ?? 0, after[stage] ?? 0];
    if (a > 0 || b > 0) compareCount(out, `${what} at ${stage}`, a, b);
  }
}

/**
 * Runs: more blocked or unverified accounts, or a worse verdict, is a regression; so are more
 * accounts blocked at any one stage, even when as many fewer are blocked at another (the total
 * is the same, but accounts are newly blocked).
 */
export function compareRuns(before: RunReport, after: RunReport): Comparison {
  const out: Comparison = { compared: [], regressions: [] };
  compareVerdict(out, runVerdict(before.summary, before.partial), runVerdict(after.summary, after.partial));
  compareCount(out, 'blocked accounts', before.summary.blocked, after.summary.blocked);
  compareStages(out, 'blocked', before.summary.byStage, after.summary.byStage);
  compareCount(out, 'unverified accounts', before.summary.unverified, after.summary.unverified);
  return out;
}

/** The newly blocked accounts the attribution explains, per stage. */
function attributedByStage(report: RehearseReport): Partial<Record<Stage, number>> {
  const byStage: Partial<Record<Stage, number>> = {};
  for (const a of report.attribution) for (const stage of STAGES) byStage[stage] = (byStage[stage] ?? 0) + (a.byStage[stage] ?? 0);
  return byStage;
}

/**
 * Rehearsals: more newly blocked accounts, more left unexplained, or a worse verdict; so are more
 * explained accounts newly blocked at any one stage, whatever the total.
 */
export function compareRehearsals(before: RehearseReport, after: RehearseReport): Comparison {
  const out: Comparison = { compared: [], regressions: [] };
  compareVerdict(out, before.verdict, after.verdict);
  compareCount(out, 'newly blocked accounts', before.newlyBlocked, after.newlyBlocked);
  compareStages(out, 'newly blocked', attributedByStage(before), attributedByStage(after));
  compareCount(out, 'unexplained accounts', before.unexplained, after.unexplained);
  return out;
}

/**
 * Load tests: per operation that ran in both (and over all of them), a p95 iteration latency grown
 * past the tolerance, or an error rate grown past it. An operation whose requests all failed has
 * no latency to compare; its error rate says it.
 */
export function compareLoads(before: LoadReport, after: LoadReport, tolerance: LoadTolerance = DEFAULT_LOAD_TOLERANCE): Comparison {
  const out: Comparison = { compared: [], regressions: [] };
  const pairs: Array<[string, OperationStats, OperationStats]> = [
    ['all operations', totals(before), totals(after)],
    ...LOAD_OPERATIONS.map((op): [string, OperationStats, OperationStats] => [op, before.operations[op], after.operations[op]]),
  ];
  for (const [name, a, b] of pairs) {
    if (a.count === 0 || b.count === 0) continue;
    if (a.succeeded > 0 && b.succeeded > 0) {
      const p95a = a.latency('iteration').statMs('p95');
      const p95b = b.latency('iteration').statMs('p95');
      const line = `${name} p95: ${p95a.toFixed(1)} ms -> ${p95b.toFixed(1)} ms`;
      out.compared.push(line);
      if (p95b > p95a * (1 + tolerance.latency)) out.regressions.push(`${line} (more than ${Math.round(tolerance.latency * 100)} % slower)`);
    }
    const ra = a.errors / a.count;
    const rb = b.errors / b.count;
    const line = `${name} error rate: ${(ra * 100).toFixed(2)} % -> ${(rb * 100).toFixed(2)} %`;
    out.compared.push(line);
    if (rb > ra + tolerance.errorRate) out.regressions.push(`${line} (up more than ${(tolerance.errorRate * 100).toFixed(2)} points)`);
  }
  return out;
}
