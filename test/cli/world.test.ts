import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { expectJsonAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

/** An env set of another team: its own host, SCIM root, tenant and token, none of baseline.env's. */
const OTHER_TEAM = [
  'SCIM_API_BASE_URL=https://idm.other.example.org/tenants/${SCIM_TENANT_ID}/scim',
  'SCIM_TENANT_ID=globex-test',
  'SCIM_AUTH_MODE=bearer',
  'SCIM_AUTH_TOKEN=globex-token-5e1d9c7a',
  'SCIM_RATE_LIMIT_RPS=20',
].join('\n');

async function envFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-world-'));
  const file = join(dir, name);
  await writeFile(file, `${text}\n`);
  return file;
}

type RunJson = { world?: { name: string; builtFor: string }; result: { blocked: number; reasons: Array<{ status?: number }> } };

describe('the mock world of run, rehearse and load', () => {
  it("builds the world for run's own --env: another base path, tenant and token block nothing", async () => {
    const env = await envFile('globex.env', OTHER_TEAM);
    const result = await runScimsim(['run', '--env', env, '--users', '120', '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RunJson;
    expect(report.result.blocked).toBe(0);
    expect(report.world).toEqual({ name: 'staging', builtFor: env });
    expect(result.stdout + result.stderr).not.toContain('globex-token-5e1d9c7a');
  });

  it('still builds the world for --baseline when one is named, where that env set gets 404s', async () => {
    const env = await envFile('globex.env', OTHER_TEAM);
    const result = await runScimsim(['run', '--env', env, '--baseline', 'fixtures/env/baseline.env', '--users', '40', '--format', 'json']);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as RunJson;
    expect(report.result.blocked).toBe(40);
    expect(report.result.reasons[0]?.status).toBe(404);
    expect(report.world).toEqual({ name: 'staging', builtFor: 'fixtures/env/baseline.env' });
  });

  it('builds the world with a --set that supplies a value no file gives (a token kept out of files), naming it but not its value', async () => {
    const env = await envFile('tokenless.env', OTHER_TEAM.replace(/^SCIM_AUTH_TOKEN=.*$/m, ''));
    const result = await runScimsim(['run', '--env', env, '--set', 'SCIM_AUTH_TOKEN=from-the-vault-81c2', '--users', '60', '--format', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as RunJson).world).toEqual({ name: 'staging', builtFor: `${env} + --set SCIM_AUTH_TOKEN` });
    expect(result.stdout + result.stderr).not.toContain('from-the-vault-81c2');
  });

  it('builds the world for files and --set together when the files alone are no valid env set', async () => {
    const env = await envFile('too-big.env', `${OTHER_TEAM}\nSCIM_PAGE_SIZE=5000`);
    const result = await runScimsim(['run', '--env', env, '--set', 'SCIM_PAGE_SIZE=100', '--users', '40', '--format', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as RunJson).world).toEqual({ name: 'staging', builtFor: `${env} + --set SCIM_PAGE_SIZE` });
  });

  it('plays the RFC-ideal world only when --server-profile names it', async () => {
    const result = await runScimsim(['run', '--env', 'fixtures/env/baseline.env', '--users', '50', '--server-profile', 'fixtures/servers/default.json', '--format', 'json']);
    expect((JSON.parse(result.stdout) as RunJson).world).toEqual({ name: 'default', builtFor: 'fixtures/env/baseline.env' });
  });

  it('names the world and the env it was built for in the header of every run format', async () => {
    const args = ['run', '--env', 'fixtures/env/baseline.env', '--env', 'fixtures/env/baseline.env', '--users', '30'];
    const table = await runScimsim(args);
    expect(table.stdout.split('\n')[1]).toBe('world staging, built for fixtures/env/baseline.env + fixtures/env/baseline.env');
    const markdown = await runScimsim([...args, '--format', 'markdown']);
    expect(markdown.stdout).toContain('world `staging`, built for `fixtures/env/baseline.env + fixtures/env/baseline.env`');
    const junit = await runScimsim([...args, '--format', 'junit']);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(junit.stdout) as {
      testsuites: { testsuite: { properties: { property: Array<{ '@_name': string; '@_value': string }> } } };
    };
    expect(parsed.testsuites.testsuite.properties.property.map((p) => [p['@_name'], p['@_value']])).toEqual([
      ['scimsim.world', 'staging'],
      ['scimsim.world.builtFor', 'fixtures/env/baseline.env + fixtures/env/baseline.env'],
    ]);
  });

  it('defaults load to the staging world built for its --env, and names it in the report', async () => {
    const env = await envFile('globex.env', OTHER_TEAM);
    const args = ['load', '--env', env, '--rate', '5', '--duration', '4s', '--threshold', 'errors.rate==0'];
    const json = await runScimsim([...args, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'pass', world: { name: 'staging', builtFor: env } });
    const table = await runScimsim(args);
    expect(table.stdout.split('\n')[1]).toBe(`world staging, built for ${env}`);
  });

  it('defaults rehearse to the staging world, and applies --set to the candidate only', async () => {
    const result = await runScimsim(['rehearse', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/baseline.env', '--set', 'SCIM_PAGE_SIZE=500', '--users', '150', '--format', 'json']);
    expectJsonAddsUp(result.stdout);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as {
      serverProfile: string;
      labels: { base: string; candidate: string };
      baseline: { blocked: number };
      changes: Array<{ variable: string; before: string; after: string }>;
      attribution: Array<{ variables: string[] }>;
    };
    expect(report.serverProfile).toBe('staging');
    expect(report.labels).toEqual({ base: 'fixtures/env/baseline.env', candidate: 'fixtures/env/baseline.env + --set SCIM_PAGE_SIZE' });
    expect(report.baseline.blocked).toBe(0);
    expect(report.changes).toMatchObject([{ variable: 'SCIM_PAGE_SIZE', before: '100', after: '500' }]);
    expect(report.attribution.map((a) => a.variables)).toEqual([['SCIM_PAGE_SIZE']]);
  });

  it('rehearses a token given by --set against the base world, showing only its fingerprint', async () => {
    const result = await runScimsim(['rehearse', '--base', 'fixtures/env/baseline.env', '--candidate', 'fixtures/env/baseline.env', '--set', 'SCIM_AUTH_TOKEN=rotated-too-early-3f9a', '--users', '60', '--format', 'json']);
    expectJsonAddsUp(result.stdout);
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { newlyBlocked: number; changes: Array<{ variable: string; secret: boolean; after: string }> };
    expect(report.newlyBlocked).toBe(60);
    expect(report.changes).toMatchObject([{ variable: 'SCIM_AUTH_TOKEN', secret: true, after: expect.stringMatching(/^fp:[0-9a-f]{8,}$/) }]);
    expect(result.stdout + result.stderr).not.toContain('rotated-too-early-3f9a');
  });

  it('builds the rehearsal world for --base: a base of another team blocks nothing under its own candidate', async () => {
    const base = await envFile('globex.env', OTHER_TEAM);
    const result = await runScimsim(['rehearse', '--base', base, '--candidate', base, '--set', 'SCIM_TIMEOUT_MS=20000', '--users', '100', '--format', 'json']);
    expectJsonAddsUp(result.stdout);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ baseline: { blocked: 0 }, candidate: { blocked: 0 }, newlyBlocked: 0 });
  });
});
