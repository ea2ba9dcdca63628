import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { EnvSet } from '../env/load.js';
import { startMockServer } from '../mock/adapters/server.js';
import type { ConnectorError, Deliver } from './drive.js';
import { processEnvOf } from './env.js';
import { driveConnector, finishConnectorRun, openConnectorWorld, worldReader, type ConnectorReplayJob } from './finish.js';
import { CONNECTOR_TIMEOUT_MS, ConnectorFailed, type NodeConnectorReply } from './node-run.js';

export interface CommandConnectorJob extends ConnectorReplayJob {
  command: string;
  cwd: string;
  name: string;
}

/** Variables of scimsim's own environment a program needs to start at all (and nothing else). */
const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'SYSTEMROOT', 'TMPDIR'];

/**
 * One replay through a program that is not Node (`--connector-cmd`): `sh -c COMMAND` reads
 * events as JSON lines on stdin and answers each with one JSON line on stdout,
 * `{"id":"…","ok":true}` or `{"id":"…","error":"…"}` (other lines are ignored; stderr is kept as
 * unattributed output). The world is served on loopback, and the env set is passed with its SCIM
 * origin (and its token URL's origin) replaced by the loopback origin, paths kept: a changed
 * path reaches a world that does not answer there, a changed host cannot be seen.
 */
export async function runCommandConnector(job: CommandConnectorJob, signal?: AbortSignal): Promise<NodeConnectorReply> {
  const wallStart = performance.now();
  const { world, seed } = job;
  const opened = openConnectorWorld(job);
  const { provider, marker, redactor } = opened;
  const server = await startMockServer(provider);
  const started = performance.now();
  let requests = 0;
  server.server.on('request', () => void requests++);
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (process.env[name] !== undefined) env[name] = process.env[name] as string;
  Object.assign(env, loopbackEnv(job.envSet, server.origin));
  // Its own process group, so that the program sh starts goes with it (see stopChild).
  const child = spawn('sh', ['-c', job.command], { cwd: job.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  // A forced exit (a second Ctrl-C) runs no finally: the program's group goes with scimsim all the same.
  const onExit = (): void => stopChild(child, 'SIGKILL');
  process.once('exit', onExit);
  const ackTimeoutMs = job.timeoutMs ?? CONNECTOR_TIMEOUT_MS;
  let acked = 0;
  /** The command could not start at all (sh: not found, not executable): no env set's fault. */
  let unstartable: string | undefined;
  /** No acknowledgement for the timeout: the program is stuck, and the run's later events fail at once. */
  let stuck: string | undefined;
  const stderr: string[] = [];
  const acks = new Map<string, (error: string | undefined) => void>();
  let exited: string | undefined;
  const failAll = (why: string): void => {
    for (const settle of acks.values()) settle(why);
    acks.clear();
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    const ack = parseAck(line);
    if (!ack) return;
    const settle = acks.get(ack.id);
    if (!settle) return;
    acks.delete(ack.id);
    acked++;
    settle(ack.error);
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (stderr.length < 20 && line.trim() !== '') stderr.push(line);
  });
  const exit = new Promise<void>((resolve) => {
    child.on('close', (code, by) => {
      if (acked === 0 && (code === 126 || code === 127)) unstartable = `it could not be started (exit ${code})${stderr.length > 0 ? `: ${stderr.at(-1)}` : ''}`;
      exited = `the connector exited (${by ? `signal ${by}` : `code ${code}`}) before acknowledging this event${stderr.length > 0 ? `: ${stderr.at(-1)}` : ''}`;
      failAll(exited);
      resolve();
    });
    child.on('error', (error) => {
      unstartable = `it could not be started: ${error.message}`;
      exited = `the connector could not be started: ${error.message}`;
      failAll(exited);
      resolve();
    });
  });
  child.stdin.on('error', () => undefined);

  const { reader, reads, now } = worldReader(provider, world.settings, seed, marker, () => performance.now() - started);
  const deliver: Deliver = async (_step, events) => {
    const errors: ConnectorError[] = [];
    const gone = exited ?? stuck;
    if (gone !== undefined) return events.map((e) => ({ account: e.account, message: gone }));
    let lastProgress = performance.now();
    const waits = events.map(
      ({ account, event }) =>
        new Promise<void>((resolve) => {
          acks.set(event.id, (error) => {
            lastProgress = performance.now();
            if (error !== undefined) errors.push({ account, message: error });
            resolve();
          });
        }),
    );
    child.stdin.write(events.map((e) => `${JSON.stringify(e.event)}\n`).join(''));
    const watchdog = setInterval(() => {
      if (performance.now() - lastProgress <= ackTimeoutMs) return;
      stuck = `not handled: the connector acknowledged nothing for ${ackTimeoutMs / 1000} s`;
      failAll(stuck);
    }, Math.min(1000, ackTimeoutMs));
    // Interrupted: stop waiting; what was not acknowledged is no error of its account.
    const stop = (): void => {
      for (const settle of acks.values()) settle(undefined);
      acks.clear();
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await Promise.all(waits);
    } finally {
      clearInterval(watchdog);
      signal?.removeEventListener('abort', stop);
    }
    if (unstartable !== undefined) throw new ConnectorFailed(unstartable);
    return errors;
  };
  try {
    const driven = await driveConnector(job, opened, deliver, reader, signal);
    child.stdin.end();
    const grace = setTimeout(() => {
      stopChild(child);
      setTimeout(() => stopChild(child, 'SIGKILL'), 2000).unref();
    }, signal?.aborted || stuck !== undefined ? 0 : 10_000);
    await exit;
    clearTimeout(grace);
    const unattributed = [...driven.unattributed];
    for (const line of stderr.map((l) => redactor.scrub(l))) if (unattributed.length < 5 && !unattributed.includes(line)) unattributed.push(line);
    return await finishConnectorRun({
      job,
      driven,
      reads,
      now,
      requests,
      // A program's requests go to the network itself: none can be refused here.
      connector: { kind: 'command', name: job.name, refused: [], unattributed },
      wallStart,
    });
  } finally {
    if (exited === undefined) stopChild(child);
    process.off('exit', onExit);
    await server.close();
  }
}

/** Ends the program and whatever it started (its process group), not only sh. */
function stopChild(child: ChildProcess, how: NodeJS.Signals = 'SIGTERM'): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.pid !== undefined && process.platform !== 'win32') {
    try {
      process.kill(-child.pid, how);
      return;
    } catch {
      // The group is gone already.
    }
  }
  child.kill(how);
}

/**
 * The env set as the program reads it, with the SCIM origin and the token URL's origin replaced
 * by the loopback origin wherever a value starts with them (paths and queries kept).
 */
export function loopbackEnv(set: EnvSet, loopback: string): Record<string, string> {
  const env = processEnvOf(set);
  const origins = new Set<string>();
  for (const name of ['SCIM_API_BASE_URL', 'SCIM_OAUTH_TOKEN_URL']) {
    const value = set.values.get(name)?.value;
    if (value === undefined) continue;
    try {
      origins.add(new URL(value).origin);
    } catch {
      // Not a URL: the env set is invalid and is never replayed.
    }
  }
  for (const [name, value] of Object.entries(env)) {
    for (const origin of origins) {
      if (value === origin || value.startsWith(`${origin}/`)) {
        env[name] = `${loopback}${value.slice(origin.length)}`;
        break;
      }
    }
  }
  return env;
}

function parseAck(line: string): { id: string; error?: string } | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(text) as { id?: unknown; ok?: unknown; error?: unknown };
    if (typeof parsed.id !== 'string') return undefined;
    if (parsed.error !== undefined && parsed.error !== null && parsed.error !== false) return { id: parsed.id, error: String(parsed.error) };
    return { id: parsed.id };
  } catch {
    return undefined;
  }
}
