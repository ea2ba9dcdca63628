import type { EnvSet } from '../env/load.js';
import { Redactor } from '../env/redact.js';
import type { ScimSettings } from '../env/settings.js';
import { ScimProvider } from '../mock/core/provider.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { Scenario } from '../scenario/types.js';
import { createInProcessTransport } from '../mock/adapters/in-process.js';
import { replayResultOf } from '../rehearse/replayer.js';
import type { RunReport } from '../report/run-report.js';
import { summarizeRun } from '../run/execute.js';
import { ScimClient } from '../scim/client/client.js';
import { VirtualClock, type Clock } from '../scim/clock.js';
import { getDialect, type DialectName } from '../scim/dialects.js';
import { createRandom } from '../scim/random.js';
import { seedPopulation } from '../target/population.js';
import { providerOptionsFor } from '../target/world.js';
import { driveScenario, readBackWorld, type Deliver, type DriveResult } from './drive.js';
import type { NodeConnectorReply } from './node-run.js';
import type { ConnectorSummary } from './types.js';

/** What every connector replay is given, Node module or program: plain data only. */
export interface ConnectorReplayJob {
  scenario: Scenario;
  users: number;
  seed: number;
  collisions?: number;
  dialect: DialectName;
  /** The world, built for the env set it is valid in (the baseline), and that env set's settings. */
  world: { profile: ResolvedProfile; settings: ScimSettings };
  /** The replay's env set: the connector's environment, and the secrets to redact. */
  envSet: EnvSet;
  /** How long a connector's call (or a program's acknowledgement) may take (default CONNECTOR_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** A replay's world: the provider with its pre-existing population, the run marker, and a redactor of the replay's secrets. */
export interface ConnectorWorld {
  provider: ScimProvider;
  marker: string;
  preexisting: ReturnType<typeof seedPopulation>;
  redactor: Redactor;
}

export function openConnectorWorld(job: ConnectorReplayJob): ConnectorWorld {
  const { world, seed, users } = job;
  const marker = `scimsim-mock-${seed}`;
  const redactor = new Redactor();
  redactor.addEnvSet(job.envSet);
  redactor.addSettings(world.settings);
  const provider = new ScimProvider(providerOptionsFor(world.settings, world.profile, seed));
  const preexisting = seedPopulation(provider.store, world.profile.population, { seed, marker, users, collisions: job.collisions ?? 0, domain: world.settings.usernameDomain });
  return { provider, marker, preexisting, redactor };
}

/** Walks the job's scenario, handing each step's events to `deliver` (see driveScenario). */
export function driveConnector(job: ConnectorReplayJob, world: ConnectorWorld, deliver: Deliver, reader: ScimClient, signal?: AbortSignal): Promise<DriveResult> {
  return driveScenario({
    scenario: job.scenario,
    users: job.users,
    seed: job.seed,
    marker: world.marker,
    domain: job.world.settings.usernameDomain,
    ...(job.collisions ? { collisions: job.collisions } : {}),
    deletesUsers: getDialect(job.dialect).deletesUsers,
    preexisting: world.preexisting,
    deliver,
    scrub: (text) => world.redactor.scrub(text),
    reader,
    ...(signal ? { signal } : {}),
  });
}

/**
 * The client that reads the world back after the connector's last step, with the settings the
 * world is built for, in-process, on a virtual clock that continues the world's time from the
 * moment the read-back starts (so the world's rate limit sees no time travel, and reading costs
 * no wall time). `reads()` counts its requests.
 */
export function worldReader(provider: ScimProvider, settings: ScimSettings, seed: number, marker: string, worldNow: () => number): { reader: ScimClient; reads: () => number; now: () => number } {
  const virtual = new VirtualClock();
  let offset: number | undefined;
  const clock: Clock = { now: () => (offset ??= worldNow()) + virtual.now(), sleep: (ms, signal) => virtual.sleep(ms, signal) };
  let reads = 0;
  const reader = new ScimClient(settings, {
    transport: createInProcessTransport(provider, clock),
    clock,
    random: createRandom(`verify:${seed}`),
    dialect: getDialect('rfc'),
    marker,
    onSend: () => void reads++,
  });
  return { reader, reads: () => reads, now: () => clock.now() };
}

export interface FinishRequest {
  job: ConnectorReplayJob;
  driven: DriveResult;
  /** The read-back's requests, and the world's time (see worldReader). */
  reads: () => number;
  now: () => number;
  /** Requests the connector sent (answered or refused). */
  requests: number;
  connector: ConnectorSummary;
  wallStart: number;
}

/**
 * After the connector's last step: reads the world back (unless the run was interrupted, whose
 * accounts keep their last state, as `run` does) and builds the run's report and replay result.
 */
export async function finishConnectorRun(request: FinishRequest): Promise<NodeConnectorReply> {
  const { driven, job } = request;
  const { settings } = job.world;
  const { seed, users } = job;
  if (!driven.partial) await readBackWorld(driven, settings.maxConcurrency);
  const { ledger } = driven;
  ledger.requests = request.requests + request.reads();
  const parts = summarizeRun(ledger, { seed, marker: driven.book.marker, domain: settings.usernameDomain, users, collisions: job.collisions ?? 0 });
  const report: RunReport = {
    scenario: job.scenario.name,
    dialect: job.dialect,
    users,
    seed,
    target: 'mock',
    partial: driven.partial,
    capped: false,
    ...parts,
    connector: request.connector,
    timing: { simulatedMs: Math.round(request.now()), wallMs: Math.round(performance.now() - request.wallStart) },
  };
  const result = replayResultOf({ report, ledger, marker: driven.book.marker, expected: (i) => driven.book.expected(i) });
  return { report, result: { ...result, connector: request.connector } };
}
