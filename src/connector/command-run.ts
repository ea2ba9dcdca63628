import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { EnvSet } from '../env/load.js';
import { Redactor } from '../env/redact.js';
import type { ScimSettings } from '../env/settings.js';
import { startMockServer } from '../mock/adapters/server.js';
import { ScimProvider } from '../mock/core/provider.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import type { Scenario } from '../scenario/types.js';
import { getDialect, type DialectName } from '../scim/dialects.js';
import { seedPopulation } from '../target/population.js';
import { providerOptionsFor } from '../target/world.js';
import { driveScenario, type ConnectorError, type Deliver } from './drive.js';
import { processEnvOf } from './env.js';
import { finishConnectorRun, worldReader } from './finish.js';
import type { NodeConnectorReply } from './node-run.js';

export interface CommandConnectorJob {
  command: string;
  cwd: string;
  name: string;
  scenario: Scenario;
  users: number;
  seed: number;
  collisions?: number;
  dialect: DialectName;
  world: { profile: ResolvedProfile; settings: ScimSettings };
  envSet: EnvSet;
}

/** With no acknowledgement for this long, the events of a step still waiting fail. */
const ACK_TIMEOUT_MS = 30_000;
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
  const { world, seed, users } = job;
  const marker = `scimsim-mock-${seed}`;
  const redactor = new Redactor();
  redactor.addEnvSet(job.envSet);
  redactor.addSettings(world.settings);
  const provider = new ScimProvider(providerOptionsFor(world.settings, world.profile, seed));
  const preexisting = seedPopulation(provider.store, world.profile.population, { seed, marker, users, collisions: job.collisions ?? 0, domain: world.settings.usernameDomain });
  const server = await startMockServer(provider);
  const started = performance.now();
  let requests = 0;
  server.server.on('request', () => void requests++);
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (process.env[name] !== undefined) env[name] = process.env[name] as string;
  Object.assign(env, loopbackEnv(job.envSet, server.origin));
  const child = spawn('sh', ['-c', job.command], { cwd: job.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
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
    settle(ack.error);
  });
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (stderr.length < 20 && line.trim() !== '') stderr.push(line);
  });
  const exit = new Promise<void>((resolve) => {
    child.on('close', (code, by) => {
      exited = `the connector exited (${by ? `signal ${by}` : `code ${code}`}) before acknowledging this event${stderr.length > 0 ? `: ${stderr.at(-1)}` : ''}`;
      failAll(exited);
      resolve();
    });
    child.on('error', (error) => {
      exited = `the connector could not be started: ${error.message}`;
      failAll(exited);
      resolve();
    });
  });
  child.stdin.on('error', () => undefined);

  const { reader, reads, now } = worldReader(provider, world.settings, seed, marker, () => performance.now() - started);
  const deliver: Deliver = async (_step, events) => {
    const errors: ConnectorError[] = [];
    if (exited !== undefined) return events.map((e) => ({ account: e.account, message: exited as string }));
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
      if (performance.now() - lastProgress > ACK_TIMEOUT_MS) failAll(`no acknowledgement within ${ACK_TIMEOUT_MS / 1000} s`);
    }, 1000);
    try {
      await Promise.all(waits);
    } finally {
      clearInterval(watchdog);
    }
    return errors;
  };
  try {
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
      ...(signal ? { signal } : {}),
    });
    child.stdin.end();
    const grace = setTimeout(() => child.kill(), 10_000);
    await exit;
    clearTimeout(grace);
    const unattributed = [...driven.unattributed];
    for (const line of stderr.map((l) => redactor.scrub(l))) if (unattributed.length < 5 && !unattributed.includes(line)) unattributed.push(line);
    return await finishConnectorRun({
      driven,
      settings: world.settings,
      scenario: job.scenario.name,
      dialect: job.dialect,
      users,
      seed,
      collisions: job.collisions ?? 0,
      reads,
      now,
      requests,
      // A program's requests go to the network itself: none can be refused here.
      connector: { kind: 'command', name: job.name, refused: [], unattributed },
      wallStart,
    });
  } finally {
    if (exited === undefined) child.kill();
    await server.close();
  }
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
