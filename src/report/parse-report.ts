import type { CleanupResult } from '../target/cleanup.js';
import type { OpDetail, Stage } from '../run/ledger.js';
import { STAGES } from '../run/ledger.js';
import type { ReasonGroup } from '../run/summary.js';
import type { Attribution, RehearseReport, RehearsedChange, RunTotals } from '../rehearse/types.js';
import type { RunReport } from './run-report.js';
import type { ConnectorKind, RefusedRequest } from '../connector/types.js';

/**
 * Rebuilding a report object from a saved JSON report (`scimsim report render`, `report compare`).
 * A parser checks every field its renderers read and names the first one that is wrong; it never
 * trusts the file's shape (a report may have been edited or truncated).
 */
export class ReportShapeError extends Error {
  override readonly name = 'ReportShapeError';
}

type Json = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new ReportShapeError(`${path} ${what}`);
}
function obj(value: unknown, path: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'is not an object');
  return value as Json;
}
function arr(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'is not an array');
  return value;
}
function num(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'is not a number');
  return value;
}
function count(value: unknown, path: string): number {
  const n = num(value, path);
  if (!Number.isInteger(n) || n < 0) fail(path, 'is not a whole number of at least 0');
  return n;
}
function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'is not a string');
  return value;
}
function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'is not true or false');
  return value;
}
function optStr(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : str(value, path);
}
function oneOf<T extends string>(value: unknown, choices: readonly T[], path: string): T {
  if (!(choices as readonly unknown[]).includes(value)) fail(path, `is not one of ${choices.join(', ')}`);
  return value as T;
}
function stage(value: unknown, path: string): Stage {
  return oneOf(value, STAGES, path);
}
function byStage(value: unknown, path: string): Record<Stage, number> {
  const o = obj(value, path);
  return Object.fromEntries(STAGES.map((s) => [s, count(o[s], `${path}.${s}`)])) as Record<Stage, number>;
}
function envelope(value: unknown, command: string): Json {
  const json = obj(value, 'the report');
  if (json.command !== command) fail('command', `is ${JSON.stringify(json.command)}, not ${JSON.stringify(command)}`);
  if (json.formatVersion !== '1.0') fail('formatVersion', `is ${JSON.stringify(json.formatVersion)}; this scimsim reads 1.0`);
  return json;
}
function reason(value: unknown, path: string): { stage: Stage; status?: number; scimType?: string; error?: string; detail?: string; count: number } {
  const r = obj(value, path);
  const scimType = optStr(r.scimType, `${path}.scimType`);
  const error = optStr(r.error, `${path}.error`);
  const detail = optStr(r.detail, `${path}.detail`);
  return {
    stage: stage(r.stage, `${path}.stage`),
    ...(r.status !== undefined ? { status: count(r.status, `${path}.status`) } : {}),
    ...(scimType !== undefined ? { scimType } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(detail !== undefined ? { detail } : {}),
    count: count(r.count, `${path}.count`),
  };
}
function world(value: unknown, path: string): { name: string; builtFor: string } | undefined {
  if (value === undefined || value === null) return undefined;
  const w = obj(value, path);
  return { name: str(w.name, `${path}.name`), builtFor: str(w.builtFor, `${path}.builtFor`) };
}

/** The command a JSON report names (run, rehearse, load, …), or undefined. */
export function reportCommandOf(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' && typeof (value as Json).command === 'string' ? ((value as Json).command as string) : undefined;
}

/** A `scimsim run --format json` report back as the object its renderers take. */
export function parseRunJson(value: unknown): RunReport {
  const json = envelope(value, 'run');
  const result = obj(json.result, 'result');
  const accounts = new Map<number, { userName: string; externalId: string }>();
  const hints: string[] = [];
  const reasons: ReasonGroup[] = arr(result.reasons, 'result.reasons').map((value, i) => {
    const path = `result.reasons[${i}]`;
    const r = obj(value, path);
    hints.push(optStr(r.hint, `${path}.hint`) ?? '');
    const examples = arr(r.examples, `${path}.examples`).map((value, j) => {
      const e = obj(value, `${path}.examples[${j}]`);
      const index = accounts.size;
      accounts.set(index, { userName: str(e.userName, `${path}.examples[${j}].userName`), externalId: str(e.externalId, `${path}.examples[${j}].externalId`) });
      const q = obj(e.request, `${path}.examples[${j}].request`);
      const op: OpDetail = {
        stage: stage(q.stage, `${path}.examples[${j}].request.stage`),
        method: str(q.method, `${path}.examples[${j}].request.method`),
        status: count(q.status, `${path}.examples[${j}].request.status`),
        attempts: count(q.attempts, `${path}.examples[${j}].request.attempts`),
        latencyMs: num(q.latencyMs, `${path}.examples[${j}].request.latencyMs`),
        ...(typeof q.scimType === 'string' ? { scimType: q.scimType } : {}),
        ...(typeof q.error === 'string' ? { error: q.error } : {}),
      };
      return { index, op };
    });
    return { ...reason(r, path), examples };
  });
  const users = count(json.users, 'users');
  const timing = obj(json.timing, 'timing');
  const runId = optStr(json.runId, 'runId');
  const report: RunReport = {
    ...header(json),
    ...(runId !== undefined ? { runId } : {}),
    partial: bool(json.partial, 'partial'),
    capped: bool(json.capped, 'capped'),
    summary: {
      users,
      blocked: count(result.blocked, 'result.blocked'),
      unverified: count(result.unverified, 'result.unverified'),
      byStage: byStage(result.byStage, 'result.byStage'),
      reasons,
      requests: count(json.requests, 'requests'),
      retries: count(json.retries, 'retries'),
    },
    accounts,
    hints,
    timing: { simulatedMs: num(timing.simulatedMs, 'timing.simulatedMs'), wallMs: num(timing.wallMs, 'timing.wallMs') },
  };
  if (json.connector !== undefined) {
    const c = connectorOf(json.connector);
    report.connector = { ...c, refused: refusedList(c.refused, 'connector.refused') };
  }
  if (json.journal !== undefined) {
    report.live = {
      journal: str(json.journal, 'journal'),
      kept: bool(json.kept, 'kept'),
      ...(json.cleanup !== null && json.cleanup !== undefined ? { cleanup: obj(json.cleanup, 'cleanup') as unknown as CleanupResult } : {}),
    };
  }
  return report;
}

const QUARANTINE_REASONS = ['EncounteredQuarantineException', 'EncounteredEscrowProportionThreshold', 'EncounteredBaseEscrowThreshold', 'EncounteredTotalEscrowThreshold', 'TooManyDeletes'] as const;

/** A `scimsim rehearse --format json` report back as the object its renderers take. */
export function parseRehearseJson(value: unknown): RehearseReport {
  const json = envelope(value, 'rehearse');
  const totals = (value: unknown, path: string): RunTotals => {
    const t = obj(value, path);
    return { blocked: count(t.blocked, `${path}.blocked`), byStage: byStage(t.byStage, `${path}.byStage`), unverified: count(t.unverified, `${path}.unverified`) };
  };
  const strings = (value: unknown, path: string): string[] => arr(value, path).map((s, i) => str(s, `${path}[${i}]`));
  const labels = obj(json.labels, 'labels');
  const changes: RehearsedChange[] = arr(json.changes, 'changes').map((value, i) => {
    const path = `changes[${i}]`;
    const c = obj(value, path);
    const before = optStr(c.before, `${path}.before`);
    const after = optStr(c.after, `${path}.after`);
    const notJudgedBecause = optStr(c.notJudgedBecause, `${path}.notJudgedBecause`);
    const wouldJudge = optStr(c.wouldJudge, `${path}.wouldJudge`);
    return {
      variable: str(c.variable, `${path}.variable`),
      action: oneOf(c.action, ['create', 'update', 'delete'] as const, `${path}.action`),
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
      secret: bool(c.secret, `${path}.secret`),
      unitId: str(c.unit, `${path}.unit`),
      effect: oneOf(c.effect, ['blocks', 'harmless', 'not-judged'] as const, `${path}.effect`),
      ...(notJudgedBecause !== undefined ? { notJudgedBecause } : {}),
      ...(wouldJudge !== undefined ? { wouldJudge } : {}),
    };
  });
  const attribution: Attribution[] = arr(json.attribution, 'attribution').map((value, i) => {
    const path = `attribution[${i}]`;
    const a = obj(value, path);
    const stages = obj(a.byStage, `${path}.byStage`);
    return {
      variables: strings(a.variables, `${path}.variables`),
      causes: arr(a.causes, `${path}.causes`).map((c, j) => strings(c, `${path}.causes[${j}]`)),
      interaction: bool(a.interaction, `${path}.interaction`),
      alternatives: bool(a.alternatives, `${path}.alternatives`),
      causeReasons: strings(a.causeReasons, `${path}.causeReasons`),
      blocked: count(a.blocked, `${path}.blocked`),
      byStage: Object.fromEntries(Object.keys(stages).map((s) => [stage(s, `${path}.byStage key`), count(stages[s], `${path}.byStage.${s}`)])),
      reasons: arr(a.reasons, `${path}.reasons`).map((r, j) => reason(r, `${path}.reasons[${j}]`)),
      examples: arr(a.examples, `${path}.examples`).map((value, j) => {
        const e = obj(value, `${path}.examples[${j}]`);
        const p = `${path}.examples[${j}]`;
        return { userName: str(e.userName, `${p}.userName`), externalId: str(e.externalId, `${p}.externalId`), stage: stage(e.stage, `${p}.stage`), reason: str(e.reason, `${p}.reason`) };
      }),
      hint: str(a.hint, `${path}.hint`),
    };
  });
  const because = obj(json.unexplainedBecause, 'unexplainedBecause');
  const runs = obj(json.runDetail, 'runDetail');
  const requests = obj(json.requests, 'requests');
  const serverProfile = optStr(json.serverProfile, 'serverProfile');
  const report: RehearseReport = {
    ...header(json),
    ...(serverProfile !== undefined ? { serverProfile } : {}),
    labels: { base: str(labels.base, 'labels.base'), candidate: str(labels.candidate, 'labels.candidate') },
    verdict: oneOf(json.verdict, ['safe', 'blocks-accounts', 'inconclusive'] as const, 'verdict'),
    caveats: strings(json.caveats, 'caveats'),
    baseline: totals(json.baseline, 'baseline'),
    candidate: totals(json.candidate, 'candidate'),
    newlyBlocked: count(json.newlyBlocked, 'newlyBlocked'),
    alreadyBlocked: count(json.alreadyBlocked, 'alreadyBlocked'),
    changes,
    attribution,
    unexplained: count(json.unexplained, 'unexplained'),
    unexplainedBecause: {
      budget: count(because.budget, 'unexplainedBecause.budget'),
      notReproducible: count(because.notReproducible, 'unexplainedBecause.notReproducible'),
      inseparable: count(because.inseparable, 'unexplainedBecause.inseparable'),
      unverified: count(because.unverified, 'unexplainedBecause.unverified'),
    },
    // In the engine's key order, so that the JSON rendered again is the saved one byte for byte.
    runs: {
      full: count(runs.full, 'runDetail.full'),
      scoped: count(runs.scoped, 'runDetail.scoped'),
      cached: count(runs.cached, 'runDetail.cached'),
      invalid: count(runs.invalid, 'runDetail.invalid'),
      total: count(runs.total, 'runDetail.total'),
      budgetExhausted: bool(runs.budgetExhausted, 'runDetail.budgetExhausted'),
      budget: count(runs.budget, 'runDetail.budget'),
    },
    requests: {
      baseline: count(requests.baseline, 'requests.baseline'),
      candidate: count(requests.candidate, 'requests.candidate'),
      search: count(requests.search, 'requests.search'),
      total: count(requests.total, 'requests.total'),
    },
    timing: { wallMs: num(obj(json.timing, 'timing').wallMs, 'timing.wallMs') },
  };
  if (json.quarantine !== undefined) {
    const q = obj(json.quarantine, 'quarantine');
    const reasonName = q.reason === undefined || q.reason === null ? undefined : oneOf(q.reason, QUARANTINE_REASONS, 'quarantine.reason');
    report.quarantine = {
      predicted: bool(q.predicted, 'quarantine.predicted'),
      ...(reasonName !== undefined ? { reason: reasonName } : {}),
      failures: count(q.failures, 'quarantine.failures'),
      failureRate: num(q.failureRate, 'quarantine.failureRate'),
      referenceFailures: count(q.referenceFailures, 'quarantine.referenceFailures'),
      deprovisions: count(q.deprovisions, 'quarantine.deprovisions'),
      ...(q.deletionThreshold !== null && q.deletionThreshold !== undefined ? { deletionThreshold: count(q.deletionThreshold, 'quarantine.deletionThreshold') } : {}),
      line: str(q.line, 'quarantine.line'),
    };
  }
  if (json.connector !== undefined) {
    const c = connectorOf(json.connector);
    const refused = obj(c.refused, 'connector.refused');
    report.connector = { ...c, refused: { baseline: refusedList(refused.baseline, 'connector.refused.baseline'), candidate: refusedList(refused.candidate, 'connector.refused.candidate') } };
  }
  return report;
}

/** The `connector` section of a run or rehearse report, its refused requests still to be read. */
function connectorOf(value: unknown): { kind: ConnectorKind; name: string; refused: unknown; unattributed: string[] } {
  const c = obj(value, 'connector');
  return {
    kind: oneOf(c.kind, ['event', 'sync', 'command'] as const, 'connector.kind'),
    name: str(c.name, 'connector.name'),
    refused: c.refused,
    unattributed: arr(c.unattributed, 'connector.unattributed').map((s, i) => str(s, `connector.unattributed[${i}]`)),
  };
}

function refusedList(value: unknown, path: string): RefusedRequest[] {
  return arr(value, path).map((item, i) => {
    const r = obj(item, `${path}[${i}]`);
    return { method: str(r.method, `${path}[${i}].method`), host: str(r.host, `${path}[${i}].host`), path: str(r.path, `${path}[${i}].path`), count: count(r.count, `${path}[${i}].count`) };
  });
}

/** The header every run and rehearse report starts with: scenario, dialect, users, seed, target and world. */
function header(json: Record<string, unknown>) {
  const w = world(json.world, 'world');
  return {
    scenario: str(json.scenario, 'scenario'),
    dialect: str(json.dialect, 'dialect'),
    users: count(json.users, 'users'),
    seed: num(json.seed, 'seed'),
    target: oneOf(json.target, ['mock', 'live'] as const, 'target'),
    ...(w ? { world: w } : {}),
  };
}
