import { catalog } from '../env/catalog.js';
import { diffEnvSets } from '../env/diff.js';
import type { EnvSet } from '../env/load.js';
import { resolveSettings, type ScimSettings } from '../env/settings.js';
import { validateEnvSet } from '../env/validate.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { RunRequest } from '../run/execute.js';
import { inProcessReplayer, workerReplayer } from './replayer.js';
import { hintFor } from '../run/hints.js';
import { STAGES, type Reason, type Stage } from '../run/ledger.js';
import { describeReason } from '../run/summary.js';
import { createUserFactory } from '../scenario/users.js';
import { getDialect, type DialectName } from '../scim/dialects.js';
import { predictQuarantine } from './quarantine.js';
import { sampleSize, stratifiedSample } from './sample.js';
import type { AttributedReason, Attribution, RehearseReport, RehearsedChange, RunTotals } from './types.js';
import { buildUnits, mixEnvSets, type ChangeUnit } from './units.js';

/** What a rehearsal replays: the run's own options, for two env sets and their mixes. */
export interface RehearseRequest
  extends Pick<RunRequest, 'scenario' | 'users' | 'seed' | 'dialect' | 'collisions' | 'target' | 'onRunId' | 'signal' | 'cwd' | 'keep' | 'budget'> {
  base: EnvSet;
  candidate: EnvSet;
  labels: { base: string; candidate: string };
  /**
   * mock: the world every replay runs in, fresh each time; it accepts the baseline's credentials.
   * `builtFor` labels the env set it is built for (the base's files), for the report header.
   */
  world?: { profile: ResolvedProfile; name: string; builtFor: string };
  /** Extra couplings (`--couple A,B`): these variables move as one unit. */
  couplings?: readonly (readonly string[])[];
  /** At most this many replays (full and probe); what is left is counted as unexplained. */
  maxRuns?: number;
  /** Accounts in a probe run; default max(200, users / 20). */
  probeSize?: number;
  onRun?: (label: string, runs: number) => void;
  /** mock: replay independent runs in this many worker threads (default 1: in this thread). */
  workers?: number;
}

/** One replay's result, per account: 0 = not blocked, else 1 + index in STAGES. */
interface Outcome {
  failStage: Uint8Array;
  failReason: Uint16Array;
  reasons: Reason[];
  marker: string;
  totals: RunTotals;
  /** Validation errors: this mix of the two env sets is not a configuration. */
  invalid?: string[];
}

class BudgetExceeded extends Error {}
class Interrupted extends Error {}

const DEFAULT_MAX_RUNS = 64;

/**
 * Replays the scenario under the baseline and the candidate and attributes every newly blocked
 * account to its minimal cause set of changes:
 *
 * 1. Full runs of baseline and candidate give the newly blocked accounts.
 * 2. Probe runs on a stratified sample (baseline plus one unit each) find the suspects; a full run
 *    of baseline plus the suspect confirms it, so no blame rests on a sample.
 * 3. What the blamed units leave blocked (a full run of the candidate without them) is searched
 *    with delta debugging (Zeller's ddmin) over the remaining units: each round finds a
 *    1-minimal set that still blocks some of those accounts, for interactions no single change
 *    explains (a concurrency raise that only hurts without retries). Repeats until fixing every
 *    blamed unit unblocks everything, or the run budget ends.
 *
 * Every configuration's outcome is cached, so none is replayed twice.
 */
export async function rehearse(request: RehearseRequest): Promise<RehearseReport> {
  const wallStart = performance.now();
  const { base, candidate, scenario, users, seed } = request;
  const diff = diffEnvSets(base, candidate);
  const units = buildUnits(diff.changes, base, candidate, request.couplings ?? []);
  const maxRuns = request.maxRuns ?? DEFAULT_MAX_RUNS;
  const dialect = getDialect(request.dialect);
  const baseSettings = settingsOf(base, request.dialect);
  if ('invalid' in baseSettings) throw new Error('the baseline env set is invalid');
  const baseValid = baseSettings.settings;
  const world = request.world ? { profile: request.world.profile, settings: baseSettings.settings } : undefined;
  const runs = { total: 0, full: 0, probe: 0, cached: 0, invalid: 0 };
  const deleteMode = (dialect.deactivation ?? baseSettings.settings.deactivationMode) === 'delete';
  const probeSize = request.probeSize ?? Math.max(200, Math.ceil(users / 20));
  const sample = stratifiedSample(scenario, users, seed, probeSize, deleteMode, dialect.deletesUsers);
  const probing = sampleSize(sample) < users;

  // Live targets replay one run after another (each with its own run id and cleanup); the
  // embedded mock may overlap independent replays in worker threads.
  // (A request budget is shared state: runs that spend it stay in this thread.)
  const replayer = request.target === 'mock' && request.budget === undefined ? workerReplayer(request.workers ?? 1, request.signal) : inProcessReplayer();
  /** Set when the rehearsal has ended or must: replays still queued must not start (a live run would print and write). */
  let ended = false;
  const slots = { free: replayer.parallel, waiting: [] as Array<() => void> };
  const acquire = async (): Promise<void> => {
    if (slots.free > 0) {
      slots.free--;
      return;
    }
    await new Promise<void>((resolve) => slots.waiting.push(resolve));
  };
  const release = (): void => {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  };
  const cache = new Map<string, Promise<Outcome>>();
  /** Replays started ahead of need: their first use is not a cache hit. */
  const ahead = new Set<string>();

  /** Starts (or finds) the replay of `subset`; runs are counted and labelled in call order. */
  const replay = (subset: readonly ChangeUnit[], mode: 'full' | 'probe'): Promise<Outcome> => {
    const ids = subset.map((u) => u.id).sort();
    const key = `${mode === 'probe' && probing ? 'probe' : 'full'}:${ids.join('\u0000')}`;
    const known = cache.get(key);
    if (known) {
      if (!ahead.delete(key)) runs.cached++;
      return known;
    }
    if (request.signal?.aborted) return Promise.reject(new Interrupted());
    const mixed = mixEnvSets(base, candidate, subset);
    const resolved = settingsOf(mixed, request.dialect);
    let started: Promise<Outcome>;
    if ('invalid' in resolved) {
      runs.invalid++;
      started = Promise.resolve({ failStage: new Uint8Array(users), failReason: new Uint16Array(users), reasons: [], marker: '', totals: emptyTotals(), invalid: resolved.invalid });
    } else {
      if (runs.full + runs.probe >= maxRuns) return Promise.reject(new BudgetExceeded());
      const probe = mode === 'probe' && probing;
      if (probe) runs.probe++;
      else runs.full++;
      request.onRun?.(`${probe ? 'probe' : 'full'} ${ids.length === 0 ? 'baseline' : ids.length === units.length ? 'candidate' : `baseline + ${ids.join(', ')}`}`, runs.full + runs.probe);
      started = (async () => {
        await acquire();
        try {
          if (ended || request.signal?.aborted) throw new Interrupted();
          const result = await replayer.replay(
            {
              settings: resolved.settings,
              scenario,
              users,
              seed,
              dialect: request.dialect,
              ...(request.collisions ? { collisions: request.collisions } : {}),
              target: request.target,
              ...(world ? { world } : {}),
              ...(probe ? { sample } : {}),
              ...(request.cwd ? { cwd: request.cwd } : {}),
              ...(request.keep ? { keep: true } : {}),
              ...(request.budget ? { budget: request.budget } : {}),
            },
            { ...(request.signal ? { signal: request.signal } : {}), ...(request.onRunId ? { onRunId: request.onRunId } : {}) },
          );
          // A capped or interrupted replay ends the rehearsal: nothing queued may start after it.
          if (result.capped) {
            ended = true;
            throw new BudgetExceeded();
          }
          if (result.partial) {
            ended = true;
            throw new Interrupted();
          }
          return { failStage: result.failStage, failReason: result.failReason, reasons: result.reasons, marker: result.marker, totals: { blocked: result.blocked, byStage: result.byStage } };
        } finally {
          release();
        }
      })();
    }
    cache.set(key, started);
    // A replay started ahead of need may fail unobserved; whoever awaits it sees the error.
    started.catch(() => undefined);
    return started;
  };

  try {
    return await attribute();
  } finally {
    ended = true;
    await replayer.close();
  }

  async function attribute(): Promise<RehearseReport> {
    const [baseline, full] = await Promise.all([replay([], 'full'), replay(units, 'full')]);
    if (full.invalid) throw new Error('the candidate env set is invalid');
    const newly = new Uint8Array(users);
    let newlyBlocked = 0;
    let alreadyBlocked = 0;
    for (let i = 0; i < users; i++) {
      if (baseline.failStage[i] !== 0) alreadyBlocked++;
      else if (full.failStage[i] !== 0) {
        newly[i] = 1;
        newlyBlocked++;
      }
    }

    /** Newly blocked accounts (within `among`) that a configuration blocks. */
    const blockedBy = (outcome: Outcome, among: Uint8Array): number[] => {
      const found: number[] = [];
      for (let i = 0; i < users; i++) if (among[i] === 1 && outcome.failStage[i] !== 0 && baseline.failStage[i] === 0) found.push(i);
      return found;
    };

    const causes: Array<{ units: ChangeUnit[]; accounts: number[]; outcome: Outcome }> = [];
    const unexplained = new Uint8Array(users);
    let budgetLeft = true;
    try {
      if (newlyBlocked > 0) {
        // 2. Singles: probe, then confirm in full.
        const suspects: ChangeUnit[] = [];
        if (units.length === 1) suspects.push(...units);
        else {
          const [probeBase, ...probes] = await Promise.all([replay([], 'probe'), ...units.map((unit) => replay([unit], 'probe'))]);
          for (const [k, unit] of units.entries()) {
            const probe = probes[k] as Outcome;
            for (let i = 0; i < users; i++) {
              if (probe.failStage[i] !== 0 && probeBase.failStage[i] === 0) {
                suspects.push(unit);
                break;
              }
            }
          }
        }
        // The confirmations, and (ahead of need) what is left if every suspect is confirmed.
        const unsuspected = units.filter((u) => !suspects.includes(u));
        const confirmed = suspects.map((unit) => replay([unit], 'full'));
        const residualKey = `full:${unsuspected.map((u) => u.id).sort().join('\u0000')}`;
        if (request.target === 'mock' && unsuspected.length > 0 && suspects.length > 0 && !cache.has(residualKey)) {
          replay(unsuspected, 'full').catch(() => undefined);
          ahead.add(residualKey);
        }
        for (const [k, unit] of suspects.entries()) {
          const outcome = await (confirmed[k] as Promise<Outcome>);
          const accounts = blockedBy(outcome, newly);
          if (accounts.length > 0) causes.push({ units: [unit], accounts, outcome });
        }
        // 3. What the blamed units leave blocked: delta debugging over the rest.
        for (;;) {
          const blamed = new Set(causes.flatMap((c) => c.units.map((u) => u.id)));
          const rest = units.filter((u) => !blamed.has(u.id));
          if (rest.length === 0) break;
          const residual = await replay(rest, 'full');
          const left = new Uint8Array(users);
          const leftAccounts = blockedBy(residual, newly);
          if (leftAccounts.length === 0) break;
          for (const i of leftAccounts) left[i] = 1;
          try {
            const minimal = await ddmin(rest, async (subset) => {
              const outcome = await replay(subset, 'full');
              if (outcome.invalid) return 'unresolved';
              return blockedBy(outcome, left).length > 0 ? 'fail' : 'pass';
            });
            // Every newly blocked account this set blocks on its own, as for single changes.
            const outcome = await replay(minimal, 'full');
            causes.push({ units: minimal, accounts: blockedBy(outcome, newly), outcome });
          } catch (error) {
            if (error instanceof BudgetExceeded) for (const i of leftAccounts) unexplained[i] = 1;
            throw error;
          }
        }
      }
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      budgetLeft = false;
    }
    const explained = new Uint8Array(users);
    for (const cause of causes) for (const i of cause.accounts) explained[i] = 1;
    let unexplainedCount = 0;
    for (let i = 0; i < users; i++) if (newly[i] === 1 && (explained[i] === 0 || unexplained[i] === 1)) unexplainedCount++;

    const blamedUnits = new Set(causes.flatMap((c) => c.units.map((u) => u.id)));
    const unitOf = new Map(units.flatMap((u) => u.variables.map((v) => [v, u.id] as const)));
    const changes: RehearsedChange[] = diff.changes.map((c) => {
      const unitId = unitOf.get(c.variable) ?? c.variable;
      return { ...c, unitId, effect: blamedUnits.has(unitId) ? 'blocks' : 'harmless' };
    });
    const factories = new Map<string, ReturnType<typeof createUserFactory>>();
    const factoryFor = (marker: string): ReturnType<typeof createUserFactory> => {
      let factory = factories.get(marker);
      if (!factory) {
        factory = createUserFactory({ seed, marker, domain: baseValid.usernameDomain, population: users, collisions: request.collisions ?? 0 });
        factories.set(marker, factory);
      }
      return factory;
    };
    const attribution = causes
      .map((cause) => describeCause(cause, users, factoryFor(cause.outcome.marker)))
      .sort((a, b) => b.blocked - a.blocked || catalogRank(a.variables[0]) - catalogRank(b.variables[0]));
    return {
      scenario: scenario.name,
      dialect: request.dialect,
      users,
      seed,
      target: request.target,
      ...(request.world ? { serverProfile: request.world.name } : {}),
      labels: request.labels,
      verdict: newlyBlocked === 0 ? 'safe' : 'blocks-accounts',
      baseline: baseline.totals,
      candidate: full.totals,
      newlyBlocked,
      alreadyBlocked,
      changes,
      attribution,
      unexplained: unexplainedCount,
      runs: { ...runs, total: runs.full + runs.probe + runs.cached, budgetExhausted: !budgetLeft },
      quarantine: predictQuarantine(full.totals.blocked, users),
      timing: { wallMs: Math.round(performance.now() - wallStart) },
    };
  }
}

/** RehearseInterrupted: SIGINT stopped a replay; no attribution can be trusted. */
export { Interrupted as RehearseInterrupted, BudgetExceeded as RehearseBudgetExceeded };

function settingsOf(set: EnvSet, dialect: DialectName): { settings: ScimSettings } | { invalid: string[] } {
  const errors = validateEnvSet(set, { dialect: getDialect(dialect) }).problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { invalid: errors.map((p) => p.message) };
  return { settings: resolveSettings(set) };
}

function emptyTotals(): RunTotals {
  return { blocked: 0, byStage: Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number> };
}

function catalogRank(variable: string | undefined): number {
  const order = [...catalog.keys()];
  const index = variable === undefined ? -1 : order.indexOf(variable);
  return index === -1 ? order.length : index;
}

function describeCause(
  cause: { units: ChangeUnit[]; accounts: number[]; outcome: Outcome },
  users: number,
  factory: ReturnType<typeof createUserFactory>,
): Attribution {
  const { outcome, accounts } = cause;
  const byStage: Partial<Record<Stage, number>> = {};
  const counts = new Map<string, AttributedReason>();
  for (const i of accounts) {
    const stage = STAGES[(outcome.failStage[i] ?? 1) - 1] as Stage;
    byStage[stage] = (byStage[stage] ?? 0) + 1;
    const reasonIndex = outcome.failReason[i] ?? 0;
    const key = `${stage}|${reasonIndex}`;
    const known = counts.get(key);
    if (known) known.count++;
    else counts.set(key, { ...(outcome.reasons[reasonIndex] as Reason), stage, count: 1 });
  }
  const reasons = [...counts.values()].sort((a, b) => b.count - a.count || STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  const variables = cause.units.flatMap((u) => u.variables).sort((a, b) => catalogRank(a) - catalogRank(b));
  const top = reasons[0];
  return {
    variables,
    interaction: cause.units.length > 1,
    blocked: accounts.length,
    byStage: Object.fromEntries(STAGES.filter((s) => byStage[s] !== undefined).map((s) => [s, byStage[s]])) as Partial<Record<Stage, number>>,
    reasons,
    examples: accounts.slice(0, 3).map((i) => {
      const user = factory.user(i);
      const stage = STAGES[(outcome.failStage[i] ?? 1) - 1] as Stage;
      return { userName: user.userName, externalId: user.externalId, stage, reason: describeReason(outcome.reasons[outcome.failReason[i] ?? 0] ?? {}) };
    }),
    hint: top ? hintFor(top, top.stage, accounts.length === users) : '',
  };
}

type Verdict = 'fail' | 'pass' | 'unresolved';

/**
 * Zeller and Hildebrandt's ddmin ("Simplifying and Isolating Failure-Inducing Input", 2002):
 * from a failing set of changes, a 1-minimal failing subset (removing any one change makes it
 * pass or unresolved). Tests try subsets, then complements, then a finer split.
 */
export async function ddmin<T>(all: readonly T[], test: (subset: readonly T[]) => Promise<Verdict>): Promise<T[]> {
  let current = [...all];
  let n = 2;
  while (current.length >= 2) {
    const chunks = split(current, n);
    let next: T[] | undefined;
    for (const chunk of chunks) {
      if ((await test(chunk)) === 'fail') {
        next = chunk;
        n = 2;
        break;
      }
    }
    if (!next && n > 2) {
      for (const chunk of chunks) {
        const complement = current.filter((x) => !chunk.includes(x));
        if ((await test(complement)) === 'fail') {
          next = complement;
          n = Math.max(n - 1, 2);
          break;
        }
      }
    }
    if (next) {
      current = next;
      continue;
    }
    if (n >= current.length) break;
    n = Math.min(current.length, n * 2);
  }
  return current;
}

function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    const end = start + Math.floor((items.length - start) / (n - k));
    if (end > start) chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}
