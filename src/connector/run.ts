import type { EnvSet } from '../env/load.js';
import type { ScimSettings } from '../env/settings.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { ReplayJob, ReplayResult, Replayer } from '../rehearse/replayer.js';
import type { RunReport } from '../report/run-report.js';
import type { Scenario } from '../scenario/types.js';
import type { DialectName } from '../scim/dialects.js';
import { runCommandConnector } from './command-run.js';
import { teamNamer } from './env.js';
import { runNodeConnector } from './node-run.js';
import type { ConnectorSpec } from './types.js';

/** A connector as the CLI names it: the contract, and the module or command as the user gave it. */
export type NamedConnector = ConnectorSpec & { name: string };

/** One run through a team's connector on the embedded world. */
export interface ConnectorRunRequest {
  connector: NamedConnector;
  /** The env set under test: the connector's environment. */
  envSet: EnvSet;
  scenario: Scenario;
  users: number;
  seed: number;
  dialect: DialectName;
  collisions?: number;
  /** The world, and the settings of the env set it is built for (the baseline in a rehearsal). */
  world: { profile: ResolvedProfile; settings: ScimSettings };
  signal?: AbortSignal;
  /** How long a connector's call may hang (default CONNECTOR_TIMEOUT_MS, 30 s). */
  timeoutMs?: number;
}

/**
 * A `run` through the team's connector instead of scimsim's client: the same scenario, world and
 * read-back, the same report (with the requests the connector sent outside the env set).
 */
export async function runThroughConnector(request: ConnectorRunRequest): Promise<{ report: RunReport; result: ReplayResult }> {
  const { connector } = request;
  const common = {
    scenario: request.scenario,
    users: request.users,
    seed: request.seed,
    dialect: request.dialect,
    ...(request.collisions ? { collisions: request.collisions } : {}),
    world: request.world,
    envSet: request.envSet,
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
  };
  const ran =
    connector.kind === 'command'
      ? await runCommandConnector({ ...common, command: connector.command, cwd: connector.cwd, name: connector.name }, request.signal)
      : await runNodeConnector({ ...common, connector: { module: connector.module, name: connector.name, concurrency: connector.concurrency } }, request.signal);
  // Hints name variables as the team's files do, as a rehearsal's report does.
  const team = teamNamer(request.envSet);
  return team === undefined ? ran : { ...ran, report: { ...ran.report, hints: ran.report.hints.map(team.text) } };
}

/**
 * Replays for `rehearse` through the connector: each replay its own fresh worker thread (or
 * child process) with the mix's env set, up to `parallel` at once, every one on a fresh world
 * built for the baseline. Connector replays run in real time, so overlapping them pays.
 */
export function connectorReplayer(connector: NamedConnector, parallel: number, world: { profile: ResolvedProfile; settings: ScimSettings }, signal?: AbortSignal): Replayer {
  return {
    parallel,
    // Real time: the world's rate limit and latency, and the connector's own timers.
    repeatable: false,
    replay: async (job: ReplayJob) => {
      if (!job.envSet) throw new Error('a connector replay without its env set (a scimsim bug)');
      const { result } = await runThroughConnector({
        connector,
        envSet: job.envSet,
        scenario: job.scenario,
        users: job.users,
        seed: job.seed,
        dialect: job.dialect,
        ...(job.collisions ? { collisions: job.collisions } : {}),
        world,
        ...(signal ? { signal } : {}),
      });
      return result;
    },
    close: async () => undefined,
  };
}
