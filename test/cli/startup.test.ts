import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const REGISTER = 'test/helpers/trace-packages/register.mjs';

/** What only some commands need: none of it may load for --version, --help or an offline check. */
const HEAVY = ['@faker-js/faker', 'msw', 'undici', 'hdr-histogram-js', 'cli-progress'];

let dir: string;
let traces = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsim-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs node on `args` (from the repository) and returns its exit code, stdout and the packages it loaded. */
async function traced(args: string[]): Promise<{ code: number; stdout: string; packages: Set<string> }> {
  const file = join(dir, `trace-${traces++}.txt`);
  const env = { ...process.env, SCIMSIM_TRACE_PACKAGES: file, NO_COLOR: '1' };
  let code = 0;
  let stdout = '';
  try {
    stdout = (await exec(process.execPath, ['--import', `./${REGISTER}`, ...args], { env })).stdout;
  } catch (error) {
    const e = error as { code: number; stdout: string };
    code = e.code;
    stdout = e.stdout;
  }
  const text = await readFile(file, 'utf8').catch(() => '');
  return { code, stdout, packages: new Set(text.split('\n').filter((line) => line !== '')) };
}

const heavyIn = (packages: Set<string>): string[] => HEAVY.filter((name) => packages.has(name));

describe('what each path of the CLI loads', () => {
  it('sees what a command loads lazily: run loads faker, undici and cli-progress', async () => {
    const run = await traced(['dist/cli/bin.js', 'run', '--env', 'fixtures/env/baseline.env', '--users', '5', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(heavyIn(run.packages)).toEqual(expect.arrayContaining(['@faker-js/faker', 'undici', 'cli-progress']));
  });

  it('check without --connect loads none of faker, msw, undici, hdr-histogram-js or cli-progress', async () => {
    const check = await traced(['dist/cli/bin.js', 'check', '--env', 'fixtures/env/baseline.env']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('valid');
    expect(check.packages.has('yargs')).toBe(true);
    expect(heavyIn(check.packages)).toEqual([]);
  });

  it('--version, --help and check --help load none of them either', async () => {
    const version = await traced(['dist/cli/bin.js', '--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(heavyIn(version.packages)).toEqual([]);
    const help = await traced(['dist/cli/bin.js', '--help']);
    expect(help.stdout).toContain('rehearse');
    expect(heavyIn(help.packages)).toEqual([]);
    const checkHelp = await traced(['dist/cli/bin.js', 'check', '--help']);
    expect(checkHelp.code).toBe(0);
    expect(checkHelp.stdout).toContain('--connect');
    expect(heavyIn(checkHelp.packages)).toEqual([]);
  });

  it("import 'scimsim' loads neither msw nor yargs; its runCli loads yargs when called", async () => {
    const imported = await traced(['--input-type=module', '-e', "const scimsim = await import('scimsim'); process.stdout.write(Object.keys(scimsim).join(' '));"]);
    expect(imported.code).toBe(0);
    expect(imported.stdout.split(' ')).toEqual(expect.arrayContaining(['runCli', 'ScimProvider', 'executeRun']));
    expect(imported.stdout.split(' ')).not.toContain('createScimHandlers');
    expect(imported.packages.has('msw')).toBe(false);
    expect(imported.packages.has('yargs')).toBe(false);
    const script = [
      "const { runCli } = await import('scimsim');",
      "let out = '';",
      "const io = { stdout: { write: (text) => { out += text; } }, stderr: { write: () => undefined }, env: {}, cwd: process.cwd() };",
      "const code = await runCli(['--version'], io);",
      'process.stdout.write(`${code} ${out}`);',
    ].join('\n');
    const called = await traced(['--input-type=module', '-e', script]);
    expect(called.stdout).toMatch(/^0 \d+\.\d+\.\d+/);
    expect(called.packages.has('yargs')).toBe(true);
    expect(called.packages.has('msw')).toBe(false);
  });

  it("scimsim/msw is where msw loads: the README's example answers through msw", async () => {
    const readme = await readFile('README.md', 'utf8');
    const example = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string).find((code) => code.includes("from 'scimsim/msw'"));
    expect(example).toBeDefined();
    const msw = await traced(['--input-type=module', '-e', example as string]);
    expect(msw.code).toBe(0);
    expect(msw.stdout.trim()).toBe('200');
    expect(msw.packages.has('msw')).toBe(true);
  });
});
