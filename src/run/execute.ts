import { randomBytes } from 'node:crypto';
import type { ScimSettings } from '../env/settings.js';
import { createInProcessTransport } from '../mock/adapters/in-process.js';
import { ScimProvider } from '../mock/core/provider.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { Scenario, Step } from '../scenario/types.js';
import { ScimClient } from '../scim/client/client.js';
import { VirtualClock, createRealClock, type Clock } from '../scim/clock.js';
import { getDialect, type DialectName } from '../scim/dialects.js';
import { createRandom } from '../scim/random.js';
import type { Transport } from '../scim/transport.js';
import { createUndiciTransport } from '../scim/transports/undici.js';
import { runScenario } from './engine.js';
import { hintFor } from './hints.js';
import type { Ledger } from './ledger.js';
import { summarizeLedger } from './summary.js';
import { providerOptionsFor } from './world.js';
import { pool } from './pool.js';
import type { RunReport } from '../report/run-report.js';
import { createUserFactory } from '../scenario/users.js';

export interface RunRequest {
  settings: ScimSettings;
  scenario: Scenario;
  users: number;
  seed: number;
  dialect: DialectName;
  collisions?: number;
  target: 'mock' | 'live';
  /** mock: the world, and the env set it is valid in (the baseline). */
  world?: { profile: ResolvedProfile; settings: ScimSettings };
  onProgress?: (step: Step, done: number, total: number) => void;
  /** live: told the run id before the first write. */
  onRunId?: (runId: string) => void;
  signal?: AbortSignal;
  /** A probe on these accounts only (see EngineOptions.sample). */
  sample?: Uint8Array;
}

export interface RunOutcome {
  report: RunReport;
  ledger: Ledger;
  /** The run marker: synthetic externalIds are `${marker}-${index}`. */
  marker: string;
}

/**
 * One run: the candidate env set's client against a fresh embedded world on a virtual clock,
 * or against a live target through undici; then a summary with hints.
 */
export async function executeRun(request: RunRequest): Promise<RunOutcome> {
  const wallStart = performance.now();
  const { settings, seed } = request;
  let clock: Clock;
  let transport: Transport;
  let close = async (): Promise<void> => undefined;
  let runId: string;
  if (request.target === 'mock') {
    if (!request.world) throw new Error('a mock run needs a world');
    const virtual = new VirtualClock();
    clock = virtual;
    transport = createInProcessTransport(new ScimProvider(providerOptionsFor(request.world.settings, request.world.profile, seed)), virtual);
    runId = `mock-${seed}`;
  } else {
    clock = createRealClock();
    const live = createUndiciTransport({ connections: settings.maxConcurrency, timeoutMs: settings.timeoutMs });
    transport = live.transport;
    close = live.close;
    runId = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
    request.onRunId?.(runId);
  }
  const marker = `scimsim-${runId}`;
  let requests = 0;
  const client = new ScimClient(settings, {
    transport,
    clock,
    random: createRandom(`client:${seed}`),
    dialect: getDialect(request.dialect),
    onSend: () => {
      requests++;
    },
  });
  try {
    const { ledger, groupIds, partial } = await runScenario({
      settings,
      client,
      scenario: request.scenario,
      users: request.users,
      seed,
      marker,
      ...(request.collisions ? { collisions: request.collisions } : {}),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.sample ? { sample: request.sample } : {}),
    });
    if (request.target === 'live') await removeWhatWasCreated(client, ledger, groupIds);
    ledger.requests = requests;
    const summary = summarizeLedger(ledger);
    const factory = createUserFactory({ seed, marker, domain: settings.usernameDomain, population: request.users, collisions: request.collisions ?? 0 });
    const accounts = new Map<number, { userName: string; externalId: string }>();
    for (const reason of summary.reasons) {
      for (const e of reason.examples) {
        const user = factory.user(e.index);
        accounts.set(e.index, { userName: user.userName, externalId: user.externalId });
      }
    }
    const hints = summary.reasons.map((r) => hintFor(r, r.stage, r.count === request.users));
    const report: RunReport = {
      scenario: request.scenario.name,
      dialect: request.dialect,
      users: request.users,
      seed,
      target: request.target,
      ...(request.target === 'live' ? { runId } : {}),
      partial,
      summary,
      accounts,
      hints,
      timing: { simulatedMs: Math.round(clock.now()), wallMs: Math.round(performance.now() - wallStart) },
    };
    return { report, ledger, marker };
  } finally {
    await close();
  }
}

/**
 * A live run leaves nothing behind: every account and group it created is deleted, or
 * deactivated where the server forbids DELETE. (The live-safety issue adds the journal and
 * `scimsim cleanup` for runs that crash before this.)
 */
async function removeWhatWasCreated(client: ScimClient, ledger: Ledger, groupIds: readonly string[]): Promise<void> {
  for (const id of groupIds) await client.http.send({ method: 'DELETE', path: `/Groups/${id}` });
  const ids = ledger.ids.filter((id): id is string => id !== undefined);
  await pool(ids.map((_, i) => i), Math.max(1, client.concurrency), undefined, async (i) => {
    const id = ids[i] as string;
    const deleted = await client.http.send({ method: 'DELETE', path: `/Users/${id}` });
    if (deleted.status === 405 || deleted.status === 501) await client.setActive(id, false);
  });
}
