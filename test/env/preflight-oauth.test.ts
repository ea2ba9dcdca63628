import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/env/fingerprint.js';
import { runPreflight, type PreflightReport, type PreflightStep, type StepId } from '../../src/env/preflight/index.js';
import { oauthAuth, scimSettings } from '../helpers/scim-settings.js';
import { startScimStub, type StubOAuth, type StubServer } from '../helpers/scim-stub-server.js';

const CLIENT_SECRET = 'client-secret-7d41e0f2b9';
const ACCESS_TOKEN = 'access-token-55c8a013ee7f';
const SCOPE = 'scim.readwrite';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function serveOAuth(overrides: Partial<StubOAuth> = {}): Promise<StubServer> {
  stub = await startScimStub({
    token: 'unused-static-token',
    oauth: { clientId: 'scimsim-ci', clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN, scopes: [SCOPE], ...overrides },
  });
  return stub;
}

function step(report: PreflightReport, id: StepId): PreflightStep {
  const found = report.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
}

describe('runPreflight with OAuth client credentials', () => {
  it('gets a token with HTTP Basic client authentication and uses it for the SCIM requests', async () => {
    const server = await serveOAuth();
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: oauthAuth(server.tokenUrl, CLIENT_SECRET, SCOPE) }));
    const token = step(report, 'oauth-token');
    expect(token.status).toBe('pass');
    expect(token.detail).toBe('got a Bearer token expiring in 3600 s');
    expect(step(report, 'service-provider-config').status).toBe('pass');
    expect(step(report, 'auth-probe').status).toBe('pass');
    expect(report.ok).toBe(true);

    const [tokenRequest, ...scimRequests] = server.requests;
    expect(tokenRequest).toMatchObject({ method: 'POST', url: '/oauth2/token', body: 'grant_type=client_credentials&scope=scim.readwrite' });
    expect(tokenRequest?.authorization).toBe(`Basic ${Buffer.from(`scimsim-ci:${CLIENT_SECRET}`).toString('base64')}`);
    expect(scimRequests.map((r) => r.method)).toEqual(['GET', 'GET']);
    expect(scimRequests.every((r) => r.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
  });

  it('names the client id and secret fingerprint on invalid_client, and skips the SCIM steps', async () => {
    const server = await serveOAuth();
    const wrongSecret = 'client-secret-rotated-0000';
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: oauthAuth(server.tokenUrl, wrongSecret, SCOPE) }));
    const token = step(report, 'oauth-token');
    expect(token.status).toBe('fail');
    expect(token.detail).toContain('invalid_client');
    expect(token.hint).toContain('SCIM_OAUTH_CLIENT_ID=scimsim-ci');
    expect(token.hint).toContain(`SCIM_OAUTH_CLIENT_SECRET (${fingerprint(wrongSecret)})`);
    expect(step(report, 'service-provider-config')).toMatchObject({ status: 'skip', detail: 'skipped: OAuth token failed' });
    expect(step(report, 'auth-probe')).toMatchObject({ status: 'skip', detail: 'skipped: OAuth token failed' });
    expect(server.requests.map((r) => r.url)).toEqual(['/oauth2/token']);
  });

  it('points at SCIM_OAUTH_SCOPE on invalid_scope', async () => {
    const server = await serveOAuth();
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: oauthAuth(server.tokenUrl, CLIENT_SECRET, 'scim.admin') }));
    const token = step(report, 'oauth-token');
    expect(token.status).toBe('fail');
    expect(token.detail).toContain('invalid_scope');
    expect(token.hint).toContain('SCIM_OAUTH_SCOPE=scim.admin');
  });

  it('says SCIM_OAUTH_TOKEN_URL is not a token endpoint when it answers a web page', async () => {
    const server = await serveOAuth({ html: true });
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: oauthAuth(server.tokenUrl, CLIENT_SECRET, SCOPE) }));
    const token = step(report, 'oauth-token');
    expect(token.status).toBe('fail');
    expect(token.detail).toContain('HTML page');
    expect(token.hint).toContain('SCIM_OAUTH_TOKEN_URL is not an OAuth token endpoint');
  });

  it('says SCIM_OAUTH_TOKEN_URL is not a token endpoint when it answers 404', async () => {
    const server = await serveOAuth();
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: oauthAuth(`${server.origin}/oauth/token`, CLIENT_SECRET, SCOPE) }));
    const token = step(report, 'oauth-token');
    expect(token.status).toBe('fail');
    expect(token.detail).toContain('404');
    expect(token.hint).toContain('SCIM_OAUTH_TOKEN_URL is not an OAuth token endpoint');
  });
});

describe('secrets in the preflight report', () => {
  it('never shows the bearer token, even when the server echoes it', async () => {
    stub = await startScimStub({ token: 'the-right-token' });
    const wrongToken = 'leaky-bearer-token-9c1d2e';
    const report = await runPreflight(scimSettings(stub.baseUrl, { auth: { mode: 'bearer', token: wrongToken } }));
    expect(step(report, 'service-provider-config').detail).toContain(fingerprint(wrongToken));
    expect(JSON.stringify(report)).not.toContain(wrongToken);
  });

  it('never shows the client secret, even when the token endpoint echoes it', async () => {
    const server = await serveOAuth();
    const wrongSecret = 'leaky-client-secret-4411aa';
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: oauthAuth(server.tokenUrl, wrongSecret, SCOPE) }));
    expect(step(report, 'oauth-token').detail).toContain(fingerprint(wrongSecret));
    expect(JSON.stringify(report)).not.toContain(wrongSecret);
  });

  it('never shows the access token or the client secret of a successful run', async () => {
    const server = await serveOAuth();
    const report = await runPreflight(scimSettings(server.baseUrl, { auth: oauthAuth(server.tokenUrl, CLIENT_SECRET, SCOPE) }));
    const text = JSON.stringify(report);
    expect(report.ok).toBe(true);
    expect(text).not.toContain(ACCESS_TOKEN);
    expect(text).not.toContain(CLIENT_SECRET);
  });
});
