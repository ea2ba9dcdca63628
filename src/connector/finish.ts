import type { ScimSettings } from '../env/settings.js';
import type { ScimProvider } from '../mock/core/provider.js';
import { createInProcessTransport } from '../mock/adapters/in-process.js';
import { replayResultOf } from '../rehearse/replayer.js';
import type { RunReport } from '../report/run-report.js';
import { summarizeRun } from '../run/execute.js';
import { ScimClient } from '../scim/client/client.js';
import { VirtualClock, type Clock } from '../scim/clock.js';
import { getDialect } from '../scim/dialects.js';
import { createRandom } from '../scim/random.js';
import { readBackWorld, type DriveResult } from './drive.js';
import type { NodeConnectorReply } from './node-run.js';
import type { ConnectorSummary } from './types.js';

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
  driven: DriveResult;
  /** The read-back's requests, and the world's time (see worldReader). */
  reads: () => number;
  now: () => number;
  /** The settings the world is built for: the read-back's known-good settings. */
  settings: ScimSettings;
  scenario: string;
  dialect: string;
  users: number;
  seed: number;
  collisions: number;
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
  const { driven, settings, seed, users } = request;
  if (!driven.partial) await readBackWorld(driven, settings.maxConcurrency);
  const { ledger } = driven;
  ledger.requests = request.requests + request.reads();
  const parts = summarizeRun(ledger, { seed, marker: driven.book.marker, domain: settings.usernameDomain, users, collisions: request.collisions });
  const report: RunReport = {
    scenario: request.scenario,
    dialect: request.dialect,
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
