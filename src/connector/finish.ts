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

export interface FinishRequest {
  driven: DriveResult;
  provider: ScimProvider;
  /** The settings the world is built for: the read-back's known-good settings. */
  settings: ScimSettings;
  scenario: string;
  dialect: string;
  users: number;
  seed: number;
  collisions: number;
  /** The world's time (ms) when the connector finished: the read-back continues from it. */
  worldNow: number;
  /** Requests the connector sent (answered or refused). */
  requests: number;
  connector: ConnectorSummary;
  wallStart: number;
}

/**
 * After the connector's last step: reads the world back in-process with the settings it is built
 * for, on a virtual clock that continues the world's time (so its rate limit sees no time travel
 * and the read costs no wall time), and builds the run's report and replay result.
 */
export async function finishConnectorRun(request: FinishRequest): Promise<NodeConnectorReply> {
  const { driven, settings, seed, users } = request;
  const virtual = new VirtualClock();
  const clock: Clock = { now: () => request.worldNow + virtual.now(), sleep: (ms, signal) => virtual.sleep(ms, signal) };
  let reads = 0;
  const reader = new ScimClient(settings, {
    transport: createInProcessTransport(request.provider, clock),
    clock,
    random: createRandom(`verify:${seed}`),
    dialect: getDialect('rfc'),
    marker: driven.book.marker,
    onSend: () => void reads++,
  });
  await readBackWorld(driven, reader, settings.maxConcurrency);
  const { ledger } = driven;
  ledger.requests = request.requests + reads;
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
    timing: { simulatedMs: Math.round(clock.now()), wallMs: Math.round(performance.now() - request.wallStart) },
  };
  const result = replayResultOf({ report, ledger, marker: driven.book.marker, expected: (i) => driven.book.expected(i) });
  return { report, result: { ...result, connector: request.connector } };
}
