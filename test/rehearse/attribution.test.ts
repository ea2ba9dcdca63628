import { describe, expect, it } from 'vitest';
import { buildEnvSet, loadEnvSet, type EnvSet } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { loadDefaultProfile, loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile, type ResolvedProfile } from '../../src/mock/profile/resolve-profile.js';
import { rehearse, type RehearseRequest } from '../../src/rehearse/engine.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';
import { buildUnits, mixEnvSets } from '../../src/rehearse/units.js';
import { knownGood } from '../../src/rehearse/engine.js';
import { diffEnvSets } from '../../src/env/diff.js';
import { executeRun } from '../../src/run/execute.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';

const cwd = process.cwd();
const lifecycle = await loadScenario('scenarios/lifecycle.yaml', cwd);
const staging = resolveProfile(await loadProfile('fixtures/servers/staging.json', cwd));
const rfc = resolveProfile(await loadDefaultProfile());
const baseline = await loadEnvSet({ files: ['fixtures/env/baseline.env'], cwd });
const candidate = await loadEnvSet({ files: ['fixtures/env/candidate.env'], cwd });

/** The baseline with some lines on top (later lines win). */
function mixed(lines: string): EnvSet {
  const text = [...baseline.values].map(([k, v]) => `${k}=${v.value}`).join('\n');
  return buildEnvSet([{ label: 'baseline.env', text }, { label: 'candidate.env', text: lines }], {});
}

function request(overrides: Partial<RehearseRequest>): RehearseRequest {
  return {
    base: baseline,
    candidate,
    labels: { base: 'baseline.env', candidate: 'candidate.env' },
    scenario: lifecycle,
    users: 1000,
    seed: 1,
    dialect: 'rfc',
    target: 'mock',
    world: { profile: staging, name: 'staging', builtFor: 'baseline.env' },
    ...overrides,
  };
}

/** Accounts a single run of the baseline plus `lines` blocks, on the given world. */
async function blockedBy(lines: string, profile: ResolvedProfile, users: number) {
  const { report } = await executeRun({
    settings: resolveSettings(mixed(lines)),
    scenario: lifecycle,
    users,
    seed: 1,
    dialect: 'rfc',
    target: 'mock',
    world: { profile, settings: resolveSettings(baseline) },
  });
  return report.summary;
}

describe('rehearse: the shipped demo', async () => {
  const labels: string[] = [];
  const report = await rehearse(request({ onRun: (label) => labels.push(label) }));
  /** Accounts under rows one of whose cause sets is exactly `variables`. */
  const underCause = (...variables: string[]): number =>
    report.attribution.filter((a) => a.causes.some((c) => c.join() === variables.join())).reduce((n, a) => n + a.blocked, 0);

  it('puts every newly blocked account in exactly one place, in every format', () => {
    expectAddsUp(report);
    expect(report.newlyBlocked).toBe(1000);
    expect(report.unexplained).toBe(0);
    // Every replay reads back with the baseline's limits: the candidate's 32 requests in flight
    // without a rate cap make its writes fail with 429, not the verification of them.
    expect(report.candidate.unverified).toBe(0);
  });

  it('blames the rotated token for every account, at create with 401', () => {
    expect(underCause('SCIM_AUTH_TOKEN')).toBe(1000);
    expect(report.attribution.every((a) => a.causes.some((c) => c.join() === 'SCIM_AUTH_TOKEN'))).toBe(true);
    const alone = report.attribution.find((a) => a.causes.length === 1 && a.variables.join() === 'SCIM_AUTH_TOKEN');
    expect(alone).toMatchObject({ interaction: false, alternatives: false });
    expect(alone?.reasons).toEqual([expect.objectContaining({ stage: 'create', status: 401, count: alone?.blocked })]);
    expect(alone?.hint).toMatch(/SCIM_AUTH_TOKEN/);
  });

  it('shows the accounts the page size would block as well under a row naming both causes', async () => {
    const alone = await blockedBy('SCIM_PAGE_SIZE=500', staging, 1000);
    expect(alone.blocked).toBeGreaterThan(0);
    expect(alone.byStage.deactivate).toBe(alone.blocked);
    expect(underCause('SCIM_PAGE_SIZE')).toBe(alone.blocked);
    for (const row of report.attribution.filter((a) => a.causes.some((c) => c.join() === 'SCIM_PAGE_SIZE'))) {
      expect(row.alternatives).toBe(true);
      expect(row.causes[0]).toEqual(['SCIM_AUTH_TOKEN']);
    }
  });

  it('finds the pair that blocks only together, although the token is blamed for the same accounts: more concurrency without the client-side rate cap (429)', async () => {
    const together = await blockedBy('SCIM_MAX_CONCURRENCY=32\nSCIM_RATE_LIMIT_RPS=0', staging, 1000);
    expect(together.blocked).toBeGreaterThan(0);
    expect(underCause('SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS')).toBeGreaterThan(0);
    expect(underCause('SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS')).toBeLessThanOrEqual(together.blocked);
    expect(report.attribution.some((a) => a.interaction)).toBe(true);
    expect((await blockedBy('SCIM_MAX_CONCURRENCY=32', staging, 1000)).blocked).toBe(0);
    expect((await blockedBy('SCIM_RATE_LIMIT_RPS=0', staging, 1000)).blocked).toBe(0);
  });

  it('judges the timeout harmless on a world with latency, and replays no configuration twice', () => {
    expect(report.changes.find((c) => c.variable === 'SCIM_TIMEOUT_MS')?.effect).toBe('harmless');
    expect(report.changes).toHaveLength(6);
    expect(report.verdict).toBe('blocks-accounts');
    expect(report.alreadyBlocked).toBe(0);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.length).toBe(report.runs.full + report.runs.scoped);
    expect(report.runs.scoped).toBe(0);
    expect(report.runs.total).toBe(report.runs.full + report.runs.scoped + report.runs.cached);
    expect(report.requests.total).toBe(report.requests.baseline + report.requests.candidate + report.requests.search);
    expect(report.requests.search).toBeGreaterThan(0);
  });

  it('shows the token only as fingerprints', () => {
    const text = JSON.stringify(report);
    expect(text).not.toContain('stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b');
    expect(text).not.toContain('stg-next-2b8e61d04c9f4a7e93d5c1a0f6b2e8d4');
    const token = report.changes.find((c) => c.variable === 'SCIM_AUTH_TOKEN');
    expect(token?.before).toMatch(/^fp:[0-9a-f]{8,}$/);
    expect(token?.after).toMatch(/^fp:[0-9a-f]{8,}$/);
  });

  it('is deterministic: the same seed gives the same attribution', async () => {
    const again = await rehearse(request({}));
    expect(again.attribution).toEqual(report.attribution);
    expect(again.runs).toEqual(report.runs);
  });
});

describe('rehearse: other candidates', () => {
  it('searches combinations that include a change already blamed for other accounts (rate cap 40 with retries 0), and explains every account', async () => {
    const base = mixed('SCIM_MAX_CONCURRENCY=4\nSCIM_RATE_LIMIT_RPS=15\nSCIM_MAX_RETRIES=4');
    const text = [...base.values].map(([k, v]) => `${k}=${v.value}`).join('\n');
    const candidate = buildEnvSet([{ label: 'base', text }, { label: 'six.env', text: 'SCIM_PAGE_SIZE=150\nSCIM_MAX_CONCURRENCY=6\nSCIM_RATE_LIMIT_RPS=40\nSCIM_TIMEOUT_MS=200\nSCIM_MAX_RETRIES=0\nSCIM_UPDATE_METHOD=put' }], {});
    const report = await rehearse(request({ base, candidate, users: 600 }));
    expectAddsUp(report);
    expect(report.newlyBlocked).toBeGreaterThan(300);
    expect(report.unexplained).toBe(0);
    expect(report.runs.budgetExhausted).toBe(false);
    // Retries alone explain some accounts; the rate cap with retries explains others.
    const pair = report.attribution.filter((a) => a.causes.some((c) => c.join() === 'SCIM_RATE_LIMIT_RPS,SCIM_MAX_RETRIES'));
    expect(pair.length).toBeGreaterThan(0);
    expect(report.attribution.some((a) => a.causes.some((c) => c.includes('SCIM_MAX_RETRIES') && !c.includes('SCIM_RATE_LIMIT_RPS')))).toBe(true);
    expect(report.changes.find((c) => c.variable === 'SCIM_RATE_LIMIT_RPS')?.effect).toBe('blocks');
    // A create that timed out and then met 409 is looked up: never blamed on uniqueness (or the match attribute).
    expect(report.attribution.flatMap((a) => a.reasons).filter((r) => r.status === 409)).toEqual([]);
    expect(report.attribution.some((a) => /SCIM_USER_MATCH_ATTRIBUTE/.test(a.hint))).toBe(false);
    // Each such cause set blocks its accounts on its own, as a run of the baseline plus the pair shows.
    const alone = await executeRun({ settings: resolveSettings(mixEnvSets(base, candidate, [{ id: 'r', variables: ['SCIM_RATE_LIMIT_RPS', 'SCIM_MAX_RETRIES'] }])), scenario: lifecycle, users: 600, seed: 1, dialect: 'rfc', target: 'mock', world: { profile: staging, settings: resolveSettings(base) } });
    expect(alone.report.summary.blocked).toBeGreaterThanOrEqual(pair.reduce((n, a) => n + a.blocked, 0));
  });

  it('a harmless-only candidate is safe on a world that can judge it, and needs only the two full runs', async () => {
    const report = await rehearse(request({ candidate: mixed('SCIM_TIMEOUT_MS=15000\nSCIM_UPDATE_METHOD=put'), users: 300 }));
    expectAddsUp(report);
    expect(report.verdict).toBe('safe');
    expect(report.caveats).toEqual([]);
    expect(report.attribution).toEqual([]);
    expect(report.changes.map((c) => [c.variable, c.effect])).toEqual([
      ['SCIM_TIMEOUT_MS', 'harmless'],
      ['SCIM_UPDATE_METHOD', 'harmless'],
    ]);
    expect(report.runs).toMatchObject({ full: 2, scoped: 0 });
  });

  it('never calls "safe" what the ideal world cannot show: a 200 ms timeout there is not judged, and the verdict inconclusive', async () => {
    const candidate = mixed('SCIM_TIMEOUT_MS=200\nSCIM_MAX_RETRIES=0\nSCIM_UPDATE_METHOD=put');
    const ideal = await rehearse(request({ candidate, users: 300, world: { profile: rfc, name: 'default', builtFor: 'baseline.env' } }));
    expectAddsUp(ideal);
    expect(ideal.newlyBlocked).toBe(0);
    expect(ideal.verdict).toBe('inconclusive');
    const timeout = ideal.changes.find((c) => c.variable === 'SCIM_TIMEOUT_MS');
    expect(timeout).toMatchObject({ effect: 'not-judged', notJudgedBecause: expect.stringMatching(/latency/) });
    expect(timeout?.wouldJudge).toMatch(/latency/);
    expect(ideal.changes.find((c) => c.variable === 'SCIM_UPDATE_METHOD')?.effect).toBe('harmless');
    // The same candidate on the realistic world: the harm shows.
    const real = await rehearse(request({ candidate, users: 300 }));
    expectAddsUp(real);
    expect(real.verdict).toBe('blocks-accounts');
    expect(real.changes.find((c) => c.variable === 'SCIM_TIMEOUT_MS')?.effect).toBe('blocks');
  });

  it('moves the auth mode with its credentials as one unit, and blames them together', async () => {
    const oauth = mixed('SCIM_AUTH_MODE=oauth2\nSCIM_AUTH_TOKEN=\nSCIM_OAUTH_TOKEN_URL=https://login.staging.example.com/oauth2/token\nSCIM_OAUTH_CLIENT_ID=scimsim\nSCIM_OAUTH_CLIENT_SECRET=oauth-secret-5d4c3b2a1f0e\nSCIM_PAGE_SIZE=50');
    const report = await rehearse(request({ candidate: oauth, users: 200, world: { profile: rfc, name: 'default', builtFor: 'baseline.env' } }));
    expectAddsUp(report);
    const auth = report.attribution.find((a) => a.variables.includes('SCIM_AUTH_MODE'));
    expect(auth?.variables).toEqual(expect.arrayContaining(['SCIM_AUTH_MODE', 'SCIM_OAUTH_CLIENT_ID', 'SCIM_OAUTH_CLIENT_SECRET', 'SCIM_OAUTH_TOKEN_URL']));
    expect(auth).toMatchObject({ interaction: false, blocked: 200 });
    expect(report.runs.invalid).toBe(0);
    // The ideal world has no page cap: a page size change is not judged there.
    expect(report.changes.find((c) => c.variable === 'SCIM_PAGE_SIZE')?.effect).toBe('not-judged');
    expect(JSON.stringify(report)).not.toContain('oauth-secret-5d4c3b2a1f0e');
  });

  it('a declared coupling moves two variables as one unit: blamed alone, not as an interaction', async () => {
    const report = await rehearse(request({ candidate: mixed('SCIM_MAX_CONCURRENCY=32\nSCIM_RATE_LIMIT_RPS=0'), couplings: [['SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS']], users: 500 }));
    expectAddsUp(report);
    expect(report.attribution).toHaveLength(1);
    expect(report.attribution[0]).toMatchObject({ variables: ['SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS'], interaction: false });
    expect(new Set(report.changes.map((c) => c.unitId)).size).toBe(1);
  });

  it('counts what a run budget leaves unexplained instead of hiding it', async () => {
    const report = await rehearse(request({ candidate: mixed('SCIM_MAX_CONCURRENCY=32\nSCIM_RATE_LIMIT_RPS=0\nSCIM_TIMEOUT_MS=15000'), users: 500, maxRuns: 3 }));
    expectAddsUp(report);
    expect(report.verdict).toBe('blocks-accounts');
    expect(report.runs.budgetExhausted).toBe(true);
    expect(report.unexplained).toBe(report.newlyBlocked);
    expect(report.unexplainedBecause.budget).toBe(report.unexplained);
    expect(report.unexplained).toBeGreaterThan(0);
    // Nothing it could not search is called harmless.
    expect(report.changes.every((c) => c.effect === 'not-judged')).toBe(true);
  });

  it('reports accounts the baseline already blocks separately, never blaming the candidate', async () => {
    // On a world that refuses DELETE, the baseline's deletes fail already.
    const noDelete = resolveProfile({ name: 'no-delete', description: 'DELETE is 405', capabilities: { delete: false } });
    const report = await rehearse(request({ candidate: mixed('SCIM_UPDATE_METHOD=put'), users: 300, world: { profile: noDelete, name: 'no-delete', builtFor: 'baseline.env' } }));
    expectAddsUp(report);
    expect(report.alreadyBlocked).toBeGreaterThan(0);
    expect(report.baseline.blocked).toBe(report.alreadyBlocked);
    expect(report.newlyBlocked).toBe(0);
    expect(report.verdict).toBe('safe');
  });
});

describe('known-good settings for read-back and cleanup', () => {
  it('reads where the replay wrote, with the baseline\'s credentials on the baseline\'s target and its limits always', () => {
    const base = resolveSettings(baseline);
    const mix = resolveSettings(mixed('SCIM_MAX_CONCURRENCY=32\nSCIM_RATE_LIMIT_RPS=0\nSCIM_TIMEOUT_MS=200\nSCIM_MAX_RETRIES=0\nSCIM_PAGE_SIZE=500\nSCIM_AUTH_TOKEN=rotated-0123456789abcdef'));
    const good = knownGood(mix, base);
    expect(good).toMatchObject({ baseUrl: base.baseUrl, auth: base.auth, pageSize: 100, maxConcurrency: base.maxConcurrency, rateLimitRps: base.rateLimitRps, timeoutMs: base.timeoutMs, maxRetries: base.maxRetries });
    const moved = resolveSettings(mixed('SCIM_API_BASE_URL=https://scim.staging.example.com/globex/scim/v2\nSCIM_TENANT_ID=globex\nSCIM_AUTH_TOKEN=globex-0123456789abcdef'));
    expect(knownGood(moved, base)).toMatchObject({ baseUrl: moved.baseUrl, auth: moved.auth, timeoutMs: base.timeoutMs });
  });
});

describe('units', () => {
  it('couples the base URL with the tenant only when the URL carries the tenant', () => {
    const moved = mixed('SCIM_API_BASE_URL=https://scim.staging.example.com/globex/scim/v2\nSCIM_TENANT_ID=globex');
    expect(buildUnits(diffEnvSets(baseline, moved).changes, baseline, moved).map((u) => u.variables)).toEqual([['SCIM_API_BASE_URL', 'SCIM_TENANT_ID']]);
    const flat = buildEnvSet([{ label: 'a', text: 'SCIM_API_BASE_URL=https://scim.example.com/scim/v2\nSCIM_TENANT_ID=acme\nSCIM_AUTH_TOKEN=t-1234567890abcdef' }], {});
    const flatMoved = buildEnvSet([{ label: 'b', text: 'SCIM_API_BASE_URL=https://scim2.example.com/scim/v2\nSCIM_TENANT_ID=globex\nSCIM_AUTH_TOKEN=t-1234567890abcdef' }], {});
    expect(buildUnits(diffEnvSets(flat, flatMoved).changes, flat, flatMoved).map((u) => u.variables)).toEqual([['SCIM_API_BASE_URL'], ['SCIM_TENANT_ID']]);
  });
});
