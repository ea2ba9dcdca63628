import { describe, expect, it } from 'vitest';
import { listCatalog } from '../../src/env/catalog.js';
import { loadDefaultProfile, loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile, type ResolvedProfile } from '../../src/mock/profile/resolve-profile.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { judgeChange, worldFeatures, type WorldFeatures } from '../../src/rehearse/judge.js';

const cwd = process.cwd();
const shipped = async (name: string): Promise<ResolvedProfile> => resolveProfile(await loadProfile(`fixtures/servers/${name}.json`, cwd));
const rfc = worldFeatures(resolveProfile(await loadDefaultProfile()), { users: 1000 });
const staging = worldFeatures(await shipped('staging'), { users: 1000 });
/** A world built from profile fields alone, named nothing like any shipped file. */
const world = (fields: Omit<ServerProfile, 'name' | 'description'>, users = 1000, collisions = 0): WorldFeatures =>
  worldFeatures(resolveProfile({ name: 'synthetic', description: 'a test world', ...fields }), { users, collisions });
const notJudged = (variable: string, features: WorldFeatures): string | undefined => {
  const judgement = judgeChange(variable, features);
  return judgement.judged ? undefined : judgement.because;
};

describe('worldFeatures', () => {
  it('reads the staging world: latency with a tail, a rate limit, a tooMany page cap, transient 5xx and accounts already there', () => {
    expect(staging).toMatchObject({
      latencyP99Ms: 3000,
      rateLimit: { requestsPerSecond: 25, burst: 50 },
      pageCap: { maxResults: 200, over: 'tooMany', spansPages: true },
      transientFaults: { serverErrorRate: 0.002, connectionResetRate: 0 },
      stalls: undefined,
      preexistingAccounts: 100,
      quirks: [],
    });
  });

  it('reads the RFC-complete default world as having none of them', () => {
    expect(rfc).toMatchObject({ latencyP99Ms: undefined, rateLimit: undefined, pageCap: undefined, transientFaults: undefined, stalls: undefined, quirks: [] });
  });

  it('takes collisions and the dialect from the rehearsal, quirks and methods from the profile', async () => {
    const legacy = worldFeatures(await shipped('legacy-gateway'), { users: 50, collisions: 5, dialect: 'okta' });
    expect(legacy.caseCollisions).toBe(5);
    expect(legacy.quirks).toEqual(['patchNoContent', 'notFoundForEmptyFilter', 'caseSensitiveUserName']);
    expect(Object.keys(legacy.dialectIgnores)).toContain('SCIM_PAGE_SIZE');
    expect(worldFeatures(await shipped('put-only'), { users: 10 }).methods).toEqual({ patch: false, put: true, delete: true });
  });
});

describe('judgeChange', () => {
  it('judges every catalog variable but SCIM_ENVIRONMENT in the staging world', () => {
    const unjudged = listCatalog().map((e) => e.name).filter((name) => !judgeChange(name, staging).judged);
    expect(unjudged).toEqual(['SCIM_ENVIRONMENT']);
  });

  it('counts a population only up to the users that are not collisions, and none in a world without one', async () => {
    expect(worldFeatures(await shipped('staging'), { users: 60, collisions: 10 }).preexistingAccounts).toBe(50);
    expect(rfc.preexistingAccounts).toBe(0);
    expect(judgeChange('SCIM_USER_MATCH_ATTRIBUTE', rfc).judged).toBe(false);
  });

  it('does not judge timing, throughput or paging changes in the ideal world, and says why and what would', () => {
    expect(judgeChange('SCIM_TIMEOUT_MS', rfc)).toEqual({
      judged: false,
      because: 'the world has no latency: every answer arrives at once, so no timeout can expire',
      wouldJudge: 'a world with latency, such as fixtures/servers/staging.json or a profile written after your own staging',
    });
    expect(notJudged('SCIM_MAX_RETRIES', rfc)).toMatch(/no transient faults, no rate limit/);
    expect(notJudged('SCIM_RATE_LIMIT_RPS', rfc)).toMatch(/no rate limit/);
    expect(notJudged('SCIM_MAX_CONCURRENCY', rfc)).toMatch(/no rate limit/);
    expect(notJudged('SCIM_PAGE_SIZE', rfc)).toMatch(/no page cap below 1000/);
  });

  it('judges auth, endpoint and method changes in any embedded world, the ideal one included', () => {
    for (const name of ['SCIM_API_BASE_URL', 'SCIM_TENANT_ID', 'SCIM_AUTH_MODE', 'SCIM_AUTH_TOKEN', 'SCIM_OAUTH_CLIENT_SECRET', 'SCIM_OAUTH_SCOPE', 'SCIM_UPDATE_METHOD', 'SCIM_DEACTIVATION_MODE']) {
      expect(judgeChange(name, rfc), name).toEqual({ judged: true });
    }
  });

  it('judges a timeout by latency or by stalls, and retries by any of faults, 429s or a slow tail', () => {
    expect(judgeChange('SCIM_TIMEOUT_MS', world({ limits: { latency: { get: { p50: 1, p99: 5 } } } })).judged).toBe(true);
    expect(judgeChange('SCIM_TIMEOUT_MS', world({ faults: { slowRate: 0.01, slowMs: 20_000 } })).judged).toBe(true);
    // A 5 ms tail never reaches the smallest timeout (100 ms): nothing would be retried.
    expect(judgeChange('SCIM_MAX_RETRIES', world({ limits: { latency: { get: { p50: 1, p99: 5 } } } })).judged).toBe(false);
    expect(judgeChange('SCIM_MAX_RETRIES', world({ limits: { latency: { create: { p50: 80, p99: 600 } } } })).judged).toBe(true);
    expect(judgeChange('SCIM_MAX_RETRIES', world({ faults: { connectionResetRate: 0.001 } })).judged).toBe(true);
    expect(judgeChange('SCIM_MAX_RETRIES', world({ limits: { rateLimit: { requestsPerSecond: 10 } } })).judged).toBe(true);
  });

  it('judges a page size by a tooMany cap always, and by a silent cap only when the population spans pages', () => {
    expect(judgeChange('SCIM_PAGE_SIZE', world({ limits: { maxResults: 100, overMaxResults: 'tooMany' } }, 20)).judged).toBe(true);
    expect(judgeChange('SCIM_PAGE_SIZE', world({ limits: { maxResults: 100 } }, 500)).judged).toBe(true);
    expect(notJudged('SCIM_PAGE_SIZE', world({ limits: { maxResults: 100 } }, 80))).toBe('the world caps pages at 100 but the population fits in one page, so a capped page loses nothing');
    expect(notJudged('SCIM_PAGE_SIZE', world({ limits: { maxResults: 100 }, quirks: { ignoreCount: true } }, 500))).toBe('the world ignores count and answers every list in one page');
    expect(judgeChange('SCIM_PAGE_SIZE', world({ quirks: { itemsPerPageEchoesCount: true } })).judged).toBe(true);
  });

  it('judges a match attribute or a userName domain only where accounts can already exist or collide', () => {
    expect(notJudged('SCIM_USER_MATCH_ATTRIBUTE', rfc)).toMatch(/holds no account before the run/);
    expect(judgeChange('SCIM_USER_MATCH_ATTRIBUTE', world({}, 100, 10)).judged).toBe(true);
    expect(judgeChange('SCIM_USER_MATCH_ATTRIBUTE', world({ capabilities: { filterableAttributes: ['userName'] } })).judged).toBe(true);
    expect(judgeChange('SCIM_USERNAME_DOMAIN', world({}, 100, 10)).judged).toBe(true);
    expect(judgeChange('SCIM_USERNAME_DOMAIN', world({ capabilities: { allowedUserNameDomains: ['example.com'] } })).judged).toBe(true);
    const domain = judgeChange('SCIM_USERNAME_DOMAIN', rfc);
    expect(domain.judged ? '' : domain.wouldJudge).toContain('allowedUserNameDomains');
  });

  it('judges a variable the dialect fixes in any world, since the identity provider sends its own value', () => {
    const okta = worldFeatures(resolveProfile({ name: 'plain', description: 'no cap' }), { users: 100, dialect: 'okta' });
    expect(judgeChange('SCIM_PAGE_SIZE', okta)).toEqual({ judged: true });
    expect(judgeChange('SCIM_PAGE_SIZE', { ...okta, dialectIgnores: {} }).judged).toBe(false);
  });

  it('never judges a variable the client does not read, in any world', () => {
    for (const features of [rfc, staging]) {
      const judgement = judgeChange('SCIM_PROXY_URL', features);
      expect(judgement).toMatchObject({ judged: false, because: "scimsim's client does not read SCIM_PROXY_URL, so no replay can show what it does" });
    }
    expect(judgeChange('SCIM_ENVIRONMENT', staging).judged).toBe(false);
  });

  it('judges every variable the client sends on a live target, and nothing it does not read', () => {
    const unjudged = listCatalog().map((e) => e.name).filter((name) => !judgeChange(name, 'live').judged);
    expect(unjudged).toEqual(['SCIM_ENVIRONMENT']);
    expect(judgeChange('SCIM_PROXY_URL', 'live').judged).toBe(false);
  });

  it('gives every unjudged change a reason and a kind of world, over every shipped profile', async () => {
    for (const name of ['default', 'keycloak-like', 'legacy-gateway', 'okta-unfriendly', 'put-only', 'sloppy-pagination', 'staging', 'strict-entra-unfriendly']) {
      const features = worldFeatures(await shipped(name), { users: 1000 });
      for (const entry of listCatalog()) {
        const judgement = judgeChange(entry.name, features);
        if (!judgement.judged) expect([judgement.because.length > 10, judgement.wouldJudge.length > 10], `${name} ${entry.name}`).toEqual([true, true]);
      }
    }
    // keycloak-like caps pages at 100 without tooMany: a thousand users span ten pages.
    expect(judgeChange('SCIM_PAGE_SIZE', worldFeatures(await shipped('keycloak-like'), { users: 1000 })).judged).toBe(true);
  });
});
