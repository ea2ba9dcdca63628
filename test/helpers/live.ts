import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The shipped baseline's credentials and SCIM root path: what `scimsim mock` accepts. */
export const TOKEN = 'stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b';
export const BASE_PATH = '/acme-staging/scim/v2';
export const BIN = resolve('dist/cli/bin.js');
export const BASELINE = resolve('fixtures/env/baseline.env');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A scimsim process in `cwd` (a fresh temp folder by default, so journals land there). */
export function scimsim(args: string[], options: { cwd: string; onStderr?: (text: string, child: ChildProcessWithoutNullStreams) => void }): Promise<Finished> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onStderr?.(stderr, child);
  });
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Authorised SCIM request to a loopback target. */
export async function scim(origin: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${origin}${BASE_PATH}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export async function totalOn(origin: string, endpoint: 'Users' | 'Groups'): Promise<number> {
  const answer = await scim(origin, 'GET', `/${endpoint}?count=0`);
  if (answer.status !== 200) throw new Error(`GET /${endpoint} answered ${answer.status}`);
  return answer.json.totalResults as number;
}

/** `--env baseline --set SCIM_API_BASE_URL=<origin>...` plus extra sets. */
export function targetArgs(origin: string, ...sets: string[]): string[] {
  return ['--env', BASELINE, '--set', `SCIM_API_BASE_URL=${origin}${BASE_PATH}`, ...sets.flatMap((s) => ['--set', s])];
}
