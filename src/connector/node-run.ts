import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EnvSet } from '../env/load.js';
import type { ScimSettings } from '../env/settings.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { ReplayResult } from '../rehearse/replayer.js';
import type { RunReport } from '../report/run-report.js';
import type { Scenario } from '../scenario/types.js';
import type { DialectName } from '../scim/dialects.js';
import { processEnvOf } from './env.js';

/** What a connector worker needs: plain data only. */
export interface NodeConnectorJob {
  connector: { module: string; name: string; concurrency: number };
  scenario: Scenario;
  users: number;
  seed: number;
  collisions?: number;
  dialect: DialectName;
  /** The world, built for the env set it is valid in (the baseline), and that env set's settings. */
  world: { profile: ResolvedProfile; settings: ScimSettings };
  /** The replay's env set: the connector's process.env, and the secrets to redact. */
  envSet: EnvSet;
  /** Interrupted before the worker started: it runs no step. */
  interrupted?: boolean;
}

export interface NodeConnectorReply {
  report: RunReport;
  result: ReplayResult;
}

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
    // Interrupted: the worker finishes the step in hand and starts no other (a partial run).
    const stop = (): void => worker.postMessage('abort');
    signal?.addEventListener('abort', stop, { once: true });
    let settled = false;
    worker.once('message', (message: { ok: true; reply: NodeConnectorReply } | { ok: false; error: string }) => {
      settled = true;
      signal?.removeEventListener('abort', stop);
      void worker.terminate();
      if (message.ok) resolve(message.reply);
      else reject(new ConnectorFailed(message.error));
    });
    worker.once('error', (error) => {
      settled = true;
      signal?.removeEventListener('abort', stop);
      reject(new ConnectorFailed(error.message));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new ConnectorFailed(signal?.aborted ? 'interrupted' : `the connector's worker exited (code ${code}) before it finished`));
    });
  });
}

/** The connector could not be run at all (not an error of one account's change). */
export class ConnectorFailed extends Error {}

/** The compiled worker beside this module, or dist's when this module runs from src. */
function workerScript(): URL {
  const here = new URL('./node-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const dist = new URL('../../dist/connector/node-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(dist))) return dist;
  throw new ConnectorFailed('the compiled connector worker is missing: run npm run build');
}
