import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/env/fingerprint.js';
import { runScimsim } from '../helpers/run-cli.js';

const BASE = ['--base', 'fixtures/env/baseline.env'];
const CANDIDATE = ['--candidate', 'fixtures/env/candidate.env'];

describe('scimsim diff', () => {
  it('prints plan-style lines, secrets as fingerprints, risk notes and a summary', async () => {
    const result = await runScimsim(['diff', ...BASE, ...CANDIDATE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/~ SCIM_PAGE_SIZE\s+100 -> 500/);
    expect(result.stdout).toMatch(/risk: above the server's filter\.maxResults/);
    const before = fingerprint('stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b');
    const after = fingerprint('stg-next-2b8e61d04c9f4a7e93d5c1a0f6b2e8d4');
    expect(result.stdout).toMatch(new RegExp(`~ SCIM_AUTH_TOKEN +${before} -> ${after} +\\(secret, shown as fingerprints\\)`));
    expect(result.stdout).toContain('Diff: 0 to add, 6 to change, 0 to remove.');
  });

  it('exits 2 on changes only with --detailed-exitcode', async () => {
    expect((await runScimsim(['diff', ...BASE, ...CANDIDATE, '--detailed-exitcode'])).code).toBe(2);
    const same = await runScimsim(['diff', ...BASE, '--candidate', 'fixtures/env/baseline.env', '--detailed-exitcode']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No changes.');
  });

  it('prints the contract’s change shape in JSON', async () => {
    const result = await runScimsim(['diff', ...BASE, ...CANDIDATE, '--format', 'json']);
    const report = JSON.parse(result.stdout) as { summary: unknown; changes: Array<Record<string, unknown>> };
    expect(report.summary).toEqual({ create: 0, update: 6, delete: 0 });
    expect(report.changes).toContainEqual(
      expect.objectContaining({ variable: 'SCIM_PAGE_SIZE', action: 'update', before: '100', after: '500', secret: false }),
    );
    expect(report.changes.find((c) => c.variable === 'SCIM_AUTH_TOKEN')).toMatchObject({ secret: true, before: expect.stringMatching(/^fp:[0-9a-f]{12}$/) });
  });

  it('renders markdown with the summary first and sources folded', async () => {
    const result = await runScimsim(['diff', ...BASE, ...CANDIDATE, '--format', 'markdown']);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('### scimsim diff: 0 to add, 6 to change, 0 to remove');
    expect(result.stdout).toContain('| ~ | `SCIM_PAGE_SIZE` | `100` | `500` |');
    expect(result.stdout).toMatch(/<details><summary>[^<]+<\/summary>[\s\S]+<\/details>/);
  });

  it('compares an env file with its state at a git revision', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-diff-git-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 't');
    await copyFile(resolve('fixtures/env/baseline.env'), join(dir, 'staging.env'));
    git('add', '.');
    git('commit', '-qm', 'baseline');
    await copyFile(resolve('fixtures/env/candidate.env'), join(dir, 'staging.env'));
    const result = await runScimsim(['diff', '--base', 'git:HEAD:staging.env', '--candidate', 'staging.env', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { summary: { update: number } }).summary.update).toBe(6);
    const bad = await runScimsim(['diff', '--base', 'git:v9.9.9:staging.env', '--candidate', 'staging.env'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Failed to read staging.env at git revision v9.9.9');
  });
});
