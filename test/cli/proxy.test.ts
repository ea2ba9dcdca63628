import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runPreflight } from '../../src/env/preflight/index.js';
import { fingerprint } from '../../src/env/fingerprint.js';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { loadDefaultProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { proxyFor, proxySettingsFrom } from '../../src/scim/proxy.js';
import { BASE_PATH, BASELINE, TOKEN, tempDir, totalOn } from '../helpers/live.js';
import { startLoopbackProxy, type LoopbackProxy } from '../helpers/loopback-proxy.js';
import { runScimsim } from '../helpers/run-cli.js';
import { scimSettings } from '../helpers/scim-settings.js';
import { startScimStub, type StubServer } from '../helpers/scim-stub-server.js';

const CLIENT_ID = 'scimsim-proxy-client';
const CLIENT_SECRET = 'proxy-oauth-s3cr3t-5e6f7a8b';
const ACCESS_TOKEN = 'proxy-access-token-1a2b3c4d5e';
const PROXY_PASSWORD = 'pr0xy-pa55-9c8d7e';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function proxy(options: { credentials?: string } = {}): Promise<LoopbackProxy> {
  const started = await startLoopbackProxy(options);
  closers.push(started.close);
  return started;
}

async function stub(...args: Parameters<typeof startScimStub>): Promise<StubServer> {
  const started = await startScimStub(...args);
  closers.push(started.close);
  return started;
}

/** The embedded provider on a loopback socket, accepting the baseline's token and the OAuth access token. */
async function mockTarget(): Promise<MockServer> {
  const profile = resolveProfile(await loadDefaultProfile());
  const server = await startMockServer(new ScimProvider({ profile, basePath: BASE_PATH, tenantId: 'acme-staging', bearerTokens: [TOKEN, ACCESS_TOKEN], seed: 7 }));
  closers.push(server.close);
  return server;
}

const hostOf = (origin: string): string => new URL(origin).host;
const targetsSeen = (p: LoopbackProxy): string[] => p.seen.map((s) => s.target);

function liveRun(origin: string, env: Record<string, string>, ...sets: string[]) {
  return async () =>
    runScimsim(
      ['run', '--target', 'live', '--env', BASELINE, '--set', `SCIM_API_BASE_URL=${origin}${BASE_PATH}`, ...sets.flatMap((s) => ['--set', s]), '--users', '12', '--format', 'json'],
      { cwd: await tempDir('scimsim-proxy-'), env: { NO_COLOR: '1', ...env } },
    );
}

function checkConnect(baseUrl: string, env: Record<string, string>, sets: string[] = [], more: string[] = []) {
  return runScimsim(
    ['check', '--env', 'fixtures/env/baseline.env', '--set', `SCIM_API_BASE_URL=${baseUrl}`, '--set', 'SCIM_AUTH_TOKEN=good-token-for-proxy', '--set', 'SCIM_TENANT_ID=', ...sets.flatMap((s) => ['--set', s]), '--connect', ...more],
    { env: { NO_COLOR: '1', ...env } },
  );
}

describe('live runs through HTTP_PROXY / HTTPS_PROXY', () => {
  it('sends every request of a live run through the proxy, tunnelled to the target', async () => {
    const target = await mockTarget();
    const p = await proxy();
    const result = await liveRun(target.origin, { HTTP_PROXY: p.url })();
    expect(result.stderr).not.toContain('scimsim:');
    expect(result.code).toBe(0);
    expect(p.seen.length).toBeGreaterThan(0);
    expect(new Set(targetsSeen(p))).toEqual(new Set([hostOf(target.origin)]));
    expect(await totalOn(target.origin, 'Users')).toBe(0);
  });

  it('goes direct when NO_PROXY names the target, and the proxy sees nothing', async () => {
    const target = await mockTarget();
    const p = await proxy();
    const result = await liveRun(target.origin, { http_proxy: p.url, NO_PROXY: 'localhost,127.0.0.1' })();
    expect(result.code).toBe(0);
    expect(p.seen).toEqual([]);
  });

  it('gets the OAuth token through the proxy too', async () => {
    const target = await mockTarget();
    const idp = await stub({ oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN } });
    const p = await proxy();
    const result = await liveRun(
      target.origin,
      { HTTP_PROXY: p.url },
      'SCIM_AUTH_MODE=oauth2',
      `SCIM_OAUTH_TOKEN_URL=${idp.tokenUrl}`,
      `SCIM_OAUTH_CLIENT_ID=${CLIENT_ID}`,
      `SCIM_OAUTH_CLIENT_SECRET=${CLIENT_SECRET}`,
      'SCIM_AUTH_TOKEN=',
    )();
    expect(result.stderr).not.toContain('scimsim:');
    expect(result.code).toBe(0);
    expect(idp.requests.filter((r) => r.url === '/oauth2/token').length).toBeGreaterThan(0);
    expect(targetsSeen(p)).toContain(hostOf(idp.origin));
    expect(targetsSeen(p)).toContain(hostOf(target.origin));
    expect(result.stdout + result.stderr).not.toContain(CLIENT_SECRET);
  });

  it('leaves a mock run alone, even with a proxy variable it could not use', async () => {
    const result = await runScimsim(['run', '--env', 'fixtures/env/baseline.env', '--users', '20', '--format', 'json'], { env: { NO_COLOR: '1', HTTPS_PROXY: 'socks5://127.0.0.1:1080' } });
    expect(result.code).toBe(0);
  });

  it('refuses a proxy it cannot speak to with one clear message, exit 1', async () => {
    const target = await mockTarget();
    const result = await liveRun(target.origin, { HTTP_PROXY: `socks5://ops:${PROXY_PASSWORD}@127.0.0.1:1080` })();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Failed to use the proxy of HTTP_PROXY');
    expect(result.stderr).not.toContain('    at ');
    expect(result.stderr).not.toContain(PROXY_PASSWORD);
  });
});

describe('check --connect through a proxy', () => {
  it('resolves and tunnels to the target through the proxy, and reads it there', async () => {
    const scim = await stub({ token: 'good-token-for-proxy' });
    const p = await proxy();
    const result = await checkConnect(scim.baseUrl, { HTTP_PROXY: p.url });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`tunnel to ${hostOf(scim.origin)} through the proxy ${p.url} established`);
    expect(result.stdout).toContain(`is resolved by the proxy ${p.url}`);
    // The connect step's tunnel, then one per request (the preflight does not reuse connections).
    expect(p.seen.filter((s) => s.kind === 'connect').length).toBeGreaterThanOrEqual(3);
    expect(new Set(targetsSeen(p))).toEqual(new Set([hostOf(scim.origin)]));
    expect(scim.requests.map((r) => r.method)).toContain('GET');
  });

  it('bypasses the proxy for a host in NO_PROXY', async () => {
    const scim = await stub({ token: 'good-token-for-proxy' });
    const p = await proxy();
    const result = await checkConnect(scim.baseUrl, { HTTPS_PROXY: p.url, HTTP_PROXY: p.url, no_proxy: '127.0.0.1' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/TCP connection to 127\.0\.0\.1:\d+ established/);
    expect(p.seen).toEqual([]);
  });

  it('asks the token endpoint through the proxy', async () => {
    const scim = await stub({ oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN } });
    const idp = await stub({ oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, accessToken: ACCESS_TOKEN } });
    const p = await proxy();
    const result = await checkConnect(
      scim.baseUrl,
      { HTTP_PROXY: p.url },
      ['SCIM_AUTH_MODE=oauth2', `SCIM_OAUTH_TOKEN_URL=${idp.tokenUrl}`, `SCIM_OAUTH_CLIENT_ID=${CLIENT_ID}`, `SCIM_OAUTH_CLIENT_SECRET=${CLIENT_SECRET}`, 'SCIM_AUTH_TOKEN='],
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ OAuth token/);
    expect(targetsSeen(p)).toContain(hostOf(idp.origin));
    expect(idp.requests.some((r) => r.method === 'POST' && r.url === '/oauth2/token')).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(CLIENT_SECRET);
  });

  it('authenticates to the proxy with the URL credentials, and never prints the password', async () => {
    const scim = await stub({ token: 'good-token-for-proxy' });
    const p = await proxy({ credentials: `ops:${PROXY_PASSWORD}` });
    const proxyUrl = p.url.replace('http://', `http://ops:${PROXY_PASSWORD}@`);
    const result = await checkConnect(scim.baseUrl, { HTTP_PROXY: proxyUrl }, [], ['--format', 'json']);
    expect(result.code).toBe(0);
    expect(p.seen.every((s) => s.authorization === `Basic ${Buffer.from(`ops:${PROXY_PASSWORD}`).toString('base64')}`)).toBe(true);
    expect(result.stdout).toContain(`(as ops, password ${fingerprint(PROXY_PASSWORD)})`);
    expect(result.stdout + result.stderr).not.toContain(PROXY_PASSWORD);
  });

  it('says the proxy wants credentials when it answers 407, without the password tried', async () => {
    const scim = await stub({ token: 'good-token-for-proxy' });
    const p = await proxy({ credentials: `ops:${PROXY_PASSWORD}` });
    const wrong = 'wr0ng-pr0xy-pa55-4f3e';
    const result = await checkConnect(scim.baseUrl, { HTTP_PROXY: p.url.replace('http://', `http://ops:${wrong}@`) });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`answered 407 to CONNECT ${hostOf(scim.origin)}: it wants credentials`);
    expect(result.stdout).toContain('HTTP_PROXY');
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('keeps a custom CA working for a TLS target behind the proxy', async () => {
    const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/tls/${name}`, import.meta.url), 'utf8');
    const cert = fixture('localhost.cert.pem');
    const scim = await stub({ token: 'good-token', tls: { key: fixture('localhost.key.pem'), cert } });
    const p = await proxy();
    const settings = { ...scimSettings(scim.baseUrl), proxy: { httpProxy: '', httpsProxy: p.url, noProxy: '' } };
    const report = await runPreflight(settings, { ca: cert });
    expect(report.steps.filter((s) => s.status === 'fail')).toEqual([]);
    expect(report.steps.find((s) => s.id === 'connect')?.detail).toMatch(/TLS handshake with .* through the proxy .*CN=localhost/);
    expect(report.steps.find((s) => s.id === 'auth-probe')?.status).toBe('pass');
    expect(p.seen.length).toBeGreaterThanOrEqual(3);
    expect(p.seen.every((s) => s.kind === 'connect' && s.target === hostOf(scim.origin))).toBe(true);
    // Without the CA the handshake through the tunnel is refused as it would be directly.
    const untrusted = await runPreflight(settings);
    expect(untrusted.steps.find((s) => s.id === 'connect')?.detail).toContain('self-signed');
  });
});

describe('which proxy a request takes', () => {
  const env = proxySettingsFrom({ HTTP_PROXY: 'http://plain.proxy:3128', HTTPS_PROXY: 'secure.proxy:8443', NO_PROXY: 'internal.example, .corp.example, api.example:8443' });
  const via = (url: string): string | undefined => proxyFor(new URL(url), env)?.host;

  it('reads the lowercase form first, adds http:// to a bare host:port, and ignores NO_PROXY alone', () => {
    expect(proxySettingsFrom({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })?.httpsProxy).toBe('http://lower:1');
    expect(env?.httpsProxy).toBe('http://secure.proxy:8443');
    expect(proxySettingsFrom({ NO_PROXY: '*' })).toBeUndefined();
    expect(proxySettingsFrom({})).toBeUndefined();
  });

  it('picks HTTPS_PROXY for https and HTTP_PROXY for http, and bypasses what NO_PROXY names', () => {
    expect(via('https://scim.example.com/v2')).toBe('secure.proxy:8443');
    expect(via('http://scim.example.com/v2')).toBe('plain.proxy:3128');
    expect(via('https://internal.example/v2')).toBeUndefined();
    expect(via('https://a.b.internal.example/v2')).toBeUndefined();
    expect(via('https://notinternal.example/v2')).toBe('secure.proxy:8443');
    expect(via('https://x.corp.example/v2')).toBeUndefined();
    expect(via('https://api.example:8443/v2')).toBeUndefined();
    expect(via('https://api.example/v2')).toBe('secure.proxy:8443');
    expect(proxyFor(new URL('https://any.example'), proxySettingsFrom({ HTTP_PROXY: 'http://p:1', NO_PROXY: '*' }))).toBeUndefined();
    expect(proxyFor(new URL('https://any.example'), proxySettingsFrom({ HTTP_PROXY: 'http://p:1' }))?.host).toBe('p:1');
    expect(proxyFor(new URL('http://any.example'), proxySettingsFrom({ HTTPS_PROXY: 'http://p:1' }))).toBeUndefined();
  });
});
