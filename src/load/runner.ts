import { AsyncLocalStorage } from 'node:async_hooks';
import type { ScimSettings } from '../env/settings.js';
import { cleanUpRun, removeRunResources, type CleanupResult } from '../target/cleanup.js';
import { readJournal } from '../target/journal.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import { hash32 } from '../scenario/hash.js';
import { STREAM } from '../scenario/streams.js';
import { createUserFactory } from '../scenario/users.js';
import type { HttpOutcome } from '../scim/client/http.js';
import type { UserFields } from '../scim/dialects.js';
import type { DialectName } from '../scim/dialects.js';
import type { Clock } from '../scim/clock.js';
import type { Transport } from '../scim/transport.js';
import { openTarget, type RequestBudget } from '../target/session.js';
import { LOAD_OPERATIONS, OperationStats, type LoadOperation } from './metrics.js';
import type { LoadMix } from './mix.js';
import { arrivalTimes, type LoadPlan } from './schedule.js';
import { watchThresholds } from './abort.js';
import { LoadWindows, windowWidthMs } from './windows.js';
import type { Threshold } from './thresholds.js';

export interface LoadRequest {
  settings: ScimSettings;
  plan: LoadPlan;
  mix: LoadMix;
  seed: number;
  dialect: DialectName;
  target: 'mock' | 'live';
  world?: { profile: ResolvedProfile; settings: ScimSettings } | undefined;
  /** `--shard i/n`: this process runs iterations k with k mod n = i, at their scheduled times. */
  shard?: { index: number; count: number } | undefined;
  signal?: AbortSignal | undefined;
  onRunId?: ((runId: string) => void) | undefined;
  cwd?: string | undefined;
  keep?: boolean | undefined;
  budget?: RequestBudget | undefined;
  /** Thresholds; those with `abort` stop the test once they have definitely failed (`--abort-on-fail`). */
  thresholds?: Threshold[] | undefined;
}

/** Why operations failed, counted. */
export interface LoadFailure {
  operation: LoadOperation;
  status: number;
  scimType?: string;
  error?: string;
  count: number;
}

/** A test stopped by `--abort-on-fail`: the threshold that had definitely failed, and when. */
export interface LoadAbort {
  threshold: string;
  atMs: number;
}

export interface LoadResult {
  request: LoadRequest;
  /** Iterations the process may have in flight: SCIM_MAX_CONCURRENCY, as the provisioning service would. */
  vus: number;
  iterations: { scheduled: number; started: number; dropped: number; completed: number };
  operations: Record<LoadOperation, OperationStats>;
  /** The same figures per operation in fixed windows of the test, by when each operation finished. */
  windows: LoadWindows;
  failures: LoadFailure[];
  /** Retry-After values the target sent with its 429s: ms -> times seen. */
  retryAfterMs: Map<number, number>;
  runId?: string;
  partial: boolean;
  capped: boolean;
  aborted?: LoadAbort;
  live?: { journal: string; kept: boolean; cleanup?: CleanupResult };
  timing: { simulatedMs: number; wallMs: number };
}

/** A live progress reading, for the TTY line. */
export interface LoadProgress {
  elapsedMs: number;
  durationMs: number;
  started: number;
  dropped: number;
  inFlight: number;
  operations: number;
  errors: number;
}

/**
 * An open-model load test. Iterations start at the plan's arrival times on the run's clock
 * (virtual on the embedded mock, real on a live target), whatever the target does; when all
 * SCIM_MAX_CONCURRENCY slots are busy at an arrival, that iteration is dropped and counted, as
 * k6's arrival-rate executors do. Each iteration is one joiner: a match lookup and a create, then
 * by the mix's chances a move (update), a leave (deactivate) and a reconcile page (list). The
 * first operation's latency counts from the iteration's scheduled start, so lag before sending
 * (a busy process, the client-side rate limit) shows in the figures rather than hiding
 * (coordinated omission). Iteration k acts on synthetic user k only, so shards never share an
 * account and their merged figures equal one process's.
 */
export class LoadRun {
  readonly #request: LoadRequest;
  #inFlight = 0;
  #started = 0;
  #dropped = 0;
  #completed = 0;
  #scheduled = 0;
  readonly #operations = Object.fromEntries(LOAD_OPERATIONS.map((op) => [op, new OperationStats()])) as Record<LoadOperation, OperationStats>;
  readonly #windows: LoadWindows;
  readonly #failures = new Map<string, LoadFailure>();
  readonly #retryAfter = new Map<number, number>();
  #now: () => number = () => 0;

  constructor(request: LoadRequest) {
    this.#request = request;
    this.#windows = new LoadWindows(windowWidthMs(request.plan.durationMs));
  }

  progress(): LoadProgress {
    let operations = 0;
    let errors = 0;
    for (const op of LOAD_OPERATIONS) {
      operations += this.#operations[op].count;
      errors += this.#operations[op].errors;
    }
    return { elapsedMs: this.#now(), durationMs: this.#request.plan.durationMs, started: this.#started, dropped: this.#dropped, inFlight: this.#inFlight, operations, errors };
  }

  /** Runs the test; `stop` (SIGINT) ends the schedule early, in-flight iterations finish. */
  async execute(stop?: AbortSignal): Promise<LoadResult> {
    const wallStart = performance.now();
    const request = this.#request;
    const { settings, plan, seed } = request;
    const vus = settings.maxConcurrency;
    // Server time: the transport is timed per request and the time is added to whichever
    // operation the request belongs to; operations of different iterations overlap, so the
    // operation travels with the async context, not in a shared variable.
    const serverTime = new AsyncLocalStorage<{ ms: number }>();
    let timingClock: Clock | undefined;
    const session = openTarget({ ...request, connections: vus, worldShare: request.shard?.count, wrapTransport: (t) => timeTransport(t, serverTime, () => timingClock) });
    timingClock = session.clock;
    const { client, clock, marker } = session;
    this.#now = () => clock.now();
    const failed = new AbortController();
    let aborted: LoadAbort | undefined;
    const watch = watchThresholds(request.thresholds ?? [], () => ({
      operations: this.#operations,
      iterations: { scheduled: this.#scheduled, started: this.#started, dropped: this.#dropped, completed: this.#completed },
    }));
    const checkThresholds = (): void => {
      if (aborted) return;
      aborted = watch(clock.now());
      if (aborted) failed.abort();
    };
    const signals = [session.capSignal, failed.signal, ...(request.signal ? [request.signal] : []), ...(stop ? [stop] : [])];
    const signal = AbortSignal.any(signals);
    const factory = createUserFactory({ seed, marker, domain: settings.usernameDomain, population: Math.max(1, plan.iterations) });
    const created: string[] = [];
    const keepIds = request.target === 'live';
    const shard = request.shard ?? { index: 0, count: 1 };
    const running = new Set<Promise<void>>();

    /** Runs one operation, timing its server side. */
    const timed = <T>(send: () => Promise<T>): Promise<[T, number]> => {
      const box = { ms: 0 };
      return serverTime.run(box, async (): Promise<[T, number]> => [await send(), box.ms]);
    };
    const record = (op: LoadOperation, outcome: HttpOutcome, since: number, serverMs: number): void => {
      const now = clock.now();
      this.#operations[op].record(outcome, now - since, serverMs);
      this.#windows.record(op, now, outcome, now - since);
      if (outcome.retryAfterMs) for (const ms of outcome.retryAfterMs) this.#retryAfter.set(ms, (this.#retryAfter.get(ms) ?? 0) + 1);
      if (!outcome.ok) this.#fail(op, outcome);
      checkThresholds();
    };

    const iteration = async (k: number, due: number): Promise<void> => {
      const user = factory.user(k);
      const fields: UserFields = {
        userName: user.userName,
        externalId: user.externalId,
        givenName: user.givenName,
        familyName: user.familyName,
        displayName: user.displayName,
        email: user.email,
        title: user.title,
        department: user.department,
        phone: user.phone,
        active: true,
      };
      const [found, lookupMs] = await timed(() => client.findUser(fields));
      record('lookup', found.outcome, due, lookupMs);
      if (!found.outcome.ok) return;
      let id = found.id;
      if (id === undefined) {
        const start = clock.now();
        const [made, createMs] = await timed(() => client.postUser(fields));
        record('create', made.outcome, start, createMs);
        id = made.id;
        if (id === undefined) return;
        if (keepIds) created.push(id);
      }
      const mix = request.mix;
      if (chance(seed, k, 1) < mix.update && !signal.aborted) {
        const change = factory.mover(k, 0, ['title', 'department']);
        const start = clock.now();
        const [updated, ms] = await timed(() => client.updateUser(id, { title: change.title, department: change.department }));
        record('update', updated.outcome, start, ms);
      }
      if (chance(seed, k, 2) < mix.deactivate && !signal.aborted) {
        const start = clock.now();
        const [left, ms] = await timed(() => client.setActive(id, false));
        record('deactivate', left.outcome, start, ms);
      }
      if (chance(seed, k, 3) < mix.list && !signal.aborted) {
        const start = clock.now();
        const [page, ms] = await timed(() => client.listUsers(1, client.pageSize, `externalId sw "${marker}-"`));
        record('list', page, start, ms);
      }
    };

    try {
      for (const due of arrivalTimes(plan, shard.index, shard.count)) {
        const k = shard.index + this.#scheduled * shard.count;
        const wait = due - clock.now();
        if (wait > 0) {
          try {
            await clock.sleep(wait, signal);
          } catch {
            break;
          }
        }
        if (signal.aborted) break;
        this.#scheduled++;
        if (this.#inFlight >= vus) {
          this.#dropped++;
          checkThresholds();
          continue;
        }
        this.#inFlight++;
        this.#started++;
        const task: Promise<void> = iteration(k, due).then(() => {
          this.#inFlight--;
          this.#completed++;
          running.delete(task);
        });
        running.add(task);
      }
      await Promise.all(running);
      // Iterations the schedule never reached (interrupted or capped) count as scheduled but not started.
      const total = countShard(plan.iterations, shard);
      const partial = signal.aborted;
      let cleanup: CleanupResult | undefined;
      if (request.target === 'live' && request.keep !== true) {
        session.beginCleanup();
        cleanup = session.journal
          ? await cleanUpRun({ client, state: readJournal(session.journal.path), journal: session.journal, concurrency: vus })
          : await removeRunResources(client, created, [], undefined, vus);
      }
      return {
        request,
        vus,
        iterations: { scheduled: partial ? this.#scheduled : total, started: this.#started, dropped: this.#dropped, completed: this.#completed },
        operations: this.#operations,
        windows: this.#windows,
        failures: [...this.#failures.values()],
        retryAfterMs: this.#retryAfter,
        ...(request.target === 'live' ? { runId: session.runId, live: { journal: session.journal?.path ?? '', kept: request.keep === true, ...(cleanup ? { cleanup } : {}) } } : {}),
        partial,
        capped: session.capped(),
        ...(aborted ? { aborted } : {}),
        timing: { simulatedMs: Math.round(clock.now()), wallMs: Math.round(performance.now() - wallStart) },
      };
    } finally {
      await session.close();
    }
  }

  #fail(operation: LoadOperation, outcome: HttpOutcome): void {
    const key = `${operation}|${outcome.status}|${outcome.scimType ?? ''}|${outcome.error ?? ''}`;
    const known = this.#failures.get(key);
    if (known) {
      known.count++;
      return;
    }
    this.#failures.set(key, {
      operation,
      status: outcome.status,
      ...(outcome.scimType !== undefined ? { scimType: outcome.scimType } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      count: 1,
    });
  }
}

/** A transport that adds each request's time, on the run's clock, to the operation it serves. */
function timeTransport(transport: Transport, serverTime: AsyncLocalStorage<{ ms: number }>, clock: () => Clock | undefined): Transport {
  return async (request) => {
    const box = serverTime.getStore();
    const c = clock();
    if (!box || !c) return transport(request);
    const start = c.now();
    try {
      return await transport(request);
    } finally {
      box.ms += c.now() - start;
    }
  };
}

/** Iterations of `total` that fall to `shard`. */
export function countShard(total: number, shard: { index: number; count: number }): number {
  return shard.index >= total ? 0 : Math.floor((total - 1 - shard.index) / shard.count) + 1;
}

/** A per-iteration chance in [0, 1), fixed by (seed, iteration, decision). */
function chance(seed: number, k: number, decision: number): number {
  return hash32(seed, STREAM.load, k, decision) / 4294967296;
}
