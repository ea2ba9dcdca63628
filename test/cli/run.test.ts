import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';

const BASELINE = ['--env', 'fixtures/env/baseline.env'];
const withoutTiming = (json: string) => {
  const report = JSON.parse(json) as Record<string, unknown>;
  delete report.timing;
  return report;
};

describe('scimsim run', () => {
  it('runs the shipped baseline in the default (staging) world: safe, exit 0, the contract JSON', async () => {
    const result = await runScimsim(['run', ...BASELINE, '--users', '400', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      formatVersion: '1.0',
      command: 'run',
      verdict: 'safe',
      users: 400,
      seed: 1,
      target: 'mock',
      result: { blocked: 0, byStage: { create: 0, update: 0, deactivate: 0, reactivate: 0, delete: 0, group: 0 }, reasons: [] },
    });
    expect(report).not.toHaveProperty('baseline');
  });

  it('gives the same report for the same seed, timings aside', async () => {
    const args = ['run', ...BASELINE, '--users', '300', '--seed', '9', '--format', 'json', '--set', 'SCIM_PAGE_SIZE=500', '--server-profile', 'fixtures/servers/staging.json'];
    const [a, b] = [await runScimsim(args), await runScimsim(args)];
    expect(withoutTiming(a.stdout)).toEqual(withoutTiming(b.stdout));
  });

  it('exits 2 and explains blocked accounts with stage, reason, examples and a hint', async () => {
    const result = await runScimsim(['run', ...BASELINE, '--users', '300', '--set', 'SCIM_PAGE_SIZE=500', '--server-profile', 'fixtures/servers/staging.json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/✖ [\d,]+ accounts? blocked at deactivate: 400 tooMany/);
    expect(result.stdout).toContain("→ SCIM_PAGE_SIZE is above the server's filter.maxResults");
    expect(result.stdout).toMatch(/e\.g\. [a-z0-9.'-]+@example\.com/);
    expect(result.stdout).toMatch(/✖ blocks accounts: [\d,]+ of 300 accounts blocked/);
  });

  it('blocks everyone with a token the world does not accept, and never prints the token', async () => {
    const result = await runScimsim(['run', ...BASELINE, '--users', '50', '--set', 'SCIM_AUTH_TOKEN=stg-rotated-but-not-live-42', '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { result: { blocked: number; reasons: Array<{ stage: string; status: number; hint: string }> } };
    expect(report.result.blocked).toBe(50);
    expect(report.result.reasons[0]).toMatchObject({ stage: 'create', status: 401, hint: expect.stringContaining('SCIM_AUTH_TOKEN') });
    expect(result.stdout + result.stderr).not.toContain('stg-rotated-but-not-live-42');
    expect(result.stdout + result.stderr).not.toContain('stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b');
  });

  it('writes JUnit XML that parses, with a failing case per blocking stage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-junit-'));
    const out = join(dir, 'run.xml');
    const result = await runScimsim(['run', ...BASELINE, '--users', '200', '--set', 'SCIM_PAGE_SIZE=500', '--server-profile', 'fixtures/servers/staging.json', '--format', 'junit', '--out', out]);
    expect(result.code).toBe(2);
    const xml = await readFile(out, 'utf8');
    expect(xml).toBe(result.stdout);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as { testsuites: { testsuite: { testcase: Array<{ '@_name': string; failure?: unknown }> } } };
    const cases = parsed.testsuites.testsuite.testcase;
    expect(cases.map((c) => c['@_name'])).toEqual(['create', 'update', 'deactivate', 'reactivate', 'delete', 'group', 'read-back']);
    expect(cases.filter((c) => c.failure !== undefined).map((c) => c['@_name'])).toEqual(['deactivate']);
  });

  it('renders markdown with the verdict first and details folded', async () => {
    const result = await runScimsim(['run', ...BASELINE, '--users', '200', '--set', 'SCIM_PAGE_SIZE=500', '--server-profile', 'fixtures/servers/staging.json', '--format', 'markdown']);
    expect(result.stdout.split('\n')[0]).toMatch(/^### scimsim run: ❌ \*\*blocks accounts\*\*: \d+ of 200 accounts blocked$/);
    expect(result.stdout).toMatch(/<details><summary>Reasons and hints<\/summary>[\s\S]*<\/details>/);
  });

  it('notes the variables a dialect ignores on stderr, keeping stdout for the report', async () => {
    const result = await runScimsim(['run', ...BASELINE, '--users', '100', '--dialect', 'okta', '--format', 'json']);
    expect(result.stderr).toContain('note: SCIM_PAGE_SIZE has no effect under --dialect okta');
    expect(JSON.parse(result.stdout)).toMatchObject({ dialect: 'okta' });
  });

  it('refuses an invalid env set, a bad scenario and a bad --users with exit 1', async () => {
    const invalid = await runScimsim(['run', '--env', 'fixtures/env/problems.env']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/Failed to load --env fixtures\/env\/problems\.env: the env set is invalid \(\d+ errors\)/);
    const scenario = await runScimsim(['run', ...BASELINE, '--scenario', 'scenarios/nope.yaml']);
    expect([scenario.code, scenario.stderr.includes('scenarios/nope.yaml')]).toEqual([1, true]);
    const users = await runScimsim(['run', ...BASELINE, '--users', '0']);
    expect(users.code).toBe(1);
  });
});
