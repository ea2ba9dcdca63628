/**
 * A worker thread that runs one replay through a team's Node connector. Its `process.env` is the
 * replay's env set (the Worker's `env` option), and msw's `setupServer` intercepts every `fetch`,
 * `node:http` and `node:https` request it makes: the env set's SCIM origin and token URL reach
 * the embedded world, anything else is refused with a network error and recorded (method, host,
 * path; never headers). The world lives here, beside the connector; after the last step it is
 * read back in-process with the world's own settings, so outcomes are the world's final state.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { Redactor } from '../env/redact.js';
import { ScimProvider } from '../mock/core/provider.js';
import { getDialect } from '../scim/dialects.js';
import { pool } from '../scim/pool.js';
import { seedPopulation } from '../target/population.js';
import { providerOptionsFor } from '../target/world.js';
import { driveScenario, type ConnectorError, type Deliver } from './drive.js';
import { finishConnectorRun, worldReader } from './finish.js';
import { interceptWorld } from './intercept.js';
import type { NodeConnectorJob, NodeConnectorReply } from './node-run.js';
import type { ConnectorEvent, DesiredState } from './types.js';

/** A handle(event) that has not settled after this long fails its event (the run goes on). */
const EVENT_TIMEOUT_MS = 30_000;

/** The module is no connector at all (not an error of one env set): the run fails. */
class ConnectorShapeError extends Error {}

const port = parentPort;
if (!port) throw new Error('connector-worker runs only as a worker thread');

/** The errors printed (console.error) or thrown while the connector handles one event or step. */
const context = new AsyncLocalStorage<string[]>();
/** Errors printed outside any event (a timer, a stray promise): no account to name. */
const stray: string[] = [];

/** Aborted when the main thread's run is interrupted: no step starts after the current one. */
const stopped = new AbortController();
if ((workerData as NodeConnectorJob).interrupted) stopped.abort();
port.on('message', (message: unknown) => {
  if (message === 'abort') stopped.abort();
});

captureConsole();
process.on('unhandledRejection', (reason) => stray.push(`unhandled rejection: ${messageOf(reason)}`));

try {
  const reply = await run(workerData as NodeConnectorJob);
  port.postMessage({ ok: true, reply } satisfies { ok: true; reply: NodeConnectorReply }, [reply.result.failStage.buffer as ArrayBuffer, reply.result.failReason.buffer as ArrayBuffer, reply.result.unverifiedAccounts.buffer as ArrayBuffer]);
} catch (error) {
  port.postMessage({ ok: false, error: messageOf(error) });
}

async function run(job: NodeConnectorJob): Promise<NodeConnectorReply> {
  const wallStart = performance.now();
  const { world, seed, users } = job;
  const marker = `scimsim-mock-${seed}`;
  const redactor = new Redactor();
  redactor.addEnvSet(job.envSet);
  redactor.addSettings(world.settings);
  const provider = new ScimProvider(providerOptionsFor(world.settings, world.profile, seed));
  const preexisting = seedPopulation(provider.store, world.profile.population, { seed, marker, users, collisions: job.collisions ?? 0, domain: world.settings.usernameDomain });
  const started = performance.now();
  const now = (): number => performance.now() - started;
  const interception = await interceptWorld(provider, world.settings, now);
  let connector: { handle?: (event: ConnectorEvent) => unknown; sync?: (state: DesiredState) => unknown; teardown?: () => unknown } | undefined;
  let broken: string | undefined;
  let kind: 'event' | 'sync' = 'event';
  try {
    const loaded = (await import(pathToFileURL(job.connector.module).href)) as Record<string, unknown>;
    const exported = (typeof loaded.default === 'object' && loaded.default !== null && !('handle' in loaded) && !('sync' in loaded) ? loaded.default : loaded) as Record<string, unknown>;
    const handles = typeof exported.handle === 'function';
    const syncs = typeof exported.sync === 'function';
    if (handles === syncs) {
      throw new ConnectorShapeError(
        handles ? `${job.connector.name} exports both handle() and sync(): export handle(event) for an event connector or sync(desiredState) for a sync connector, not both` : `${job.connector.name} exports neither handle(event) nor sync(desiredState)`,
      );
    }
    kind = handles ? 'event' : 'sync';
    connector = exported as typeof connector;
    if (typeof exported.setup === 'function') await context.run([], async () => (exported.setup as () => unknown)());
  } catch (error) {
    if (error instanceof ConnectorShapeError) throw error;
    // Loading or setting up may depend on the env set (a variable it requires): every account's change fails with it.
    broken = `the connector failed to start: ${messageOf(error)}`;
  }
  const { reader, reads, now: readerNow } = worldReader(provider, world.settings, seed, marker, now);
  const deliver: Deliver = async (_step, events, desired) => {
    if (broken !== undefined || connector === undefined) return events.map((e) => ({ account: e.account, message: broken ?? 'no connector' }));
    if (kind === 'sync') return syncStep(connector.sync as (state: DesiredState) => unknown, events, desired, marker);
    const handle = connector.handle as (event: ConnectorEvent) => unknown;
    const errors: ConnectorError[] = [];
    const order = events.map((_, k) => k);
    await pool(order, job.connector.concurrency ?? 1, undefined, async (k) => {
      const { account, event } = events[k] as { account: number; event: ConnectorEvent };
      const printed: string[] = [];
      await context.run(printed, async () => {
        try {
          await settles(handle(event), EVENT_TIMEOUT_MS);
        } catch (error) {
          printed.push(messageOf(error));
        }
      });
      for (const message of printed) errors.push({ account, message });
    });
    return errors;
  };
  const driven = await driveScenario({
    scenario: job.scenario,
    users,
    seed,
    marker,
    domain: world.settings.usernameDomain,
    ...(job.collisions ? { collisions: job.collisions } : {}),
    deletesUsers: getDialect(job.dialect).deletesUsers,
    preexisting,
    deliver,
    scrub: (text) => redactor.scrub(text),
    reader,
    signal: stopped.signal,
  });
  if (connector?.teardown && broken === undefined) {
    await context.run([], async () => {
      try {
        await (connector?.teardown as () => unknown)();
      } catch (error) {
        stray.push(`teardown: ${messageOf(error)}`);
      }
    });
  }
  interception.close();
  const unattributed = [...driven.unattributed];
  for (const message of stray.map((m) => redactor.scrub(m))) if (unattributed.length < 5 && !unattributed.includes(message)) unattributed.push(message);
  return finishConnectorRun({
    driven,
    settings: world.settings,
    scenario: job.scenario.name,
    dialect: job.dialect,
    users,
    seed,
    collisions: job.collisions ?? 0,
    reads,
    now: readerNow,
    requests: interception.requests(),
    connector: { kind, name: job.connector.name, refused: interception.refused(), unattributed },
    wallStart,
  });
}

/**
 * A full sync of the desired state after a step. A throw fails every account the step changed;
 * a printed error fails the accounts whose externalId it names, and is unattributed otherwise.
 */
async function syncStep(sync: (state: DesiredState) => unknown, events: Parameters<Deliver>[1], desired: () => DesiredState, marker: string): Promise<ConnectorError[]> {
  const printed: string[] = [];
  let thrown: string | undefined;
  await context.run(printed, async () => {
    try {
      await sync(desired());
    } catch (error) {
      thrown = messageOf(error);
    }
  });
  const errors: ConnectorError[] = [];
  if (thrown !== undefined) for (const e of events) errors.push({ account: e.account, message: thrown });
  const named = new RegExp(`${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)(?!\\d)`, 'g');
  for (const line of printed) {
    const accounts = [...new Set([...line.matchAll(named)].map((m) => Number(m[1])))];
    if (accounts.length === 0) errors.push({ message: line });
    for (const account of accounts) errors.push({ account, message: line });
  }
  return errors;
}


/**
 * console.error while an event (or a sync) is being handled is that event's error; other console
 * output is the connector's own business and goes nowhere (only the CLI prints).
 */
function captureConsole(): void {
  const quiet = (): void => undefined;
  console.log = quiet;
  console.info = quiet;
  console.debug = quiet;
  console.warn = quiet;
  console.trace = quiet;
  console.error = (...args: unknown[]): void => {
    const text = format(...args);
    const current = context.getStore();
    if (current) current.push(text);
    else stray.push(text);
  };
}

/** Waits for a connector's promise, or fails after `ms`; the promise itself runs on unobserved. */
async function settles(value: unknown, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handle(event) did not settle within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([Promise.resolve(value), late]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
