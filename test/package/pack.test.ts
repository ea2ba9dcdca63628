import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';

const exec = promisify(execFile);
const REPO = process.cwd();
/** Packing and an install from the npm cache (or the registry) take a while on a busy 2-core machine. */
const SLOW = 240_000;

/**
 * The environment of the npm and npx the test starts: this process's, without the npm_* variables
 * `npm test` sets (npm_config_local_prefix among them would point the consumer's npm at this repository).
 */
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
env.NO_COLOR = '1';

async function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
let consumer: string;
let version: string;
let files: string[];

beforeAll(async () => {
  version = (JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  dir = await mkdtemp(join(tmpdir(), 'scimsim-pack-'));
  // dist/ is built by `npm test` before vitest runs; --ignore-scripts keeps `npm pack` from
  // rebuilding it (the prepare script) under the other test files that read it.
  const listed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], REPO);
  expect(listed.code).toBe(0);
  files = (JSON.parse(listed.stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? [];
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], REPO);
  expect(packed.code).toBe(0);
  const tarball = join(dir, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]?.filename ?? '');
  consumer = join(dir, 'consumer');
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  // As a user installs it. Installing a tarball runs no prepare script: if it did, it would fail
  // here, since the consumer has no TypeScript to build with.
  const installed = await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], consumer);
  expect(installed.stderr).not.toMatch(/npm error/i);
  expect(installed.code).toBe(0);
}, SLOW);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the package as users install it: npm pack, then npm install of the tarball', { timeout: SLOW }, () => {
  it('ships the built CLI, the fixtures, scenarios and schemas, and no sources, tests or bench', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/cli/bin.js', 'dist/index.js', 'dist/msw.js', 'fixtures/env/baseline.env', 'scenarios/lifecycle.yaml', 'schemas/rehearse-report.json', 'LICENSE']));
    expect(files.filter((path) => path.startsWith('src/') || path.startsWith('test/') || path.startsWith('dist/bench/') || path.startsWith('fixtures/tls/') || path.endsWith('.map'))).toEqual([]);
  });

  it('npx scimsim prints its version and checks the env file shipped in the package', async () => {
    const shown = await run('npx', ['scimsim', '--version'], consumer);
    expect(shown.code).toBe(0);
    expect(shown.stdout.trim()).toBe(version);
    const baseline = join('node_modules', 'scimsim', 'fixtures', 'env', 'baseline.env');
    const checked = await run('npx', ['scimsim', 'check', '--env', baseline], consumer);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('valid: 0 errors');
  });

  it('npx scimsim rehearse runs the demo from the installed package, with its default scenario and world', async () => {
    const fixtures = join('node_modules', 'scimsim', 'fixtures', 'env');
    const rehearsed = await run('npx', ['scimsim', 'rehearse', '--base', join(fixtures, 'baseline.env'), '--candidate', join(fixtures, 'candidate.env'), '--users', '200', '--format', 'json'], consumer);
    // Exit 2: done, and the candidate blocks accounts (the demo's point).
    expect(rehearsed.code).toBe(2);
    const report = JSON.parse(rehearsed.stdout) as { verdict: string; users: number; scenario: string; serverProfile: string; newlyBlocked: number; attribution: Array<{ blocked: number }> };
    expect(report.verdict).toBe('blocks-accounts');
    expect(report.users).toBe(200);
    expect(report.scenario).toBe('lifecycle');
    expect(report.serverProfile).toBe('staging');
    expect(report.newlyBlocked).toBeGreaterThan(0);
    expect(report.attribution.length).toBeGreaterThan(0);
    expectJsonAddsUp(rehearsed.stdout);
  });

  it("import 'scimsim' works without msw; scimsim/msw needs msw, an optional peer npm did not install", async () => {
    expect(existsSync(join(consumer, 'node_modules', 'msw'))).toBe(false);
    const api = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('scimsim'); process.stdout.write(Object.keys(m).sort().join(' '));"], consumer);
    expect(api.code).toBe(0);
    expect(api.stdout.split(' ')).toEqual(expect.arrayContaining(['runCli', 'ScimProvider', 'rehearse', 'loadEnvSet']));
    expect(api.stdout.split(' ')).not.toContain('createScimHandlers');
    const subpath = await run(process.execPath, ['--input-type=module', '-e', "await import('scimsim/msw');"], consumer);
    expect(subpath.code).not.toBe(0);
    // The subpath resolves; what is missing is msw itself.
    expect(subpath.stderr).toMatch(/Cannot find package 'msw' imported from .*scimsim[\\/]dist[\\/]mock[\\/]adapters[\\/]msw\.js/);
    const manifest = await run(process.execPath, ['-e', "process.stdout.write(require('scimsim/package.json').version)"], consumer);
    expect(manifest.stdout).toBe(version);
  });

  it('--connector without msw installed stops with one message that says how to install it', async () => {
    await writeFile(join(consumer, 'connector.mjs'), 'export async function handle() {}\n');
    const baseline = join('node_modules', 'scimsim', 'fixtures', 'env', 'baseline.env');
    const ran = await run('npx', ['scimsim', 'run', '--env', baseline, '--users', '10', '--connector', 'connector.mjs'], consumer);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('msw, which is not installed');
    expect(ran.stderr).toContain('npm install --save-dev msw');
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });
});
