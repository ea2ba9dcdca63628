import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowCommand } from '../../src/report/github-annotations.js';
import { runScimsim } from '../helpers/run-cli.js';

const ACTIONS = { NO_COLOR: '1', GITHUB_ACTIONS: 'true' };
const annotations = (text: string) => text.split('\n').filter((line) => /^::(error|warning)/.test(line));

describe('GitHub Actions annotations of scimsim check', () => {
  it('prints one workflow command per problem, with file, line and rule, after the table', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/problems.env'], { env: ACTIONS });
    expect(result.code).toBe(2);
    const lines = annotations(result.stdout);
    expect(lines).toContain('::error file=fixtures/env/problems.env,line=2,title=unknown-variable::SCIM_API_BASEURL is not a scimsim variable, so its value is ignored → did you mean SCIM_API_BASE_URL?');
    expect(lines.some((l) => l.startsWith('::warning file=fixtures/env/problems.env,line=7,title=ignored-by-auth-mode::'))).toBe(true);
    // A problem of the whole file has no line.
    expect(lines.some((l) => l.startsWith('::error file=fixtures/env/problems.env,title=missing-required::'))).toBe(true);
    const report = JSON.parse((await runScimsim(['check', '--env', 'fixtures/env/problems.env', '--format', 'json'])).stdout) as { problems: unknown[] };
    expect(lines).toHaveLength(report.problems.length);
    // The table comes first, unchanged.
    expect(result.stdout.indexOf('✖ invalid')).toBeLessThan(result.stdout.indexOf('::error'));
  });

  it('prints nothing of the kind outside GitHub Actions', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/problems.env'], { env: { NO_COLOR: '1', GITHUB_ACTIONS: 'false' } });
    expect(annotations(result.stdout)).toEqual([]);
    expect(annotations(result.stderr)).toEqual([]);
  });

  it('puts them on stderr with --format json, so stdout stays one JSON document', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/problems.env', '--format', 'json'], { env: ACTIONS });
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    expect(annotations(result.stdout)).toEqual([]);
    expect(annotations(result.stderr).length).toBeGreaterThan(10);
  });

  it('names a file given by an absolute path under cwd relative to cwd', async () => {
    const result = await runScimsim(['check', '--env', resolve('fixtures/env/problems.env')], { env: ACTIONS });
    expect(annotations(result.stdout)[0]).toMatch(/^::error file=fixtures\/env\/problems\.env,line=2,/);
  });

  it('annotates an error that stops a command at its file and line, on stderr', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/bad/unclosed.env'], { env: ACTIONS });
    expect(result.code).toBe(1);
    expect(annotations(result.stderr)).toEqual([expect.stringMatching(/^::error file=fixtures\/env\/bad\/unclosed\.env,line=2,title=env-file-malformed::Failed to parse .*%0A .*never closed/)]);
    const plain = await runScimsim(['check', '--env', 'fixtures/env/bad/unclosed.env']);
    expect(annotations(plain.stderr)).toEqual([]);
  });

  it('keeps every detail line of an error annotation whole', async () => {
    const result = await runScimsim(['check', '--env', 'fixtures/env/bad/malformed.env'], { env: ACTIONS });
    expect(result.code).toBe(1);
    const [line] = annotations(result.stderr);
    const details = (line ?? '').split('::').slice(2).join('::').split('%0A');
    expect(details.filter((d) => /^ {2}fixtures\/env\/bad\/malformed\.env:\d+: /.test(d))).toHaveLength(4);
    expect(details.at(-1)).toBe('→ Each line must be KEY=VALUE, a comment (#) or blank.');
  });

  it('names a file relative to GITHUB_WORKSPACE when the step runs in a subfolder, escaping , and :', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'scimsim-gha-ws-'));
    await mkdir(join(workspace, 'infra'));
    await writeFile(join(workspace, 'infra', 'a,b:c.env'), 'SCIM_API_BASE_URL=notaurl\nSCIM_AUTH_TOKEN=t\n');
    const result = await runScimsim(['check', '--env', 'a,b:c.env'], { env: { ...ACTIONS, GITHUB_WORKSPACE: workspace }, cwd: join(workspace, 'infra') });
    expect(annotations(result.stdout)[0]).toMatch(/^::error file=infra\/a%2Cb%3Ac\.env,line=1,title=url-malformed::/);
    // Outside the workspace a path stays as given.
    const outside = await runScimsim(['check', '--env', 'a,b:c.env'], { env: { ...ACTIONS, GITHUB_WORKSPACE: join(workspace, 'elsewhere') }, cwd: join(workspace, 'infra') });
    expect(annotations(outside.stdout)[0]).toMatch(/^::error file=a%2Cb%3Ac\.env,line=1,/);
  });

  it('escapes messages and properties as the runner reads them', () => {
    expect(workflowCommand('error', { file: 'a,b:c.env', line: '3', title: 'x' }, '100% sure\r\nnext: a,b')).toBe('::error file=a%2Cb%3Ac.env,line=3,title=x::100%25 sure%0D%0Anext: a,b');
    expect(workflowCommand('warning', {}, 'no file')).toBe('::warning::no file');
  });

  it('never prints a secret of the env set in an annotation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-gha-'));
    const secret = 'gh-annot-s3cr3t-value-9f2b7c';
    const file = join(dir, 'leaky.env');
    // The secret sits in a URL the checker complains about, and in a secret with stray whitespace.
    await writeFile(file, `SCIM_API_BASE_URL=http://ops:${secret}@scim.example.com/scim/v2\nSCIM_AUTH_TOKEN=" ${secret} "\n`);
    const summary = join(dir, 'summary.md');
    const result = await runScimsim(['check', '--env', file], { env: { ...ACTIONS, GITHUB_STEP_SUMMARY: summary }, cwd: dir });
    expect(result.code).toBe(2);
    expect(annotations(result.stdout).length).toBeGreaterThan(0);
    expect(`${result.stdout}${result.stderr}${await readFile(summary, 'utf8')}`).not.toContain(secret);
  });
});

describe('GitHub Actions step summary', () => {
  it('appends the markdown of each reporting command, never truncating, one blank line apart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-summary-'));
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# Earlier step output');
    const env = { ...ACTIONS, GITHUB_STEP_SUMMARY: summary };
    await runScimsim(['check', '--env', 'fixtures/env/problems.env'], { env });
    await runScimsim(['check', '--env', 'fixtures/env/baseline.env', '--format', 'json'], { env });
    const run = await runScimsim(['run', '--env', 'fixtures/env/baseline.env', '--users', '40', '--format', 'json'], { env });
    expect(run.code).toBe(0);
    await runScimsim(['diff', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/candidate.env'], { env });
    const text = await readFile(summary, 'utf8');
    expect(text.startsWith('# Earlier step output\n\n### scimsim check: ✖ invalid')).toBe(true);
    expect(text).toContain('\n\n### scimsim check: ✔ valid (0 errors, 0 warnings)\n');
    expect(text).toContain('| ✖ error | `fixtures/env/problems.env:2` | SCIM_API_BASEURL is not a scimsim variable');
    expect(text).toContain('\n\n### scimsim diff:');
    expect(text.match(/^#+ /gm)?.length).toBeGreaterThanOrEqual(5);
    expect(text).not.toMatch(/\n\n\n/);
    // The same JSON still reached stdout: the summary is in addition to it.
    expect(() => JSON.parse(run.stdout) as unknown).not.toThrow();
  });

  it('creates the file when missing, and writes nothing without GITHUB_ACTIONS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-summary-'));
    const summary = join(dir, 'new.md');
    await runScimsim(['check', '--env', 'fixtures/env/baseline.env'], { env: { NO_COLOR: '1', GITHUB_STEP_SUMMARY: summary } });
    await expect(readFile(summary, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    await runScimsim(['check', '--env', 'fixtures/env/baseline.env'], { env: { ...ACTIONS, GITHUB_STEP_SUMMARY: summary } });
    expect(await readFile(summary, 'utf8')).toMatch(/^### scimsim check: ✔ valid/);
  });

  it('says which file it could not append to, exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-summary-'));
    const result = await runScimsim(['check', '--env', 'fixtures/env/baseline.env'], { env: { ...ACTIONS, GITHUB_STEP_SUMMARY: join(dir, 'no-such-dir', 's.md') } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('GITHUB_STEP_SUMMARY');
    expect(result.stderr).not.toContain('    at ');
  });
});
