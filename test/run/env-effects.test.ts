import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { resolveSettings, type ScimSettings } from '../../src/env/settings.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { executeRun } from '../../src/run/execute.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import type { Scenario } from '../../src/scenario/types.js';

const BASELINE = [
  'SCIM_API_BASE_URL=https://scim.staging.example.com/acme/scim/v2',
  'SCIM_TENANT_ID=acme',
  'SCIM_AUTH_TOKEN=stg-effects-token-0a1b2c',
  'SCIM_MAX_CONCURRENCY=4',
].join('\n');

function settings(extra: string): ScimSettings {
  return resolveSettings(buildEnvSet([{ label: 'env', text: `${BASELINE}\n${extra}\n` }], {}));
}

const lifecycle = await loadScenario('scenarios/lifecycle.yaml', process.cwd());

async function run(extra: string, profile: Partial<ServerProfile> = {}, options: { scenario?: Scenario; users?: number } = {}) {
  const { report } = await executeRun({
    settings: settings(extra),
    scenario: options.scenario ?? lifecycle,
    users: options.users ?? 300,
    seed: 5,
    dialect: 'rfc',
    target: 'mock',
    world: { profile: resolveProfile({ name: 'effects', description: 'test world', ...profile }), settings: settings('') },
  });
  return report.summary;
}

const reasonsOf = (summary: Awaited<ReturnType<typeof run>>) =>
  summary.reasons.map((r) => [r.stage, r.status || '', r.scimType ?? r.error ?? ''].filter((part) => part !== '').join(' '));

describe('each env variable has its effect', () => {
  it('the baseline blocks nothing on the RFC-complete world', async () => {
    const summary = await run('');
    expect(summary.blocked).toBe(0);
    expect(summary.requests).toBeGreaterThan(300);
  });

  it('a wrong token blocks every account at create with 401', async () => {
    const summary = await run('SCIM_AUTH_TOKEN=stg-not-accepted-9z8y7x');
    expect(summary.blocked).toBe(300);
    expect(reasonsOf(summary)).toEqual(['create 401']);
  });

  it('a base URL without the tenant answers 404 for every account', async () => {
    const summary = await run('SCIM_API_BASE_URL=https://scim.staging.example.com/scim/v2');
    expect(summary.blocked).toBe(300);
    expect(reasonsOf(summary)).toEqual(['create 404']);
  });

  it('a page size above a tooMany server’s maximum blocks reconcile-driven deactivations', async () => {
    const summary = await run('SCIM_PAGE_SIZE=500', { limits: { maxResults: 200, overMaxResults: 'tooMany' } });
    expect(summary.blocked).toBeGreaterThan(0);
    expect(reasonsOf(summary)).toEqual(['deactivate 400 tooMany']);
    expect(summary.byStage.deactivate).toBe(summary.blocked);
  });

  it('a timeout below the server’s latency blocks with timeouts', async () => {
    const summary = await run('SCIM_TIMEOUT_MS=100\nSCIM_MAX_RETRIES=1', { limits: { latency: { default: { p50: 400, p99: 900 } } } });
    expect(summary.blocked).toBe(300);
    expect(reasonsOf(summary)[0]).toBe('create timeout');
  });

  it('delete-mode leavers are blocked where the server forbids DELETE', async () => {
    const summary = await run('SCIM_DEACTIVATION_MODE=delete', { capabilities: { delete: false } });
    expect(summary.byStage.deactivate).toBeGreaterThan(0);
    expect(reasonsOf(summary)).toContain('deactivate 405');
  });

  it('PATCH updates are blocked where the server has no PATCH, and PUT updates are not', async () => {
    const patch = await run('', { capabilities: { patch: false } });
    expect(reasonsOf(patch)).toContain('update 501');
    const put = await run('SCIM_UPDATE_METHOD=put\nSCIM_DEACTIVATION_MODE=put', { capabilities: { patch: false } });
    expect(put.byStage.update).toBe(0);
  });

  it('matching on externalId is blocked where the server cannot filter on it', async () => {
    const summary = await run('SCIM_USER_MATCH_ATTRIBUTE=externalId', { capabilities: { filterableAttributes: ['userName', 'id', 'displayName'] } });
    expect(reasonsOf(summary)).toEqual(['create 400 invalidFilter']);
  });

  it('a server that accepts active:false without applying it is caught by read-back', async () => {
    const summary = await run('', { quirks: { ignoreDeactivation: true } });
    expect(reasonsOf(summary)).toEqual(['deactivate state-mismatch']);
  });

  it('retries absorb a rate limit; no retries with high concurrency do not', async () => {
    const limited = { limits: { rateLimit: { requestsPerSecond: 20, burst: 20 } } };
    expect((await run('SCIM_MAX_CONCURRENCY=32', limited)).blocked).toBe(0);
    const summary = await run('SCIM_MAX_CONCURRENCY=32\nSCIM_MAX_RETRIES=0', limited);
    expect(summary.blocked).toBeGreaterThan(0);
    expect(reasonsOf(summary)).toContain('create 429');
    expect((await run('SCIM_MAX_RETRIES=0\nSCIM_RATE_LIMIT_RPS=15', limited)).blocked).toBe(0);
  });

  it('oauth2 client credentials work, and a wrong secret blocks everything', async () => {
    const oauth = 'SCIM_AUTH_MODE=oauth2\nSCIM_AUTH_TOKEN=\nSCIM_OAUTH_TOKEN_URL=https://login.example.com/oauth2/token\nSCIM_OAUTH_CLIENT_ID=scimsim\nSCIM_OAUTH_CLIENT_SECRET=cs-0123456789abcdef';
    const world = resolveProfile({ name: 'oauth', description: 'oauth world' });
    const go = (extra: string) =>
      executeRun({ settings: settings(`${oauth}\n${extra}`), scenario: lifecycle, users: 100, seed: 5, dialect: 'rfc', target: 'mock', world: { profile: world, settings: settings(oauth) } });
    expect((await go('')).report.summary.blocked).toBe(0);
    const wrong = (await go('SCIM_OAUTH_CLIENT_SECRET=cs-wrong-fedcba9876')).report.summary;
    expect(wrong.blocked).toBe(100);
    expect(reasonsOf(wrong)).toEqual(['create 401 invalid_client']);
  });

  it('gives identical summaries for the same seed', async () => {
    const a = await run('SCIM_PAGE_SIZE=500', { limits: { maxResults: 200, overMaxResults: 'tooMany', latency: { default: { p50: 30, p99: 300 } } } });
    const b = await run('SCIM_PAGE_SIZE=500', { limits: { maxResults: 200, overMaxResults: 'tooMany', latency: { default: { p50: 30, p99: 300 } } } });
    expect(a).toEqual(b);
  });
});
