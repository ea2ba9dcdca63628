import { describe, expect, it } from 'vitest';
import { createInProcessTransport } from '../../src/mock/adapters/in-process.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { SCHEMA } from '../../src/scim/types.js';

const ORIGIN = 'http://scim.test';
const ROOT = `${ORIGIN}/scim/v2`;

function world(profile: Partial<ServerProfile>, seed = 3) {
  const clock = new VirtualClock();
  const provider = new ScimProvider({
    profile: resolveProfile({ name: 'w', description: 'test world', ...profile }),
    basePath: '/scim/v2',
    bearerTokens: ['t0'],
    oauthClients: [{ clientId: 'app', clientSecret: 's3cret', scopes: ['scim'] }],
    tokenPath: '/oauth2/token',
    seed,
  });
  const send = createInProcessTransport(provider, clock);
  const get = (path: string, token = 't0', signal?: AbortSignal) =>
    send({ method: 'GET', url: `${ROOT}${path}`, headers: { authorization: `Bearer ${token}` }, signal });
  const create = (userName: string) =>
    send({ method: 'POST', url: `${ROOT}/Users`, headers: { authorization: 'Bearer t0', 'content-type': 'application/scim+json' }, body: JSON.stringify({ schemas: [SCHEMA.user], userName }) });
  return { clock, provider, send, get, create };
}

describe('the in-process transport on a virtual clock', () => {
  it('costs simulated latency in virtual time, not wall time', async () => {
    const w = world({ limits: { latency: { default: { p50: 400, p99: 4000 } } } });
    const wallStart = performance.now();
    for (let i = 0; i < 20; i++) await w.get('/Users');
    expect(w.clock.now()).toBeGreaterThan(20 * 50);
    expect(performance.now() - wallStart).toBeLessThan(w.clock.now());
  });

  it('lets a timeout win over a slower answer, as a real socket would', async () => {
    const w = world({ limits: { latency: { discovery: { p50: 5000, p99: 5001 } } } });
    const controller = new AbortController();
    const pending = w.get('/ServiceProviderConfig', 't0', controller.signal);
    void w.clock.sleep(1000).then(() => controller.abort(new Error('timed out')));
    await expect(pending).rejects.toThrow('timed out');
    expect(w.clock.now()).toBe(1000);
  });

  it('answers timeoutMs with a timeout at that instant when the answer would come later', async () => {
    const w = world({ limits: { latency: { discovery: { p50: 5000, p99: 5001 } } } });
    const ask = (timeoutMs: number) => w.send({ method: 'GET', url: `${ROOT}/ServiceProviderConfig`, headers: { authorization: 'Bearer t0' }, timeoutMs });
    await expect(ask(1000)).rejects.toMatchObject({ name: 'TransportError', code: 'timeout' });
    expect(w.clock.now()).toBe(1000);
    const started = w.clock.now();
    const answer = await ask(60_000);
    expect(answer.status).toBe(200);
    expect(w.clock.now() - started).toBeGreaterThanOrEqual(4000);
  });

  it('reads every spelling of a URL as the WHATWG parser does: host case, default port, dot segments, spaces in the query', async () => {
    const w = world({});
    const created = JSON.parse((await w.create('ada@example.com')).body) as { id: string; meta: { location: string } };
    expect(created.meta.location).toBe(`${ROOT}/Users/${created.id}`);
    const spellings = [
      `${ROOT}/Users/${created.id}`,
      `http://SCIM.test/scim/v2/Users/${created.id}`,
      `http://scim.test:80/scim/v2/Users/${created.id}`,
      `http://scim.test/scim/x/../v2/./Users/${created.id}`,
    ];
    for (const url of spellings) {
      const answer = await w.send({ method: 'GET', url, headers: { authorization: 'Bearer t0' } });
      expect(answer.status, url).toBe(200);
      expect((JSON.parse(answer.body) as { meta: { location: string } }).meta.location, url).toBe(created.meta.location);
    }
    const filtered = await w.send({ method: 'GET', url: `http://scim.test/scim/v2/Users?filter=userName eq "ADA@example.com"&count=1`, headers: { authorization: 'Bearer t0' } });
    expect((JSON.parse(filtered.body) as { totalResults: number }).totalResults).toBe(1);
    const trailing = await w.send({ method: 'GET', url: `${ROOT}/Users?count=1\u0001`, headers: { authorization: 'Bearer t0' } });
    expect((JSON.parse(trailing.body) as { itemsPerPage: number }).itemsPerPage).toBe(1);
    const elsewhere = await w.send({ method: 'GET', url: `http://scim.test/scim/v3/Users/${created.id}`, headers: { authorization: 'Bearer t0' } });
    expect(elsewhere.status).toBe(404);
  });

  it('gives the same ids and latencies for the same seed, and others for another seed', async () => {
    const run = async (seed: number) => {
      const w = world({ limits: { latency: { default: { p50: 50, p99: 900 } } } }, seed);
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c']) ids.push((JSON.parse((await w.create(name)).body) as { id: string }).id);
      return { ids, elapsed: w.clock.now() };
    };
    expect(await run(11)).toEqual(await run(11));
    expect((await run(12)).ids).not.toEqual((await run(11)).ids);
  });

  it('refills the rate limit bucket with virtual time', async () => {
    const w = world({ limits: { rateLimit: { requestsPerSecond: 2, burst: 1 } } });
    expect((await w.get('/Users')).status).toBe(200);
    const limited = await w.get('/Users');
    expect(limited.status).toBe(429);
    await w.clock.sleep(Number(limited.headers['retry-after']) * 1000);
    expect((await w.get('/Users')).status).toBe(200);
  });

  it('honours bearer token validity windows for a rotation', async () => {
    const w = world({ credentials: { acceptEnvCredentials: false, bearerTokens: [{ token: 'old', validUntilMs: 60_000 }, { token: 'new', validFromMs: 30_000 }] } });
    expect((await w.get('/Users', 'old')).status).toBe(200);
    expect((await w.get('/Users', 'new')).status).toBe(401);
    await w.clock.sleep(45_000);
    expect([(await w.get('/Users', 'old')).status, (await w.get('/Users', 'new')).status]).toEqual([200, 200]);
    await w.clock.sleep(30_000);
    expect([(await w.get('/Users', 'old')).status, (await w.get('/Users', 'new')).status]).toEqual([401, 200]);
  });

  it('issues client-credentials tokens that expire, and maps bad clients and scopes to RFC 6749 errors', async () => {
    const w = world({ credentials: { accessTokenTtlSeconds: 60 } });
    const token = async (form: string, basic = Buffer.from('app:s3cret').toString('base64')) =>
      w.send({ method: 'POST', url: `http://login.test/oauth2/token`, headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const ok = await token('grant_type=client_credentials&scope=scim');
    expect(ok.status).toBe(200);
    const issued = JSON.parse(ok.body) as { access_token: string; expires_in: number; token_type: string };
    expect([issued.token_type, issued.expires_in]).toEqual(['Bearer', 60]);
    expect((await w.get('/Users', issued.access_token)).status).toBe(200);
    await w.clock.sleep(61_000);
    expect((await w.get('/Users', issued.access_token)).status).toBe(401);
    expect(JSON.parse((await token('grant_type=client_credentials', Buffer.from('app:wrong').toString('base64'))).body)).toMatchObject({ error: 'invalid_client' });
    expect(JSON.parse((await token('grant_type=client_credentials&scope=admin')).body)).toMatchObject({ error: 'invalid_scope' });
    expect(JSON.parse((await token('grant_type=password')).body)).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('finds one of 100,000 users by userName, case-insensitively', async () => {
    const w = world({});
    for (let i = 0; i < 100_000; i++) w.provider.store.insert('User', w.provider.store.nextId(), { schemas: [SCHEMA.user], userName: `user${i}@example.com` }, 0);
    const answer = await w.get(`/Users?filter=${encodeURIComponent('userName eq "USER99999@example.com"')}`);
    expect(JSON.parse(answer.body)).toMatchObject({ totalResults: 1, Resources: [{ userName: 'user99999@example.com' }] });
  });
});

describe('VirtualClock', () => {
  it('wakes sleepers in time order, then in the order they slept', async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    await Promise.all([
      clock.sleep(30).then(() => order.push(`c@${clock.now()}`)),
      clock.sleep(10).then(() => order.push(`a@${clock.now()}`)),
      clock.sleep(10).then(() => order.push(`b@${clock.now()}`)),
    ]);
    expect(order).toEqual(['a@10', 'b@10', 'c@30']);
  });
});
