import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { settingsSecrets } from '../env/redact.js';
import type { ScimSettings } from '../env/settings.js';
import { RunJournal, targetOf } from './journal.js';
import { createInProcessTransport } from '../mock/adapters/in-process.js';
import { ScimProvider, type ProviderOptions } from '../mock/core/provider.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import { ScimClient } from '../scim/client/client.js';
import { VirtualClock, createRealClock, type Clock } from '../scim/clock.js';
import { getDialect, type DialectName } from '../scim/dialects.js';
import { createRandom } from '../scim/random.js';
import type { Transport } from '../scim/transport.js';
import type { ProxySettings } from '../scim/proxy.js';
import { createUndiciTransport } from '../scim/transports/undici.js';
import { seedPopulation, type PopulationRequest } from './population.js';
import { providerOptionsFor, shareWorld } from './world.js';

/** A cap on the requests of one invocation (`--max-requests`); cleaning up is always allowed. */
export interface RequestBudget {
  limit: number;
  used: number;
}

export interface TargetRequest {
  settings: ScimSettings;
  seed: number;
  dialect: DialectName;
  target: 'mock' | 'live';
  /** mock: the world, and the env set it is valid in (the baseline). */
  world?: { profile: ResolvedProfile; settings: ScimSettings } | undefined;
  /** mock: the run's users, so that the world's pre-existing population is some of them. */
  users?: number | undefined;
  collisions?: number | undefined;
  /** mock: this run is one of `worldShare` shards of one test, and gets that share of the world's capacity. */
  worldShare?: number | undefined;
  /** live: told the run id before the first write. */
  onRunId?: ((runId: string) => void) | undefined;
  /** live: the folder the journal goes under (`.scimsim/runs`); default the process's cwd. */
  cwd?: string | undefined;
  budget?: RequestBudget | undefined;
  /** live: keep-alive connections of the undici pool (default SCIM_MAX_CONCURRENCY). */
  connections?: number | undefined;
  /** The run's interrupt: it cuts every backoff and Retry-After wait short, until cleanup begins. */
  signal?: AbortSignal | undefined;
  /** Observes every request on its way to the target (the load test times the server with it). */
  wrapTransport?: ((transport: Transport) => Transport) | undefined;
  /**
   * Settings of the client that reads the target back after the scenario (default the run's):
   * a rehearsal verifies every replay with the baseline's known-good limits, so that what it
   * learns is the candidate's effect, not whether its own reads survived the candidate's.
   */
  verifySettings?: ScimSettings | undefined;
}

/**
 * One run's way to the target, shared by `run` and `load`: a fresh embedded world on a virtual
 * clock, or undici on the real clock with a run id, a marker, a journal and the request budget.
 */
export interface TargetSession {
  readonly client: ScimClient;
  /** The client that reads the target back (the run's client unless verifySettings are given). */
  readonly verifier: ScimClient;
  readonly clock: Clock;
  readonly runId: string;
  /** The run marker: synthetic externalIds are `${marker}-${index}`. */
  readonly marker: string;
  /** mock: the run's users the world held before the run (index -> id); empty on a live target. */
  readonly preexisting: ReadonlyMap<number, string>;
  readonly journal: RunJournal | undefined;
  /** Aborted when the request budget runs out. */
  readonly capSignal: AbortSignal;
  /** Requests sent so far, retries and token requests included. */
  requests(): number;
  /** Counts a request another client of this run sent (its cleanup with other settings). */
  countRequest(): void;
  /** Whether --max-requests stopped the run. */
  capped(): boolean;
  /** From here on the budget no longer applies: the run is removing what it created. */
  beginCleanup(): void;
  close(): Promise<void>;
}

/** Where requests go: a fresh embedded world (its provider's options), or a live target. */
export type TransportChoice =
  | { target: 'mock'; provider: ProviderOptions; population?: PopulationRequest }
  | { target: 'live'; connections: number; timeoutMs: number; proxy?: ProxySettings | undefined };

/**
 * The one place that chooses mock or live: the embedded provider in-process on a virtual clock,
 * or undici on the real clock. `close` releases the live connection pool.
 */
export function openTransport(choice: TransportChoice): { transport: Transport; clock: Clock; close: () => Promise<void>; preexisting: ReadonlyMap<number, string> } {
  if (choice.target === 'mock') {
    const virtual = new VirtualClock();
    const provider = new ScimProvider(choice.provider);
    const preexisting = choice.population ? seedPopulation(provider.store, choice.provider.profile.population, choice.population) : NONE;
    return { transport: createInProcessTransport(provider, virtual), clock: virtual, close: async () => undefined, preexisting };
  }
  const live = createUndiciTransport({ connections: choice.connections, timeoutMs: choice.timeoutMs, proxy: choice.proxy });
  return { transport: live.transport, clock: createRealClock(), close: live.close, preexisting: NONE };
}

const NONE: ReadonlyMap<number, string> = new Map();

export function openTarget(request: TargetRequest): TargetSession {
  const { settings, seed } = request;
  let runId: string;
  if (request.target === 'mock' && !request.world) throw new Error('a mock run needs a world');
  if (request.target === 'mock') {
    runId = `mock-${seed}`;
  } else {
    runId = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  }
  const marker = `scimsim-${runId}`;
  // The world's pre-existing accounts are some of this run's users: it needs their number and marker.
  const population: PopulationRequest | undefined =
    request.world && request.users !== undefined ? { seed, marker, users: request.users, collisions: request.collisions ?? 0, domain: request.world.settings.usernameDomain } : undefined;
  const { transport: opened, clock, close, preexisting } = openTransport(
    request.target === 'mock' && request.world
      ? { target: 'mock', provider: providerOptionsFor(request.world.settings, shareWorld(request.world.profile, request.worldShare ?? 1), seed), ...(population ? { population } : {}) }
      : { target: 'live', connections: request.connections ?? settings.maxConcurrency, timeoutMs: settings.timeoutMs, proxy: settings.proxy },
  );
  if (request.target === 'live') request.onRunId?.(runId);
  const transport = request.wrapTransport ? request.wrapTransport(opened) : opened;
  let journal: RunJournal | undefined;
  if (request.target === 'live') {
    journal = new RunJournal(request.cwd ?? process.cwd(), runId);
    journal.write({ op: 'start', runId, marker, target: targetOf(settings.baseUrl, settingsSecrets(settings)), at: new Date().toISOString() });
  }
  let requests = 0;
  let capped = false;
  let cleaning = false;
  const stopper = new AbortController();
  const budget = request.budget;
  // Every request waiting out a backoff or Retry-After listens on the interrupt while it waits
  // (and stops listening when it wakes): up to SCIM_MAX_CONCURRENCY of them at once, across the
  // replays of a rehearsal, which is no leak.
  if (request.signal) setMaxListeners(0, request.signal);
  const options = {
    transport,
    clock,
    random: createRandom(`client:${seed}`),
    dialect: getDialect(request.dialect),
    marker,
    ...(preexisting.size > 0 ? { preexisting: new Set(preexisting.values()) } : {}),
    ...(journal ? { journal } : {}),
    interrupt: () => (cleaning ? undefined : request.signal),
    onSend: () => {
      requests++;
    },
    ...(budget
      ? {
          gate: () => {
            if (cleaning) return undefined;
            if (budget.used >= budget.limit) {
              capped = true;
              stopper.abort();
              return { error: 'request-cap', detail: `--max-requests ${budget.limit} reached` };
            }
            budget.used++;
            return undefined;
          },
        }
      : {}),
  };
  const client = new ScimClient(settings, options);
  // Reads only: the verifier's own random stream, so the run's backoff draws stay as they were.
  const verifier = request.verifySettings ? new ScimClient(request.verifySettings, { ...options, random: createRandom(`verify:${seed}`) }) : client;
  return {
    client,
    verifier,
    clock,
    runId,
    marker,
    preexisting,
    journal,
    capSignal: stopper.signal,
    requests: () => requests,
    countRequest: () => {
      requests++;
    },
    capped: () => capped,
    beginCleanup: () => {
      cleaning = true;
    },
    close,
  };
}

/**
 * A client for removing a run's resources from a live target, outside a run (`scimsim cleanup`):
 * the RFC dialect, the run's marker (so only what carries it can be touched), the real clock.
 */
export function openCleanupClient(settings: ScimSettings, marker: string, seed: string, onSend?: () => void): { client: ScimClient; close: () => Promise<void> } {
  const live = createUndiciTransport({ connections: settings.maxConcurrency, timeoutMs: settings.timeoutMs, proxy: settings.proxy });
  const client = new ScimClient(settings, { transport: live.transport, clock: createRealClock(), random: createRandom(seed), dialect: getDialect('rfc'), marker, ...(onSend ? { onSend } : {}) });
  return { client, close: live.close };
}
