import { describe, expect, it } from 'vitest';
import { createInProcessTransport } from '../../src/mock/adapters/in-process.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile, type ResolvedProfile } from '../../src/mock/profile/resolve-profile.js';
import { validateProfile } from '../../src/mock/profile/validate-profile.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { VirtualClock } from '../../src/scim/clock.js';
import type { Transport } from '../../src/scim/transport.js';
import { providerOptionsFor } from '../../src/target/world.js';
import { captureWorld, type Capture } from '../../src/world/capture.js';

type Surveyed = Extract<Capture, { ok: true }>;

/** The capture of a target that could be surveyed; fails the test otherwise. */
function surveyed(capture: Capture): Surveyed {
  if (!capture.ok) throw new Error(`expected a survey, got: ${capture.failure}`);
  return capture;
}
import { oauthAuth, scimSettings } from '../helpers/scim-settings.js';

const BASE = 'https://staging.example.test/scim/v2';
const TOKEN = 'capture-token-7f3a91';
const settings = scimSettings(BASE, { auth: { mode: 'bearer', token: TOKEN } });

/** A world of `profile` on a virtual clock, with `accounts` users already on it (created before the survey, then the clock moves on a minute). */
async function world(profile: ServerProfile, accounts: number): Promise<{ transport: Transport; clock: VirtualClock; resolved: ResolvedProfile }> {
  const resolved = resolveProfile(profile);
  const clock = new VirtualClock();
  const provider = new ScimProvider(providerOptionsFor(settings, resolved, 3));
  for (let i = 0; i < accounts; i++) {
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `ada.lovelace.${i}@example.com`, externalId: `hr-${i}` });
    // The provider is pure: created at t=0 (its faults may refuse a few; the population is what it took).
    provider.handle({ method: 'POST', url: `${BASE}/Users`, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' }, body }, 0);
  }
  await clock.sleep(60_000);
  return { transport: createInProcessTransport(provider, clock), clock, resolved };
}

async function capture(name: string, accounts = 30, samples = 60): Promise<{ captured: Surveyed; original: ResolvedProfile; sent: string[] }> {
  const profile = await loadProfile(`fixtures/servers/${name}.json`, process.cwd());
  const { transport, clock, resolved } = await world(profile, accounts);
  const sent: string[] = [];
  const spy: Transport = (request) => {
    sent.push(`${request.method} ${JSON.stringify(request.headers)} ${request.body ?? ''}`);
    return transport(request);
  };
  const captured = surveyed(await captureWorld({ settings, transport: spy, clock, samples, at: '2026-11-30T12:00:00.000Z' }));
  return { captured, original: resolved, sent };
}

describe('world capture against the embedded mock', () => {
  it.each(['default', 'staging', 'keycloak-like', 'put-only', 'legacy-gateway', 'sloppy-pagination'])('reproduces the page cap, tooMany, PATCH support and filters of %s', async (name) => {
    const { captured, original } = await capture(name);
    const text = JSON.stringify(captured.profile);
    expect(validateProfile(JSON.parse(text), 'world.json', text).problems).toEqual([]);
    const replayed = resolveProfile(captured.profile);
    expect(replayed.limits.maxResults).toBe(original.limits.maxResults);
    expect(replayed.limits.overMaxResults).toBe(original.limits.overMaxResults);
    expect(replayed.capabilities.patch).toBe(original.capabilities.patch);
    expect(replayed.capabilities.etag).toBe(original.capabilities.etag);
    expect(replayed.quirks.caseSensitiveUserName).toBe(original.quirks.caseSensitiveUserName);
    expect(replayed.quirks.notFoundForEmptyFilter).toBe(original.quirks.notFoundForEmptyFilter);
    expect(replayed.quirks.ignoreCount).toBe(original.quirks.ignoreCount);
    expect(captured.filters).toEqual({ 'userName eq': true, 'userName sw': true, 'externalId eq': true, 'externalId sw': true });
    expect(captured.profile.capturedFrom?.population).toBeGreaterThanOrEqual(29);
  });

  it('fits each read latency median of staging within 35%, and a tail above it', async () => {
    const { captured, original } = await capture('staging', 30, 80);
    const latency = captured.profile.limits?.latency ?? {};
    for (const kind of ['get', 'list', 'search', 'discovery'] as const) {
      const fitted = latency[kind];
      const truth = original.limits.latency[kind];
      expect(fitted, kind).toBeDefined();
      expect(truth, kind).toBeDefined();
      if (!fitted || !truth) continue;
      expect(Math.abs(fitted.p50 - truth.p50) / truth.p50, kind).toBeLessThan(0.35);
      expect(fitted.p99, kind).toBeGreaterThan(fitted.p50);
    }
  });

  it('gives a world without latency none, and never writes: GETs only, at most the sample budget', async () => {
    const { captured, sent } = await capture('default', 10, 25);
    expect(captured.profile.limits?.latency).toBeUndefined();
    expect(sent).toHaveLength(25);
    expect(sent.every((line) => line.startsWith('GET '))).toBe(true);
  });

  it('writes a profile that validates, carries no credential or account data, and lists what it could not learn', async () => {
    const { captured } = await capture('staging');
    const text = JSON.stringify(captured.profile, null, 2);
    expect(validateProfile(JSON.parse(text), 'world.json', text).problems).toEqual([]);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('ada.lovelace');
    expect(text).not.toContain('hr-');
    expect(captured.profile.capturedFrom).toMatchObject({ origin: 'https://staging.example.test', scimRoot: '/scim/v2', at: '2026-11-30T12:00:00.000Z' });
    const fields = captured.profile.capturedFrom?.undetermined.map((u) => u.field) ?? [];
    expect(fields).toEqual(expect.arrayContaining(['capabilities.put', 'capabilities.delete', 'faults', 'limits.rateLimit']));
  });

  it('says the filters and userName case cannot be learnt on an empty target, and leaves them to the RFC default', async () => {
    const { captured } = await capture('legacy-gateway', 0);
    expect(captured.filters).toEqual({});
    expect(captured.profile.capturedFrom?.population).toBe(0);
    expect(captured.profile.quirks?.caseSensitiveUserName).toBeUndefined();
    const fields = captured.profile.capturedFrom?.undetermined.map((u) => u.field) ?? [];
    expect(fields).toContain('quirks.caseSensitiveUserName');
  });

  it('records the 429s and Retry-After of a rate-limited server, sending no more than its budget', async () => {
    const profile: ServerProfile = { name: 'tight', description: 'two requests a second', limits: { rateLimit: { requestsPerSecond: 2, burst: 3 }, latency: { default: { p50: 5, p99: 20 } } } };
    const { transport, clock } = await world(profile, 5);
    const captured = surveyed(await captureWorld({ settings, transport, clock, samples: 30, at: '2026-11-30T12:00:00.000Z' }));
    const throttling = captured.profile.capturedFrom?.throttling;
    expect(throttling?.throttled).toBeGreaterThan(0);
    expect(throttling?.retryAfterMs.length).toBe(throttling?.throttled);
    expect(Object.values(captured.profile.capturedFrom?.samples ?? {}).reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('asks the OAuth token endpoint once, counts it, and writes neither the client secret nor the token', async () => {
    const secret = 'oauth-secret-4c1d88e2';
    const oauth = scimSettings(BASE, { auth: oauthAuth('https://staging.example.test/oauth/token', secret) });
    const provider = new ScimProvider(providerOptionsFor(oauth, resolveProfile({ name: 'oauth', description: 'oauth world' }), 3));
    const clock = new VirtualClock();
    const sent: string[] = [];
    const inner = createInProcessTransport(provider, clock);
    const transport: Transport = async (request) => {
      const response = await inner(request);
      sent.push(`${request.method} ${new URL(request.url).pathname} ${response.body}`);
      return response;
    };
    const captured = surveyed(await captureWorld({ settings: oauth, transport, clock, samples: 15, at: '2026-11-30T12:00:00.000Z' }));
    expect(captured.profile.capturedFrom?.samples.token).toBe(1);
    expect(sent.filter((line) => line.startsWith('POST '))).toHaveLength(1);
    const token = /"access_token":"([^"]+)"/.exec(sent[0] ?? '')?.[1];
    expect(token).toBeDefined();
    const text = JSON.stringify(captured.profile);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token ?? 'no token');
    expect(captured.profile.limits?.maxResults).toBe(1000);
  });

  it('stops at once when the target refuses the credentials, naming what it answered', async () => {
    const { transport, clock } = await world({ name: 'plain', description: 'RFC complete' }, 3);
    const wrong = scimSettings(BASE, { auth: { mode: 'bearer', token: 'not-the-token' } });
    let sent = 0;
    const counting: Transport = (request) => {
      sent++;
      return transport(request);
    };
    const captured = await captureWorld({ settings: wrong, transport: counting, clock, samples: 40, at: '2026-11-30T12:00:00.000Z' });
    expect(captured).toEqual({ ok: false, failure: `GET ${BASE}/ServiceProviderConfig answered 401` });
    expect(sent).toBe(1);
  });
});
