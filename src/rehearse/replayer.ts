import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { executeRun, type RunOutcome, type RunRequest } from '../run/execute.js';
import type { Reason, Stage } from '../run/ledger.js';
import type { LeftBehind } from '../target/cleanup.js';
import type { EnvSet } from '../env/load.js';
import type { ConnectorSummary } from '../connector/types.js';

/** What `rehearse` needs of one run: plain data, so a worker thread can send it back. */
export interface ReplayResult {
  failStage: Uint8Array;
  failReason: Uint16Array;
  reasons: Reason[];
  marker: string;
  blocked: number;
  byStage: Record<Stage, number>;
  partial: boolean;
  capped: boolean;
  /** Requests the run sent, retries, token requests and cleanup included. */
  requests: number;
  /** Accounts whose state could not be read back: their count, and per account (1 = unverified). */
  unverified: number;
  unverifiedAccounts: Uint8Array;
  /** live: the run's id and whether its cleanup verified that nothing of it is left. */
  cleanup?: { runId: string; clean: boolean; left: LeftBehind[] };
  /** --connector: what the team's code sent outside the env set, and errors no account was named for. */
  connector?: ConnectorSummary;
}

/** The plain-data result of one run, as both replayers send it. */
export function replayResultOf(outcome: RunOutcome): ReplayResult {
  const { ledger, marker, report } = outcome;
  return {
    failStage: ledger.failStage,
    failReason: ledger.failReason,
    reasons: ledger.reasons,
    marker,
    blocked: report.summary.blocked,
    byStage: report.summary.byStage,
    partial: report.partial,
    capped: report.capped,
    requests: ledger.requests,
    unverified: report.summary.unverified,
    unverifiedAccounts: ledger.unverified,
    ...(report.live?.cleanup && report.runId !== undefined ? { cleanup: { runId: report.runId, clean: report.live.cleanup.clean, left: report.live.cleanup.left } } : {}),
  };
}

/** A run request without its callbacks and signal: what crosses to a worker. */
export type ReplayJob = Omit<RunRequest, 'onProgress' | 'onRunId' | 'signal'> & {
  /** --connector: the replay's env set, which the team's code reads as its environment. */
  envSet?: EnvSet;
};

export type ReplayMessage = { type: 'run'; id: number; job: ReplayJob } | { type: 'abort' };
type ReplyMessage = { id: number; ok: true; result: ReplayResult } | { id: number; ok: false; error: string };

export interface Replayer {
  /** How many replays can usefully run at once. */
  readonly parallel: number;
  /**
   * False when two replays of one mix may block different accounts (a connector meeting the
   * world in real time): the rehearsal then replays the candidate twice and blames only what repeats.
   */
  readonly repeatable?: boolean;
  replay(job: ReplayJob, extras: Pick<RunRequest, 'onRunId' | 'signal'>): Promise<ReplayResult>;
  close(): Promise<void>;
}

/** In this thread, one after another: live targets (each run its own id and cleanup), and fallback. */
export function inProcessReplayer(): Replayer {
  return {
    parallel: 1,
    replay: async (job, extras) => {
      return replayResultOf(await executeRun({ ...job, ...(extras.onRunId ? { onRunId: extras.onRunId } : {}), ...(extras.signal ? { signal: extras.signal } : {}) }));
    },
    close: async () => undefined,
  };
}

/**
 * Replays on the embedded mock in `threads` worker threads (each run on its own fresh world,
 * as the rehearsal allows): independent replays of a rehearsal overlap instead of queueing. Falls
 * back to this thread when the compiled worker is not there (running from TypeScript sources).
 */
export function workerReplayer(threads: number, signal?: AbortSignal): Replayer {
  const script = workerScript();
  if (threads <= 1 || script === undefined) return inProcessReplayer();
  // One listener for the whole rehearsal: SIGINT reaches every worker's runs.
  signal?.addEventListener('abort', () => workers.forEach((w) => w.worker.postMessage({ type: 'abort' } satisfies ReplayMessage)), { once: true });
  const workers: Array<{ worker: Worker; busy: number }> = [];
  const pending = new Map<number, { resolve: (r: ReplayResult) => void; reject: (e: Error) => void; slot: { busy: number } }>();
  let nextId = 0;
  const spawn = (): { worker: Worker; busy: number } => {
    const slot = { worker: new Worker(script), busy: 0 };
    slot.worker.on('message', (reply: ReplyMessage) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      waiting.slot.busy--;
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new Error(`a replay failed in its worker: ${reply.error}`));
    });
    slot.worker.on('error', (error) => {
      for (const [id, waiting] of pending) {
        if (waiting.slot !== slot) continue;
        pending.delete(id);
        waiting.reject(error);
      }
    });
    workers.push(slot);
    return slot;
  };
  const pick = (): { worker: Worker; busy: number } => {
    const idle = workers.find((w) => w.busy === 0);
    if (idle) return idle;
    if (workers.length < threads) return spawn();
    return workers.reduce((a, b) => (b.busy < a.busy ? b : a));
  };
  return {
    parallel: threads,
    replay: (job) =>
      new Promise<ReplayResult>((resolve, reject) => {
        const slot = pick();
        const id = nextId++;
        slot.busy++;
        pending.set(id, { resolve, reject, slot });
        const message: ReplayMessage = { type: 'run', id, job };
        slot.worker.postMessage(message);
        if (signal?.aborted) slot.worker.postMessage({ type: 'abort' } satisfies ReplayMessage);
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

/** The compiled worker beside this module, or dist's when this module runs from src. */
function workerScript(): URL | undefined {
  const here = new URL('./replay-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const dist = new URL('../../dist/rehearse/replay-worker.js', import.meta.url);
  return existsSync(fileURLToPath(dist)) ? dist : undefined;
}
