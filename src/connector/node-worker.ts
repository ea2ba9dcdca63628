/**
 * A worker thread that runs one replay through a team's Node connector. Its `process.env` is the
 * replay's env set (the Worker's `env` option), and msw's `setupServer` intercepts every `fetch`,
 * `node:http` and `node:https` request it makes: the env set's SCIM origin and token URL reach
 * the embedded world, anything else is refused with a network error and recorded (method, host,
 * path; never headers). The world lives here, beside the connector; after the last step it is
 * read back in-process with the world's own settings, so outcomes are the world's final state.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { pool } from '../scim/pool.js';
import type { ConnectorError, Deliver } from './drive.js';
import { driveConnector, finishConnectorRun, openConnectorWorld, worldReader } from './finish.js';
import { interceptWorld } from './intercept.js';
import { CONNECTOR_TIMEOUT_MS, type NodeConnectorJob, type NodeConnectorReply } from './node-run.js';
import type { ConnectorEvent, DesiredState } from './types.js';

/** How often the worker tells the main thread it is not blocked (see runNodeConnector). */
const HEARTBEAT_MS = 1000;

/** The module is no connector at all (not an error of one env set): the run fails. */
class ConnectorShapeError extends Error {
  constructor(
    message: string,
    readonly location?: { file: string; line?: number },
  ) {
    super(message);
  }
}

/** A connector's call that did not settle in time. */
class Hung extends Error {}
/** The run was interrupted while a connector's call was in flight: no error of the account's. */
class Interrupted extends Error {}

const port = parentPort;
if (!port) throw new Error('connector-worker runs only as a worker thread');

/** The errors printed (console.error) or thrown while the connector handles one event or step. */
const context = new AsyncLocalStorage<string[]>();
/** An event's (or a sync's) errors once they are counted: what it prints later is stray. */
const counted = new WeakSet<string[]>();
/** Errors printed outside any event (setup, a timer, a stray promise, after its event): no account to name. */
const stray: string[] = [];

/** Aborted when the main thread's run is interrupted: no step starts after the current one. */
const stopped = new AbortController();
if ((workerData as NodeConnectorJob).interrupted) stopped.abort();
port.on('message', (message: unknown) => {
  if (message === 'abort') stopped.abort();
});
// A connector that blocks this thread (a synchronous loop) stops these, and the main thread ends the run.
port.postMessage('alive');
setInterval(() => port.postMessage('alive'), HEARTBEAT_MS).unref();

captureConsole();
process.on('unhandledRejection', (reason) => stray.push(`unhandled rejection: ${messageOf(reason)}`));

try {
  const reply = await run(workerData as NodeConnectorJob);
  port.postMessage({ ok: true, reply } satisfies { ok: true; reply: NodeConnectorReply }, [reply.result.failStage.buffer as ArrayBuffer, reply.result.failReason.buffer as ArrayBuffer, reply.result.unverifiedAccounts.buffer as ArrayBuffer]);
} catch (error) {
  port.postMessage({ ok: false, error: messageOf(error), ...(error instanceof ConnectorShapeError && error.location ? { location: error.location } : {}) });
}

async function run(job: NodeConnectorJob): Promise<NodeConnectorReply> {
  const wallStart = performance.now();
  const { world, seed } = job;
  const opened = openConnectorWorld(job);
  const { provider, marker, redactor } = opened;
  const started = performance.now();
  const now = (): number => performance.now() - started;
  const interception = await interceptWorld(provider, world.settings, now);
  let connector: { handle?: (event: ConnectorEvent) => unknown; sync?: (state: DesiredState) => unknown; teardown?: () => unknown } | undefined;
  let broken: string | undefined;
  let kind: 'event' | 'sync' = 'event';
  try {
    const loaded = (await import(pathToFileURL(job.connector.module).href).catch((error: unknown) => {
      throw unloadable(error, job.connector) ?? error;
    })) as Record<string, unknown>;
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
    if (typeof exported.setup === 'function') await settles((exported.setup as () => unknown)(), job.timeoutMs ?? CONNECTOR_TIMEOUT_MS, 'setup()');
  } catch (error) {
    if (error instanceof ConnectorShapeError) throw error;
    // Loading or setting up may depend on the env set (a variable it requires): every account's change fails with it.
    broken = `the connector failed to start: ${messageOf(error)}`;
  }
  const { reader, reads, now: readerNow } = worldReader(provider, world.settings, seed, marker, now);
  const timeoutMs = job.timeoutMs ?? CONNECTOR_TIMEOUT_MS;
  const concurrency = job.connector.concurrency ?? 1;
  // Every slot's handle(event) hung in a row: the connector is stuck, and the run's remaining events fail at once.
  let hungInARow = 0;
  let stuck: string | undefined;
  const givenUp = new AbortController();
  const deliver: Deliver = async (_step, events, desired) => {
    if (broken !== undefined || connector === undefined) return events.map((e) => ({ account: e.account, message: broken ?? 'no connector' }));
    const given = stuck;
    if (given !== undefined) return events.map((e) => ({ account: e.account, message: given }));
    if (kind === 'sync') {
      return syncStep(connector.sync as (state: DesiredState) => unknown, events, desired, marker, () => interception.requests(), timeoutMs, (why) => {
        stuck = `not synced: an earlier sync(desiredState) hung (${why})`;
      });
    }
    const handle = connector.handle as (event: ConnectorEvent) => unknown;
    const errors: ConnectorError[] = [];
    const order = events.map((_, k) => k);
    await pool(order, concurrency, stopped.signal, async (k) => {
      const { account, event } = events[k] as { account: number; event: ConnectorEvent };
      if (stuck !== undefined) {
        errors.push({ account, message: stuck });
        return;
      }
      const printed: string[] = [];
      await context.run(printed, async () => {
        try {
          await settles(handle(event), timeoutMs, 'handle(event)', undefined, givenUp.signal);
          hungInARow = 0;
        } catch (error) {
          if (error instanceof Interrupted) return;
          if (error instanceof Hung) {
            if (++hungInARow >= concurrency && stuck === undefined) {
              stuck = `not handled: the connector stopped settling events (${hungInARow} handle(event) calls in a row did not settle within ${timeoutMs / 1000} s)`;
              // The calls still in flight are given up on with it: the run ends in one timeout, not one per event.
              givenUp.abort(stuck);
            }
          } else hungInARow = 0;
          printed.push(messageOf(error));
        }
      });
      counted.add(printed);
      for (const message of printed) errors.push({ account, message });
    });
    return errors;
  };
  const driven = await driveConnector(job, opened, deliver, reader, stopped.signal);
  if (connector?.teardown && broken === undefined) {
    try {
      await settles((connector?.teardown as () => unknown)(), timeoutMs, 'teardown()');
    } catch (error) {
      stray.push(`teardown: ${messageOf(error)}`);
    }
  }
  interception.close();
  const unattributed = [...driven.unattributed];
  for (const message of stray.map((m) => redactor.scrub(m))) if (unattributed.length < 5 && !unattributed.includes(message)) unattributed.push(message);
  return finishConnectorRun({
    job,
    driven,
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
 * A sync that sends no request for the timeout has hung: the run's later steps are not synced.
 */
async function syncStep(sync: (state: DesiredState) => unknown, events: Parameters<Deliver>[1], desired: () => DesiredState, marker: string, requests: () => number, timeoutMs: number, onHung: (why: string) => void): Promise<ConnectorError[]> {
  const printed: string[] = [];
  let thrown: string | undefined;
  await context.run(printed, async () => {
    try {
      // A full sync may take long; one that sends no request for the timeout has hung.
      await settles(sync(desired()), timeoutMs, 'sync(desiredState)', requests);
    } catch (error) {
      if (error instanceof Interrupted) return;
      thrown = messageOf(error);
      if (error instanceof Hung) onHung(thrown);
    }
  });
  counted.add(printed);
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
 * A module that cannot be loaded whatever the env set (it does not parse, or imports a package
 * that is not installed) is no connector to rehearse: the run fails with where, instead of every
 * account blaming every change alike. A top-level throw (a variable it requires) stays the env
 * set's, and so does a runtime SyntaxError (JSON.parse of a variable), which has a frame in a file.
 */
function unloadable(error: unknown, connector: { module: string; name: string }): ConnectorShapeError | undefined {
  if (error instanceof SyntaxError && !/\n\s+at .*file:\/\//.test(error.stack ?? '')) {
    const location = syntaxLocation(connector.module, connector.name);
    const where = location ? `${location.file}:${location.line}` : `${connector.name} or a module it imports`;
    return new ConnectorShapeError(`${where} does not parse: ${error.message}`, location);
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNKNOWN_FILE_EXTENSION' || code === 'ERR_UNSUPPORTED_DIR_IMPORT') {
    return new ConnectorShapeError(`${connector.name} cannot be loaded: ${messageOf(error)}`, { file: connector.name });
  }
  return undefined;
}

/** Where Node's own syntax check puts the error (`file:line`); undefined when the module itself parses (an import does not). */
function syntaxLocation(module: string, displayName: string): { file: string; line: number } | undefined {
  const checked = spawnSync(process.execPath, ['--check', module], { encoding: 'utf8', timeout: 10_000 });
  const first = /^(.+):(\d+)$/m.exec(checked.stderr ?? '');
  return first ? { file: first[1] === module ? displayName : (first[1] as string), line: Number(first[2]) } : undefined;
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
    if (current && !counted.has(current)) current.push(text);
    else stray.push(text);
  };
}

/**
 * Waits for a connector's promise, or fails after `ms` (after `ms` without a new request, when
 * `progress` counts them) or when `giveUp` is aborted, or stops waiting when the run is
 * interrupted; the promise itself runs on unobserved.
 */
async function settles(value: unknown, ms: number, call: string, progress?: () => number, giveUp?: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let onGiveUp: (() => void) | undefined;
  const late = new Promise<never>((_, reject) => {
    let seen = progress?.();
    const check = (): void => {
      const now = progress?.();
      if (now !== seen) {
        seen = now;
        timer = setTimeout(check, ms);
      } else reject(new Hung(progress ? `${call} sent no request for ${ms / 1000} s and did not settle` : `${call} did not settle within ${ms / 1000} s`));
    };
    timer = setTimeout(check, ms);
    onGiveUp = () => reject(new Hung(String(giveUp?.reason)));
    if (giveUp?.aborted) onGiveUp();
    else giveUp?.addEventListener('abort', onGiveUp, { once: true });
    onAbort = () => reject(new Interrupted('interrupted'));
    if (stopped.signal.aborted) onAbort();
    else stopped.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([Promise.resolve(value), late]);
  } finally {
    clearTimeout(timer);
    if (onAbort) stopped.signal.removeEventListener('abort', onAbort);
    if (onGiveUp) giveUp?.removeEventListener('abort', onGiveUp);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
