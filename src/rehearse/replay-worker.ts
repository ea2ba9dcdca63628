/**
 * A worker thread that replays runs on the embedded mock for `rehearse`: each message is one
 * run request (plain data), answered with the per-account outcome arrays. Every run builds its
 * own fresh world and virtual clock, so a replay here equals one in the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { executeRun } from '../run/execute.js';
import { replayResultOf, type ReplayJob, type ReplayMessage } from './replayer.js';

const port = parentPort;
if (!port) throw new Error('replay-worker runs only as a worker thread');
const aborts = new Map<number, AbortController>();

port.on('message', (message: ReplayMessage) => {
  if (message.type === 'abort') {
    for (const controller of aborts.values()) controller.abort();
    return;
  }
  void run(message.id, message.job);
});

async function run(id: number, job: ReplayJob): Promise<void> {
  const controller = new AbortController();
  aborts.set(id, controller);
  try {
    const result = replayResultOf(await executeRun({ ...job, signal: controller.signal }));
    port?.postMessage({ id, ok: true, result }, [result.failStage.buffer as ArrayBuffer, result.failReason.buffer as ArrayBuffer, result.unverifiedAccounts.buffer as ArrayBuffer]);
  } catch (error) {
    port?.postMessage({ id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  } finally {
    aborts.delete(id);
  }
}
