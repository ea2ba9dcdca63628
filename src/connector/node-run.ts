import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReplayResult } from '../rehearse/replayer.js';
import type { RunReport } from '../report/run-report.js';
import { processEnvOf } from './env.js';
import type { ConnectorReplayJob } from './finish.js';

/** What a connector worker needs: plain data only. */
export interface NodeConnectorJob extends ConnectorReplayJob {
  connector: { module: string; name: string; concurrency: number };
  /** Interrupted before the worker started: it runs no step. */
  interrupted?: boolean;
}

/**
 * A connector's call (setup, handle, teardown; a sync that sends nothing) that has not settled
 * after this long fails; a worker thread blocked this long (a synchronous loop) fails the run.
 */
export const CONNECTOR_TIMEOUT_MS = 30_000;

export interface NodeConnectorReply {
  report: RunReport;
  result: ReplayResult;
}

/** The shortest silence of the worker's heartbeat that counts as a connector blocking its thread. */
const BLOCKED_THREAD_MIN_MS = 5_000;

/**
 * Runs one replay through a Node connector in a fresh worker thread whose process.env is the
 * replay's env set, under the team's own variable names (see `processEnvOf`).
 */
export function runNodeConnector(job: NodeConnectorJob, signal?: AbortSignal): Promise<NodeConnectorReply> {
  const script = workerScript();
  const worker = new Worker(script, { env: processEnvOf(job.envSet), workerData: { ...job, interrupted: signal?.aborted === true } satisfies NodeConnectorJob, stdout: true, stderr: true });
  // Whatever the connector writes to its own stdout or stderr stays out of the CLI's output.
  worker.stdout.resume();
  worker.stderr.resume();
  return new Promise<NodeConnectorReply>((resolve, reject) => {
    // Interrupted: the worker starts no other event, stops waiting on the connector's calls in flight, and reports (a partial run).
    const stop = (): void => worker.postMessage('abort');
    signal?.addEventListener('abort', stop, { once: true });
    let settled = false;
    const timeoutMs = job.timeoutMs ?? CONNECTOR_TIMEOUT_MS;
    // The worker says it is alive every second from its start; a connector that blocks its thread stops that.
    let alive: number | undefined;
    const every = Math.min(1000, timeoutMs);
    // A thread is called blocked only after BLOCKED_THREAD_MIN_MS at least, however short the
    // calls' timeout: loading msw and the connector on a busy machine must not look like a hang.
    const blockedMs = Math.max(timeoutMs, BLOCKED_THREAD_MIN_MS);
    let tick = performance.now();
    const watchdog = setInterval(() => {
      const now = performance.now();
      // This thread was busy itself (its own ticks came late): the worker's word may be waiting in the queue.
      if (now - tick > 2 * every && alive !== undefined) alive = now;
      tick = now;
      if (alive === undefined || now - alive < blockedMs) return;
      settle();
      void worker.terminate();
      reject(new ConnectorFailed(`the connector blocked its thread for ${blockedMs / 1000} s (a synchronous loop or wait in its code), so nothing it did could be read back`));
    }, every);
    const settle = (): void => {
      settled = true;
      clearInterval(watchdog);
      signal?.removeEventListener('abort', stop);
    };
    worker.on('message', (message: 'alive' | { ok: true; reply: NodeConnectorReply } | { ok: false; error: string; location?: { file: string; line?: number } }) => {
      if (message === 'alive') {
        alive = performance.now();
        return;
      }
      if (settled) return;
      settle();
      void worker.terminate();
      if (message.ok) resolve(message.reply);
      else reject(new ConnectorFailed(message.error, message.location));
    });
    worker.once('error', (error) => {
      if (settled) return;
      settle();
      reject(new ConnectorFailed(error.message));
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settle();
      reject(new ConnectorFailed(signal?.aborted ? 'interrupted' : `the connector's worker exited (code ${code}) before it finished: does the connector call process.exit()?`));
    });
  });
}

/** The connector could not be run at all (not an error of one account's change); where, when a file is to blame. */
export class ConnectorFailed extends Error {
  constructor(
    message: string,
    readonly location?: { file: string; line?: number },
  ) {
    super(message);
  }
}

/** The compiled worker beside this module, or dist's when this module runs from src. */
function workerScript(): URL {
  const here = new URL('./node-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const dist = new URL('../../dist/connector/node-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(dist))) return dist;
  throw new ConnectorFailed('the compiled connector worker is missing: run npm run build');
}
