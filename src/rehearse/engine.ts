import { diffEnvSets } from '../env/diff.js';
import type { EnvSet } from '../env/load.js';
import { resolveSettings, type ScimSettings } from '../env/settings.js';
import { validateEnvSet } from '../env/validate.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { RunRequest } from '../run/execute.js';
import { inProcessReplayer, workerReplayer, type ReplayResult, type Replayer } from './replayer.js';
import { STAGES, type Stage } from '../run/ledger.js';
import { createUserFactory } from '../scenario/users.js';
import { getDialect, type DialectName } from '../scim/dialects.js';
import { effectiveSettings } from '../scim/effective-settings.js';
import type { ProxySettings } from '../scim/proxy.js';
import { judgeChange, worldFeatures } from './judge.js';
import { countDeprovisions, countQuarantineFailures, predictQuarantine } from './quarantine.js';
import { searchCauses } from '../attribution/search.js';
import type { Judgement, RehearseReport, RehearsedChange, RunTotals } from './types.js';
import { buildUnits, mixEnvSets, type ChangeUnit } from './units.js';
import type { Outcome } from './outcome.js';
import { catalogRank, describeCause } from './rows.js';
import { searchScope, suspectsOf } from './scope.js';
export { searchScope } from './scope.js';
import type { LeftBehind } from '../target/cleanup.js';

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
  /** At most this many replays (default `defaultMaxRuns(units)`); what is left is counted as unexplained. */
  maxRuns?: number;
  /**
   * Whether the world can show a variable's harm; a change it cannot judge is never called
   * harmless. Default: derived from `world` (a live target judges every variable the client sends).
   */
  judge?: (variable: string) => Judgement;
  onRun?: (label: string, runs: number) => void;
  /** mock: replay independent runs in this many worker threads (default 1: in this thread). */
  workers?: number;
  /** Entra's accidental-deletions threshold for the quarantine prediction (default 500). */
  deletionThreshold?: number;
  /** live: the proxies of the process environment, which every replay's connections honour. */
  proxy?: ProxySettings | undefined;
  /**
   * mock: replay through the team's own connector instead of scimsim's client (`--connector`,
   * `--connector-cmd`); `replayer` runs its replays, `judge` replaces the default judgement.
   */
  connector?: { judge: (variable: string, world: Judgement) => Judgement; present: (report: RehearseReport) => RehearseReport; replayer: (parallel: number, world: { profile: ResolvedProfile; settings: ScimSettings }) => Replayer; summary: (results: { baseline?: ReplayResult['connector']; candidate?: ReplayResult['connector'] }) => NonNullable<RehearseReport['connector']> };
}

class BudgetExceeded extends Error {}
class Interrupted extends Error {}

/**
 * A live replay's cleanup could not verify that the target is back to its starting state: later
 * replays would meet its leftovers, so the rehearsal stops.
 */
export class RehearseTargetDirty extends Error {
  readonly runId: string;
  readonly left: LeftBehind[];

  constructor(runId: string, left: LeftBehind[]) {
    super(`run ${runId} left ${left.length} resource${left.length === 1 ? '' : 's'} on the target`);
    this.runId = runId;
    this.left = left;
  }
}

/**
 * The default replay budget for n change units: the baseline and the candidate, 2(n-1) replays
 * to find every single-unit cause, n fix checks, and n² + 3n for combinations (one ddmin's worst
 * case over n units).
 */
export function defaultMaxRuns(units: number): number {
  return 2 + 2 * Math.max(0, units - 1) + units + units * units + 3 * units;
}

/**
 * Replays the scenario under the baseline and the candidate and attributes every newly blocked
 * account to the cause sets of changes that block it (see `searchCauses`):
 *
 * 1. Whole-population runs of the baseline and the candidate give the newly blocked accounts.
 * 2. The cause search replays mixes of the two (the baseline with some units of the candidate):
 *    on the embedded mock over the whole population, on a live target over the newly blocked
 *    accounts and a small control sample only, so a staging server's rate limit is spent on
 *    what needs explaining.
 * 3. Each change is then `blocks`, `harmless`, or `not-judged` when the world cannot show its
 *    harm (`judge`) or unexplained accounts may involve it.
 *
 * Every configuration's outcome is cached, so none is replayed twice.
 */
export async function rehearse(request: RehearseRequest): Promise<RehearseReport> {
  const wallStart = performance.now();
  const { base, candidate, scenario, users, seed } = request;
  const diff = diffEnvSets(base, candidate);
  const units = buildUnits(diff.changes, base, candidate, request.couplings ?? []);
  const maxRuns = request.maxRuns ?? defaultMaxRuns(units.length);
  const baseSettings = settingsOf(base, request.dialect, request.proxy);
  if ('invalid' in baseSettings) throw new Error('the baseline env set is invalid');
  const baseValid = baseSettings.settings;
  const world = request.world ? { profile: request.world.profile, settings: baseSettings.settings } : undefined;
  const features = request.world ? worldFeatures(request.world.profile, { users, collisions: request.collisions ?? 0, dialect: request.dialect }) : 'live';
  const connectorJudge = request.connector?.judge;
  const judge = request.judge ?? ((variable: string): Judgement => (connectorJudge ? connectorJudge(variable, judgeChange(variable, features)) : judgeChange(variable, features)));
  const runs = { full: 0, scoped: 0, cached: 0, invalid: 0 };
  const requests = { baseline: 0, candidate: 0, search: 0 };
  /** live: the accounts search replays send (newly blocked and a control sample); mock: all. */
  let scope: Uint8Array | undefined;

  // Live targets replay one run after another (each with its own run id and cleanup); the
  // embedded mock may overlap independent replays in worker threads.
  // (A request budget is shared state: runs that spend it stay in this thread.)
  const replayer = request.connector && world
    ? request.connector.replayer(request.workers ?? 1, world)
    : request.target === 'mock' && request.budget === undefined ? workerReplayer(request.workers ?? 1, request.signal) : inProcessReplayer();
  const connectorResults: { baseline?: ReplayResult['connector']; candidate?: ReplayResult['connector'] } = {};
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
  const byId = new Map(units.map((u) => [u.id, u]));

  /** Starts (or finds) the replay of the baseline with `subset` applied; runs are counted and labelled in call order. */
  const replay = (subset: readonly ChangeUnit[], phase: 'baseline' | 'candidate' | 'search', again = false): Promise<Outcome> => {
    const ids = subset.map((u) => u.id).sort();
    const scoped = phase === 'search' && scope !== undefined;
    const key = `${scoped ? 'scoped' : 'full'}:${ids.join('\u0000')}`;
    // `again`: a second replay of the same mix, to see whether its outcome repeats (never cached).
    const known = again ? undefined : cache.get(key);
    if (known) {
      runs.cached++;
      return known;
    }
    if (request.signal?.aborted) return Promise.reject(new Interrupted());
    const mixed = mixEnvSets(base, candidate, subset);
    const resolved = settingsOf(mixed, request.dialect, request.proxy);
    let started: Promise<Outcome>;
    if ('invalid' in resolved) {
      runs.invalid++;
      started = Promise.resolve({ failStage: new Uint8Array(users), unverified: new Uint8Array(users), failReason: new Uint16Array(users), reasons: [], marker: '', totals: emptyTotals(), requests: 0, invalid: resolved.invalid });
    } else {
      if (scoped) runs.scoped++;
      else runs.full++;
      request.onRun?.(`${scoped ? 'scoped' : 'full'} ${ids.length === 0 ? 'baseline' : ids.length === units.length ? 'candidate' : `baseline + ${ids.join(', ')}`}`, runs.full + runs.scoped);
      started = (async () => {
        await acquire();
        try {
          if (ended || request.signal?.aborted) throw new Interrupted();
          const good = knownGood(resolved.settings, baseValid);
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
              // A live search replay asks only which accounts get blocked: it stops sending for an account once it is.
              ...(scoped && scope ? { sample: scope, skipBlocked: true } : {}),
              ...(request.cwd ? { cwd: request.cwd } : {}),
              ...(request.keep ? { keep: true } : {}),
              // Every replay reads the target back, and cleans up, with the baseline's known-good
              // credentials and limits: what it learns is the mix's effect, not whether its own
              // reads survived the mix.
              verifySettings: good,
              ...(request.target === 'live' ? { cleanupSettings: good } : {}),
              ...(request.budget ? { budget: request.budget } : {}),
              ...(request.connector ? { envSet: mixed } : {}),
            },
            { ...(request.signal ? { signal: request.signal } : {}), ...(request.onRunId ? { onRunId: request.onRunId } : {}) },
          );
          requests[phase] += result.requests;
          if (phase !== 'search' && result.connector) connectorResults[phase] = result.connector;
          // Later replays never run on a dirty target.
          if (result.cleanup && !result.cleanup.clean) {
            ended = true;
            throw new RehearseTargetDirty(result.cleanup.runId, result.cleanup.left);
          }
          // A capped or interrupted replay ends the rehearsal: nothing queued may start after it.
          if (result.capped) {
            ended = true;
            throw new BudgetExceeded();
          }
          if (result.partial) {
            ended = true;
            throw new Interrupted();
          }
          return {
            failStage: result.failStage,
            unverified: result.unverifiedAccounts,
            failReason: result.failReason,
            reasons: result.reasons,
            marker: result.marker,
            totals: { blocked: result.blocked, byStage: result.byStage, unverified: result.unverified },
            requests: result.requests,
          };
        } finally {
          release();
        }
      })();
    }
    if (!again) cache.set(key, started);
    // A replay started ahead of need may fail unobserved; whoever awaits it sees the error.
    started.catch(() => undefined);
    return started;
  };

  /** A replay the search has made: scoped on a live target, or the whole candidate. */
  const replayed = (subset: readonly ChangeUnit[]): Promise<Outcome> => {
    const ids = subset.map((u) => u.id).sort().join('\u0000');
    const found = cache.get(`scoped:${ids}`) ?? cache.get(`full:${ids}`);
    if (!found) throw new Error('a cause set was never replayed: a scimsim bug');
    return found;
  };

  try {
    const report = await attribute();
    return request.connector ? request.connector.present(report) : report;
  } finally {
    ended = true;
    await replayer.close();
  }

  async function attribute(): Promise<RehearseReport> {
    if (2 > maxRuns) throw new BudgetExceeded();
    const [baseline, full] = await Promise.all([replay([], 'baseline'), replay(units, 'candidate')]);
    if (full.invalid) throw new Error('the candidate env set is invalid');
    const newly: number[] = [];
    let alreadyBlocked = 0;
    for (let i = 0; i < users; i++) {
      if (baseline.failStage[i] !== 0) alreadyBlocked++;
      else if (full.failStage[i] !== 0) newly.push(i);
    }
    // Replays that meet the world in real time (a connector: its own timers, the world's rate
    // limit and latency) may block an account by chance. The candidate is replayed once more,
    // and an account the second replay does not block is not reproducible: never blamed.
    const repeatable = replayer.repeatable !== false;
    let repeated = newly;
    const unrepeated: number[] = [];
    if (!repeatable && newly.length > 0) {
      if (3 > maxRuns) throw new BudgetExceeded();
      const again = await replay(units, 'search', true);
      repeated = [];
      for (const i of newly) (again.failStage[i] !== 0 ? repeated : unrepeated).push(i);
    }
    if (request.target === 'live' && newly.length > 0) scope = searchScope(newly, users);

    const searched = repeated.length === 0
      ? { rows: [], unexplained: { budget: [], 'not-reproducible': [], inseparable: [], unverified: [] }, runs: 0, budgetExhausted: false }
      : await searchCauses({
          units: units.map((u) => u.id),
          newly: repeated,
          maxRuns: Math.max(0, maxRuns - 2 - (repeatable ? 0 : 1)),
          suspects: suspectsOf(full, repeated, units, users),
          replay: async (ids) => {
            const outcome = await replay(ids.map((id) => byId.get(id) as ChangeUnit), 'search');
            if (outcome.invalid) return { invalid: true };
            return { blocks: (i: number) => outcome.failStage[i] !== 0, unknown: (i: number) => outcome.unverified[i] === 1 };
          },
        });
    const search = unrepeated.length === 0 ? searched : { ...searched, unexplained: { ...searched.unexplained, 'not-reproducible': [...searched.unexplained['not-reproducible'], ...unrepeated].sort((a, b) => a - b) } };

    const rows: Array<{ causes: ChangeUnit[][]; accounts: number[]; outcome: Outcome; causeOutcomes: Outcome[] }> = [];
    for (const row of search.rows) {
      const causes = row.causes.map((set) => set.map((id) => byId.get(id) as ChangeUnit));
      // Every cause set was replayed by the search (the cache has it); the row's reasons are the smallest one's.
      const causeOutcomes = await Promise.all(causes.map((set) => replayed(set)));
      rows.push({ causes, accounts: row.accounts, outcome: causeOutcomes[0] as Outcome, causeOutcomes });
    }
    const unexplainedBecause = {
      budget: search.unexplained.budget.length,
      notReproducible: search.unexplained['not-reproducible'].length,
      inseparable: search.unexplained.inseparable.length,
      unverified: search.unexplained.unverified.length,
    };
    const unexplained = unexplainedBecause.budget + unexplainedBecause.notReproducible + unexplainedBecause.inseparable + unexplainedBecause.unverified;

    const blamedUnits = new Set(rows.flatMap((r) => r.causes.flat().map((u) => u.id)));
    const unitOf = new Map(units.flatMap((u) => u.variables.map((v) => [v, u.id] as const)));
    const changes: RehearsedChange[] = diff.changes.map((c) => {
      const unitId = unitOf.get(c.variable) ?? c.variable;
      if (blamedUnits.has(unitId)) return { ...c, unitId, effect: 'blocks' };
      if (unexplained > 0) {
        return {
          ...c,
          unitId,
          effect: 'not-judged',
          notJudgedBecause: `${unexplained.toLocaleString('en-US')} newly blocked account${unexplained === 1 ? ' is' : 's are'} unexplained and may involve it`,
          wouldJudge: unexplainedBecause.budget > 0 ? 'a rehearsal with a larger --max-runs' : 'a rehearsal on a target whose outcomes repeat between replays',
        };
      }
      const judgement = judge(c.variable);
      if (!judgement.judged) return { ...c, unitId, effect: 'not-judged', notJudgedBecause: judgement.because, wouldJudge: judgement.wouldJudge };
      return { ...c, unitId, effect: 'harmless' };
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
    const attribution = rows
      .map((row) => describeCause(row, users, factoryFor(row.outcome.marker)))
      .sort((a, b) => b.blocked - a.blocked || catalogRank(a.variables[0]) - catalogRank(b.variables[0]));
    const unverified = baseline.totals.unverified + full.totals.unverified;
    const caveats: string[] = [];
    const notJudged = changes.filter((c) => c.effect === 'not-judged');
    if (notJudged.length > 0) caveats.push(`${notJudged.length} of ${changes.length} changes ${notJudged.length === 1 ? 'was' : 'were'} not judged by this world`);
    if (unverified > 0) caveats.push(`${unverified.toLocaleString('en-US')} account${unverified === 1 ? '' : 's'} could not be read back (unverified)`);
    if (unexplained > 0) caveats.push(`${unexplained.toLocaleString('en-US')} newly blocked account${unexplained === 1 ? ' is' : 's are'} unexplained`);
    if (unrepeated.length > 0) {
      caveats.push(
        `${unrepeated.length.toLocaleString('en-US')} of them ${unrepeated.length === 1 ? 'was' : 'were'} not blocked again when the candidate was replayed once more: the connector's outcomes vary between replays (a rate limit or latency met in real time, or its own timing)`,
      );
    }
    // Accounts blocked by chance (not blocked again by a second replay) do not show that the candidate blocks accounts.
    const verdict = repeated.length > 0 ? 'blocks-accounts' : caveats.length > 0 ? 'inconclusive' : 'safe';
    const quarantine = predictQuarantine({
      dialect: request.dialect,
      users,
      ...countQuarantineFailures(full.failStage, full.failReason, full.reasons),
      deprovisions: countDeprovisions(scenario, users, seed),
      ...(request.deletionThreshold !== undefined ? { deletionThreshold: request.deletionThreshold } : {}),
    });
    return {
      scenario: scenario.name,
      dialect: request.dialect,
      users,
      seed,
      target: request.target,
      ...(request.world ? { serverProfile: request.world.name, world: { name: request.world.name, builtFor: request.world.builtFor } } : {}),
      labels: request.labels,
      verdict,
      caveats,
      baseline: baseline.totals,
      candidate: full.totals,
      newlyBlocked: newly.length,
      alreadyBlocked,
      changes,
      attribution,
      unexplained,
      unexplainedBecause,
      runs: { full: runs.full, scoped: runs.scoped, cached: runs.cached, invalid: runs.invalid, total: runs.full + runs.scoped + runs.cached, budgetExhausted: search.budgetExhausted, budget: maxRuns },
      requests: { ...requests, total: requests.baseline + requests.candidate + requests.search },
      ...(quarantine ? { quarantine } : {}),
      ...(request.connector ? { connector: request.connector.summary(connectorResults) } : {}),
      timing: { wallMs: Math.round(performance.now() - wallStart) },
    };
  }
}

/**
 * The settings a replay reads the target back and cleans up with: where the replay wrote (the
 * mix's endpoint), with the baseline's credentials when the endpoint is the baseline's (the mix's
 * otherwise), and always the baseline's limits (page size, concurrency, rate cap, timeout,
 * retries), which are known to work against this target.
 */
export function knownGood(mix: ScimSettings, base: ScimSettings): ScimSettings {
  const sameTarget = mix.baseUrl === base.baseUrl && mix.tenantId === base.tenantId;
  return {
    ...mix,
    auth: sameTarget ? base.auth : mix.auth,
    pageSize: base.pageSize,
    maxConcurrency: base.maxConcurrency,
    rateLimitRps: base.rateLimitRps,
    timeoutMs: base.timeoutMs,
    maxRetries: base.maxRetries,
  };
}

/** RehearseInterrupted: SIGINT stopped a replay; no attribution can be trusted. */
export { Interrupted as RehearseInterrupted, BudgetExceeded as RehearseBudgetExceeded };

function settingsOf(set: EnvSet, dialect: DialectName, proxy: ProxySettings | undefined): { settings: ScimSettings } | { invalid: string[] } {
  const errors = validateEnvSet(set, { dialect: getDialect(dialect) }).problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { invalid: errors.map((p) => p.message) };
  const settings = effectiveSettings(resolveSettings(set), getDialect(dialect));
  return { settings: proxy === undefined ? settings : { ...settings, proxy } };
}

function emptyTotals(): RunTotals {
  return { blocked: 0, byStage: Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>, unverified: 0 };
}
