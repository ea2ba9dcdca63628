import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { providerOptionsFor } from '../../src/target/world.js';
import { BASE_PATH, TOKEN } from '../helpers/live.js';
import { runCli } from '../../src/cli/main.js';
import { runScimsim } from '../helpers/run-cli.js';
import { scimSettings } from '../helpers/scim-settings.js';

/**
 * `scimsim world capture` against the embedded provider served over loopback HTTP (what
 * `scimsim mock` runs), holding a few accounts another system provisioned.
 */
let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

async function serve(profile: ServerProfile, accounts: number): Promise<string> {
  const placeholder = scimSettings(`http://127.0.0.1${BASE_PATH}`, { auth: { mode: 'bearer', token: TOKEN } });
  const provider = new ScimProvider(providerOptionsFor(placeholder, resolveProfile(profile), 'capture'));
  for (let i = 0; i < accounts; i++) {
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `grace.hopper.${i}@example.com`, externalId: `hr-${i}` });
    provider.handle({ method: 'POST', url: `http://127.0.0.1${BASE_PATH}/Users`, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' }, body }, 0);
  }
  mock = await startMockServer(provider);
  return mock.origin;
}

async function folderWithEnv(origin: string): Promise<{ dir: string; env: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-capture-'));
  const env = join(dir, 'staging.env');
  const text = [
    `SCIM_API_BASE_URL=${origin}${BASE_PATH}`,
    'SCIM_AUTH_MODE=bearer',
    `SCIM_AUTH_TOKEN=${TOKEN}`,
    'SCIM_PAGE_SIZE=40',
    'SCIM_MAX_CONCURRENCY=4',
    'SCIM_RATE_LIMIT_RPS=0',
    'SCIM_TIMEOUT_MS=3000',
    'SCIM_MAX_RETRIES=2',
  ].join('\n');
  await writeFile(env, `${text}\n`);
  return { dir, env };
}

/** The variables of each attribution row, sorted, from a rehearse JSON report. */
function blamed(stdout: string): string[] {
  const report = JSON.parse(stdout) as { attribution: Array<{ variables: string[] }> };
  return report.attribution.map((row) => [...row.variables].sort().join('+')).sort();
}

describe('scimsim world capture', () => {
  it.each(['keycloak-like', 'legacy-gateway'])('writes a profile of a served %s world that the mock loads, with its page cap and userName case, and no secret', async (name) => {
    const shipped = await loadProfile(`fixtures/servers/${name}.json`, process.cwd());
    const origin = await serve(shipped, 12);
    const { dir, env } = await folderWithEnv(origin);
    const out = join(dir, 'world.json');
    const result = await runScimsim(['world', 'capture', '--env', env, '--out', out, '--samples', '20'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const captured = resolveProfile(await loadProfile(out, dir));
    const truth = resolveProfile(shipped);
    expect(captured.limits.maxResults).toBe(truth.limits.maxResults);
    expect(captured.quirks.caseSensitiveUserName).toBe(truth.quirks.caseSensitiveUserName);
    expect(result.stdout).toContain('accounts already there: 12');
    expect(result.stdout).toContain('not determined: capabilities.put');
    const written = await readFile(out, 'utf8');
    for (const text of [written, result.stdout]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('grace.hopper');
    }
  });

  it('shows a progress line on a terminal only, and clears it before the summary', async () => {
    const origin = await serve({ name: 'plain', description: 'RFC complete' }, 3);
    const { dir, env } = await folderWithEnv(origin);
    let stderr = '';
    let stdout = '';
    const code = await runCli(['world', 'capture', '--env', env, '--out', join(dir, 'w.json'), '--samples', '14'], {
      stdout: { write: (text: string) => (stdout += text), isTTY: true },
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      env: { NO_COLOR: '1' },
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stderr).toContain('surveying: 14/14 requests');
    expect(stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(stdout).toContain('wrote ');
  });

  it('exits 1 and writes nothing when the target refuses the token, which it never prints', async () => {
    const origin = await serve({ name: 'plain', description: 'RFC complete' }, 3);
    const { dir, env } = await folderWithEnv(origin);
    const out = join(dir, 'w.json');
    const result = await runScimsim(['world', 'capture', '--env', env, '--set', 'SCIM_AUTH_TOKEN=wrong-token-91ab', '--out', out], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('/ServiceProviderConfig answered 401. Nothing was written.');
    expect(result.stderr + result.stdout).not.toContain('wrong-token-91ab');
    await expect(readFile(out, 'utf8')).rejects.toThrow();
  });

  it('refuses a sample budget too small to survey with, exit 1', async () => {
    const { dir, env } = await folderWithEnv('http://127.0.0.1:9');
    const result = await runScimsim(['world', 'capture', '--env', env, '--out', join(dir, 'w.json'), '--samples', '3'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--samples 3 is too few');
  });

  it('gives a rehearsal on the captured world the attribution of a live rehearsal against the server', async () => {
    // A page cap of 30 refused above it: the candidate's page size of 40 lists nothing.
    const served: ServerProfile = { name: 'small-pages', description: 'pages of at most 30, tooMany above', limits: { maxResults: 30, overMaxResults: 'tooMany' } };
    const origin = await serve(served, 5);
    const { dir, env } = await folderWithEnv(origin);
    const out = join(dir, 'world.json');
    expect((await runScimsim(['world', 'capture', '--env', env, '--out', out, '--samples', '20'], { cwd: dir })).code).toBe(0);
    const base = join(dir, 'base.env');
    await writeFile(base, (await readFile(env, 'utf8')).replace('SCIM_PAGE_SIZE=40', 'SCIM_PAGE_SIZE=25'));
    // Two changes: the page size (harmful here) and the update method (harmless on an RFC-complete server).
    const common = ['rehearse', '--base', base, '--candidate', env, '--set', 'SCIM_UPDATE_METHOD=put', '--users', '60', '--seed', '3', '--format', 'json'];
    const onCapture = await runScimsim([...common, '--server-profile', out, '--workers', '1'], { cwd: dir });
    const live = await runScimsim([...common, '--target', 'live'], { cwd: dir });
    expect(onCapture.code).toBe(2);
    expect(live.code).toBe(2);
    expect(blamed(onCapture.stdout)).toEqual(['SCIM_PAGE_SIZE']);
    expect(blamed(live.stdout)).toEqual(blamed(onCapture.stdout));
  }, 60_000);
});
