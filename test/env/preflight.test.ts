import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/env/fingerprint.js';
import { runPreflight, type PreflightReport, type PreflightStep, type StepId } from '../../src/env/preflight/index.js';
import { scimSettings } from '../helpers/scim-settings.js';
import { closedPort, HEALTHY_CONFIG, startScimStub, type StubBehaviour, type StubServer } from '../helpers/scim-stub-server.js';

const GOOD_TOKEN = 'good-token-3f9a1c77d2';
const WRONG_TOKEN = 'stale-token-0b2e44aa19';
/** A fixed random source: the probe userName is then scimsim-probe-888888888888. */
const fixedRandom = (): number => 0.5;

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function serve(behaviour: StubBehaviour = {}): Promise<StubServer> {
  stub = await startScimStub({ token: GOOD_TOKEN, ...behaviour });
  return stub;
}

function step(report: PreflightReport, id: StepId): PreflightStep {
  const found = report.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

function statuses(report: PreflightReport): Record<string, string> {
  return Object.fromEntries(report.steps.map((s) => [s.id, s.status]));
}

describe('runPreflight', () => {
  it('passes every step against a healthy server and reports what it advertises', async () => {
    const server = await serve();
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }), { random: fixedRandom });
    expect(statuses(report)).toEqual({
      dns: 'pass',
      connect: 'pass',
      'oauth-token': 'skip',
      'service-provider-config': 'pass',
      'auth-probe': 'pass',
      'page-size': 'pass',
      'update-method': 'pass',
      'deactivation-mode': 'pass',
    });
    expect(report.ok).toBe(true);
    expect(report.target).toBe(server.baseUrl);
    expect(step(report, 'dns').detail).toContain('IP address');
    expect(step(report, 'oauth-token').detail).toBe('bearer token mode');
    expect(report.advertised).toEqual({ patch: true, bulk: false, filterMaxResults: 200, sort: false, etag: true });
    expect(report.steps.map((s) => s.id)).toEqual([
      'dns', 'connect', 'oauth-token', 'service-provider-config', 'auth-probe', 'page-size', 'update-method', 'deactivation-mode',
    ]);
    expect(report.steps.filter((s) => s.hint !== undefined)).toEqual([]);
  });

  it('only reads: GETs with the bearer token and a URL-encoded probe filter', async () => {
    const server = await serve();
    await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }), { random: fixedRandom });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /scim/v2/ServiceProviderConfig',
      'GET /scim/v2/Users?filter=userName%20eq%20%22scimsim-probe-888888888888%22&count=1',
    ]);
    expect(server.requests.every((r) => r.authorization === `Bearer ${GOOD_TOKEN}`)).toBe(true);
  });

  it('fails a slow server with a timeout that names SCIM_TIMEOUT_MS', async () => {
    const server = await serve({ delayMs: 1_500 });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN }, timeoutMs: 300 }));
    expect(report.ok).toBe(false);
    for (const id of ['service-provider-config', 'auth-probe'] as const) {
      expect(step(report, id).status).toBe('fail');
      expect(step(report, id).detail).toContain('timed out after 300 ms');
      expect(step(report, id).hint).toContain('SCIM_TIMEOUT_MS');
    }
  });

  it('fails discovery and probe with 401 for a wrong token, naming it by fingerprint', async () => {
    const server = await serve();
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: WRONG_TOKEN } }));
    for (const id of ['service-provider-config', 'auth-probe'] as const) {
      expect(step(report, id).status).toBe('fail');
      expect(step(report, id).detail).toContain('401');
      expect(step(report, id).hint).toContain(`SCIM_AUTH_TOKEN (${fingerprint(WRONG_TOKEN)})`);
    }
    expect(step(report, 'page-size')).toMatchObject({ status: 'skip', detail: expect.stringContaining('ServiceProviderConfig was not read') });
  });

  it('says the base URL misses /scim/v2 when discovery answers 404', async () => {
    const server = await serve();
    const report = await runPreflight(scimSettings(server.origin, { auth: { mode: 'bearer', token: GOOD_TOKEN } }));
    const discovery = step(report, 'service-provider-config');
    expect(discovery.status).toBe('fail');
    expect(discovery.detail).toContain('404');
    expect(discovery.hint).toContain('/scim/v2');
    expect(discovery.hint).toContain('tried /ServiceProviderConfig');
    expect(step(report, 'auth-probe').hint).toContain('/scim/v2');
  });

  it('calls an HTML answer a login page or proxy, not a SCIM endpoint', async () => {
    const server = await serve({ html: true });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }));
    const discovery = step(report, 'service-provider-config');
    expect(discovery.status).toBe('fail');
    expect(discovery.detail).toContain('HTML page ("Sign in to Contoso")');
    expect(discovery.hint).toContain('not a SCIM endpoint');
  });

  it('fails the probe when the server answers 404 instead of an empty list', async () => {
    const server = await serve({ emptyFilter: 'not-found' });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }));
    const probe = step(report, 'auth-probe');
    expect(probe.status).toBe('fail');
    expect(probe.detail).toContain('404 instead of 200 with an empty ListResponse');
    expect(probe.hint).toContain('Entra ID');
    expect(step(report, 'service-provider-config').status).toBe('pass');
  });

  it('fails the probe when the server rejects userName filtering with 400 invalidFilter', async () => {
    const server = await serve({ emptyFilter: 'invalid-filter' });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }));
    const probe = step(report, 'auth-probe');
    expect(probe.status).toBe('fail');
    expect(probe.detail).toContain('400: invalidFilter');
    expect(probe.hint).toContain('does not support filtering on userName');
  });

  it('fails the probe when the server ignores the filter and lists real users', async () => {
    const server = await serve({ emptyFilter: 'ignore-filter' });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }));
    expect(step(report, 'auth-probe')).toMatchObject({ status: 'fail', detail: expect.stringContaining('the filter is ignored') });
  });

  it('fails SCIM_PAGE_SIZE above the advertised filter.maxResults', async () => {
    const server = await serve({ serviceProviderConfig: { ...HEALTHY_CONFIG, filter: { supported: true, maxResults: 100 } } });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN }, pageSize: 500 }));
    const pageSize = step(report, 'page-size');
    expect(pageSize.status).toBe('fail');
    expect(pageSize.detail).toContain('SCIM_PAGE_SIZE=500');
    expect(pageSize.hint).toBe('set SCIM_PAGE_SIZE <= 100; servers answer 400 tooMany or truncate pages');
    expect(report.ok).toBe(false);
  });

  it('warns when the server does not advertise filter.maxResults', async () => {
    const server = await serve({ serviceProviderConfig: { ...HEALTHY_CONFIG, filter: { supported: true } } });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }));
    expect(step(report, 'page-size').status).toBe('warn');
    expect(report.ok).toBe(true);
  });

  it('fails PATCH updates and deactivations on a server without PATCH, pointing at put', async () => {
    const server = await serve({ serviceProviderConfig: { ...HEALTHY_CONFIG, patch: { supported: false } } });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN } }));
    expect(step(report, 'update-method')).toMatchObject({ status: 'fail', hint: expect.stringContaining('SCIM_UPDATE_METHOD=put') });
    expect(step(report, 'deactivation-mode')).toMatchObject({ status: 'fail', hint: expect.stringContaining('SCIM_DEACTIVATION_MODE=put') });
  });

  it('passes PUT updates and deactivations on a server without PATCH', async () => {
    const server = await serve({ serviceProviderConfig: { ...HEALTHY_CONFIG, patch: { supported: false } } });
    const settings = scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN }, updateMethod: 'put', deactivationMode: 'put' });
    const report = await runPreflight(settings);
    expect(step(report, 'update-method').status).toBe('pass');
    expect(step(report, 'deactivation-mode').status).toBe('pass');
    expect(report.advertised?.patch).toBe(false);
  });

  it('warns that deactivation by DELETE cannot be discovered and cannot be undone', async () => {
    const server = await serve();
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: { mode: 'bearer', token: GOOD_TOKEN }, deactivationMode: 'delete' }));
    const deactivation = step(report, 'deactivation-mode');
    expect(deactivation.status).toBe('warn');
    expect(deactivation.detail).toContain('irreversible');
    expect(deactivation.hint).toBeDefined();
    expect(report.ok).toBe(true);
  });

  it('names ECONNREFUSED and the port when nothing listens, and skips the SCIM steps', async () => {
    const port = await closedPort();
    const report = await runPreflight(scimSettings(`http://127.0.0.1:${port}/scim/v2`));
    const connect = step(report, 'connect');
    expect(connect.status).toBe('fail');
    expect(connect.detail).toContain('ECONNREFUSED');
    expect(connect.hint).toContain(`port ${port}`);
    expect(step(report, 'service-provider-config')).toMatchObject({ status: 'skip', detail: 'skipped: Connect failed' });
    expect(step(report, 'auth-probe').status).toBe('skip');
  });

  it('fails DNS for a host that does not resolve and skips what depends on it', async () => {
    const report = await runPreflight(scimSettings('https://scimsim-preflight-check.invalid/scim/v2', { timeoutMs: 2_000 }));
    const dns = step(report, 'dns');
    expect(dns.status).toBe('fail');
    expect(dns.detail).toMatch(/ENOTFOUND|EAI_AGAIN|timed out/);
    expect(step(report, 'connect')).toMatchObject({ status: 'skip', detail: 'skipped: Resolve host failed' });
    expect(step(report, 'service-provider-config')).toMatchObject({ status: 'skip', detail: 'skipped: Resolve host failed' });
    expect(report.ok).toBe(false);
  });

  it('fails every step that needs a base URL when it is not an http(s) URL', async () => {
    const report = await runPreflight(scimSettings('ftp://example.com/scim'));
    expect(step(report, 'dns').status).toBe('fail');
    expect(report.steps.slice(1).every((s) => s.status === 'skip')).toBe(true);
  });
});
