import { afterEach, describe, expect, it } from 'vitest';
import { runScimsim } from '../helpers/run-cli.js';
import { HEALTHY_CONFIG, startScimStub, type StubServer } from '../helpers/scim-stub-server.js';

const TOKEN = 'stg-dialect-token-5e6f7a8b9c';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

interface Step {
  id: string;
  status: string;
  detail: string;
  hint?: string;
}

/** `check --connect --format json` under `dialect`, against a server capping pages at 50 and without PATCH. */
async function preflightUnder(dialect: string, ...sets: string[]): Promise<{ code: number; steps: Record<string, Step> }> {
  stub = await startScimStub({ token: TOKEN, serviceProviderConfig: { ...HEALTHY_CONFIG, filter: { supported: true, maxResults: 50 }, patch: { supported: false } } });
  const result = await runScimsim([
    'check', '--env', 'fixtures/env/baseline.env', '--set', `SCIM_API_BASE_URL=${stub.baseUrl}`, '--set', `SCIM_AUTH_TOKEN=${TOKEN}`, '--set', 'SCIM_TENANT_ID=',
    ...sets.flatMap((s) => ['--set', s]), '--connect', '--dialect', dialect, '--format', 'json',
  ]);
  const report = JSON.parse(result.stdout) as { preflight: { steps: Step[] } };
  return { code: result.code, steps: Object.fromEntries(report.preflight.steps.map((s) => [s.id, s])) };
}

describe('check --connect checks what the dialect sends, not the variables it ignores', () => {
  it('rfc: SCIM_PAGE_SIZE=20 is within maxResults 50, and PUT updates and deactivations need no PATCH', async () => {
    const { code, steps } = await preflightUnder('rfc', 'SCIM_PAGE_SIZE=20', 'SCIM_UPDATE_METHOD=put', 'SCIM_DEACTIVATION_MODE=put');
    expect(steps['page-size']).toMatchObject({ status: 'pass', detail: 'SCIM_PAGE_SIZE=20 is within filter.maxResults 50' });
    expect(steps['update-method']?.status).toBe('pass');
    expect(steps['deactivation-mode']?.status).toBe('pass');
    expect(steps['group-probe']).toBeUndefined();
    expect(stub?.requests.some((r) => r.url.includes('/Groups'))).toBe(false);
    expect(code).toBe(0);
  });

  it("okta: checks Okta's fixed count=100 against maxResults 50 and its PUT updates, not SCIM_PAGE_SIZE or SCIM_UPDATE_METHOD", async () => {
    const { code, steps } = await preflightUnder('okta', 'SCIM_PAGE_SIZE=20', 'SCIM_UPDATE_METHOD=patch', 'SCIM_DEACTIVATION_MODE=put');
    expect(steps['page-size']?.status).toBe('fail');
    expect(steps['page-size']?.detail).toContain("okta's fixed count=100");
    expect(steps['page-size']?.detail).toContain('above the advertised filter.maxResults 50');
    expect(steps['page-size']?.hint).toContain('cannot be told to ask for less');
    // SCIM_UPDATE_METHOD=patch on a server without PATCH would fail; Okta ignores it and sends PUT.
    expect(steps['update-method']?.status).toBe('pass');
    expect(steps['update-method']?.detail).toContain('SCIM_UPDATE_METHOD has no effect under --dialect okta');
    // Okta deactivates by PATCH whatever SCIM_DEACTIVATION_MODE says, and this server has none.
    expect(steps['deactivation-mode']?.status).toBe('fail');
    expect(steps['deactivation-mode']?.detail).toContain('SCIM_DEACTIVATION_MODE has no effect under --dialect okta');
    expect(code).toBe(2);
  });

  it('entra: keeps SCIM_PAGE_SIZE, and checks its PATCH updates and deactivations against a server without PATCH', async () => {
    const { code, steps } = await preflightUnder('entra', 'SCIM_PAGE_SIZE=20', 'SCIM_UPDATE_METHOD=put', 'SCIM_DEACTIVATION_MODE=put');
    expect(steps['page-size']).toMatchObject({ status: 'pass', detail: 'SCIM_PAGE_SIZE=20 is within filter.maxResults 50' });
    expect(steps['update-method']?.status).toBe('fail');
    expect(steps['update-method']?.detail).toContain('SCIM_UPDATE_METHOD has no effect under --dialect entra');
    expect(steps['update-method']?.hint).toContain('entra cannot be told to use PUT');
    expect(steps['deactivation-mode']?.status).toBe('fail');
    expect(code).toBe(2);
  });

  it.each(['entra', 'entra-flagged'])("%s: probes a group as well as a user, as Entra's Test Connection does", async (dialect) => {
    const { steps } = await preflightUnder(dialect);
    expect(steps['auth-probe']?.status).toBe('pass');
    expect(steps['group-probe']).toMatchObject({ status: 'pass', detail: expect.stringContaining('displayName eq "scimsim-probe-') });
    const groupReads = (stub?.requests ?? []).filter((r) => r.url.startsWith('/scim/v2/Groups'));
    expect(groupReads.map((r) => [r.method, decodeURIComponent(r.url).replace(/probe-[0-9a-f]+/, 'probe-X')])).toEqual([
      ['GET', '/scim/v2/Groups?filter=displayName eq "scimsim-probe-X"&excludedAttributes=members'],
    ]);
  });
});
