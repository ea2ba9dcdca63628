import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ConnectorFailed } from '../../src/connector/node-run.js';
import { runThroughConnector, type NamedConnector } from '../../src/connector/run.js';
import { loadAliasFile, loadEnvSet, parseAliases } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';
import { runScimsim } from '../helpers/run-cli.js';

const DIR = 'examples/connectors/event-fetch';
const PY = 'examples/connectors/python-command';
const cwd = process.cwd();

/** A connector module written from `code` into a fresh folder. */
async function connectorFile(code: string, name = 'connector.mjs'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-hostile-'));
  const file = join(dir, name);
  await writeFile(file, code);
  return file;
}

/** One run through `connector` on the default world, connector calls timing out after `timeoutMs` (HUNG for the tests of hung calls). */
async function runThrough(connector: NamedConnector, options: { users?: number; timeoutMs?: number; signal?: AbortSignal; dir?: string } = {}) {
  const dir = options.dir ?? DIR;
  const envSet = await loadEnvSet({ files: [`${dir}/staging.env`], aliases: parseAliases(await loadAliasFile(`${dir}/aliases.env`, cwd)), cwd });
  const profile = resolveProfile(await loadProfile('fixtures/servers/default.json', cwd));
  return runThroughConnector({
    connector,
    envSet,
    scenario: await loadScenario(DEFAULT_SCENARIO_PATH, cwd),
    users: options.users ?? 40,
    seed: 1,
    dialect: 'rfc',
    world: { profile, settings: resolveSettings(envSet) },
    timeoutMs: options.timeoutMs ?? 5000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** The timeout of the tests whose connector hangs on purpose: short, so they end soon. */
const HUNG = 1500;

const node = (module: string, concurrency = 4): NamedConnector => ({ kind: 'node', module, concurrency, name: module });

describe('a connector that misbehaves', () => {
  it('does not parse: rehearse fails at once with file:line, exit 1, no stack (never "safe")', async () => {
    const file = await connectorFile('export async function handle(event) {\n  const x = ;\n}\n');
    const result = await runScimsim(['rehearse', '--base', `${DIR}/staging.env`, '--candidate', `${DIR}/staging.env`, '--set', 'ACME_USER_AGENT=x', '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--connector', file, '--users', '20']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}:2 does not parse`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('imports a package that is not installed: the run fails with it, exit 1', async () => {
    const file = await connectorFile("import 'scimsim-no-such-package';\nexport function handle() {}\n");
    const result = await runScimsim(['run', '--env', `${DIR}/staging.env`, '--alias-file', `${DIR}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--connector', file, '--users', '20']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Cannot find package 'scimsim-no-such-package'");
  });

  it('reads a variable with JSON.parse at load: that stays the env set’s error, per account', async () => {
    const file = await connectorFile("JSON.parse(process.env.ACME_CONFIG ?? '{');\nexport function handle() {}\n");
    const { report } = await runThrough(node(file), { users: 20 });
    expect(report.summary.blocked).toBe(20);
    expect(report.summary.reasons[0]).toMatchObject({ error: 'connector-error' });
  });

  it('blocks its thread with a synchronous loop: the run fails with why instead of hanging', async () => {
    const file = await connectorFile('export function handle() { for (;;) {} }\n');
    const failure = await runThrough(node(file)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectorFailed);
    expect((failure as Error).message).toContain('blocked its thread');
  });

  it('never settles handle(event): once every slot has hung, the rest of the run fails at once', async () => {
    const calls = join(await mkdtemp(join(tmpdir(), 'scimsim-hostile-')), 'calls');
    const file = await connectorFile(`import { appendFileSync } from 'node:fs';\nexport function handle(event) { appendFileSync(${JSON.stringify(calls)}, event.id + '\\n'); return new Promise(() => {}); }\n`);
    const { report } = await runThrough(node(file, 4), { users: 40, timeoutMs: HUNG });
    expect(report.summary.blocked).toBe(40);
    expect(report.summary.reasons[0]?.detail).toContain('did not settle');
    // The four slots hung, and at most the three events started as the first three timed out: not one call per event.
    expect((await readFile(calls, 'utf8')).trim().split('\n').length).toBeLessThanOrEqual(7);
  });

  it('never settles sync(desiredState) and sends nothing: the step fails, and later steps are not synced', async () => {
    const calls = join(await mkdtemp(join(tmpdir(), 'scimsim-hostile-')), 'calls');
    const file = await connectorFile(`import { appendFileSync } from 'node:fs';\nexport function sync(state) { appendFileSync(${JSON.stringify(calls)}, state.step.name + '\\n'); return new Promise(() => {}); }\n`);
    const { report } = await runThrough(node(file), { users: 20, timeoutMs: HUNG });
    expect(report.summary.blocked).toBe(20);
    expect(report.summary.reasons[0]?.detail).toContain('sent no request');
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('never settles setup(): every change fails with it, as a setup that throws', async () => {
    const file = await connectorFile('export function setup() { return new Promise(() => {}); }\nexport function handle() {}\n');
    const { report } = await runThrough(node(file), { users: 20, timeoutMs: HUNG });
    expect(report.summary.blocked).toBe(20);
    expect(report.summary.reasons[0]?.detail).toContain('setup() did not settle');
  });

  it('prints an error during setup() or after its event settled: listed as unattributed, never lost', async () => {
    const file = await connectorFile(
      "export function setup() { console.error('setup: cache is cold'); }\n" +
        "export async function handle(event) {\n  await new Promise((r) => setTimeout(r, 5));\n  if (event.id === '0:create:4') setTimeout(() => console.error('late: audit failed for ' + event.user.externalId), 1);\n}\n",
    );
    const { report } = await runThrough(node(file), { users: 20 });
    expect(report.connector?.unattributed).toEqual(expect.arrayContaining(['setup: cache is cold', 'late: audit failed for scimsim-mock-1-4']));
  });

  it('calls process.exit(): the run fails and says so', async () => {
    const file = await connectorFile('let n = 0;\nexport function handle() { if (++n === 3) process.exit(3); }\n');
    const failure = await runThrough(node(file)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectorFailed);
    expect((failure as Error).message).toContain('process.exit()');
  });

  it('is interrupted while handle(event) hangs: the run ends partial, blaming no account for the interrupt', async () => {
    const calls = join(await mkdtemp(join(tmpdir(), 'scimsim-hostile-')), 'calls');
    const file = await connectorFile(`import { appendFileSync } from 'node:fs';\nexport function handle(event) { appendFileSync(${JSON.stringify(calls)}, event.id + '\\n'); return new Promise(() => {}); }\n`);
    const controller = new AbortController();
    const run = runThrough(node(file), { timeoutMs: 60_000, signal: controller.signal });
    // Interrupted once handle(event) has been called, not before the worker starts.
    while (!(await readFile(calls, 'utf8').catch(() => ''))) await sleep(50);
    controller.abort();
    const { report } = await run;
    expect(report.partial).toBe(true);
    expect(report.summary.blocked).toBe(0);
  });
});

describe('a command connector that misbehaves', () => {
  it('names a program that does not exist: one message, exit 1 (not every account blamed alike)', async () => {
    const result = await runScimsim(['rehearse', '--base', `${PY}/staging.env`, '--candidate', `${PY}/staging.env`, '--set', 'PYSCIM_TIMEOUT=20', '--alias-file', `${PY}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--connector-cmd', 'scimsim-no-such-program --sync', '--users', '20']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('could not be started (exit 127)');
    expect(result.stderr).toContain('scimsim-no-such-program');
  });

  it('does not parse (a Python syntax error): rehearse refuses to call any change harmless, exit 1', async () => {
    const result = await runScimsim(['rehearse', '--base', `${PY}/staging.env`, '--candidate', `${PY}/staging.env`, '--set', 'PYSCIM_TIMEOUT=20', '--alias-file', `${PY}/aliases.env`, '--server-profile', 'fixtures/servers/default.json', '--connector-cmd', "python3 -c 'x = ='", '--users', '20']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('blocks every account under the baseline env set as well');
    expect(result.stderr).toContain('SyntaxError');
  });

  it('prints garbage and never acknowledges: fails once, the rest of the run at once, and its processes are ended', async () => {
    const pidFile = join(await mkdtemp(join(tmpdir(), 'scimsim-hostile-')), 'pid');
    // sh runs `sleep` as its child (a command follows it), so ending sh alone would leave it behind.
    const command = `sh -c 'echo $$ > ${pidFile}; exec sleep 300' & yes garbage | head -n 1000; wait`;
    const { report } = await runThrough({ kind: 'command', command, cwd, name: 'garbage' }, { users: 20, dir: PY, timeoutMs: HUNG });
    expect(report.summary.blocked).toBe(20);
    expect(report.summary.reasons[0]?.detail).toContain('acknowledged nothing');
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(await gone(pid)).toBe(true);
  });
});

/** Whether process `pid` has ended, waiting a little for a signal to land. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(100);
  }
  return false;
}
