import http from 'node:http';
import { readdir } from 'node:fs/promises';
import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { createInProcessTransport } from '../../src/mock/adapters/in-process.js';
import { createScimHandlers } from '../../src/mock/adapters/msw.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { SCHEMA } from '../../src/scim/types.js';

const names = (await readdir('fixtures/servers')).filter((f) => f.endsWith('.json')).sort();

describe('shipped server profiles', () => {
  it('ship the default, a staging world and at least three modelled on real servers', () => {
    expect(names).toEqual(expect.arrayContaining(['default.json', 'staging.json']));
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  it.each(names)('%s serves a joiner and tells the truth about itself', async (name) => {
    const profile = resolveProfile(await loadProfile(`fixtures/servers/${name}`, process.cwd()));
    const clock = new VirtualClock();
    const provider = new ScimProvider({ profile, basePath: '/scim/v2', bearerTokens: ['t'], seed: 1 });
    const send = createInProcessTransport(provider, clock);
    const headers = { authorization: 'Bearer t', 'content-type': 'application/scim+json' };
    const created = await send({
      method: 'POST',
      url: 'http://x.test/scim/v2/Users',
      headers,
      body: JSON.stringify({ schemas: [SCHEMA.user], userName: 'joiner@example.com', name: { givenName: 'J', familyName: 'O' }, emails: [{ value: 'joiner@example.com', type: 'work', primary: true }] }),
    });
    expect(created.status).toBe(201);
    const spc = JSON.parse((await send({ method: 'GET', url: 'http://x.test/scim/v2/ServiceProviderConfig', headers })).body) as Record<string, { supported: boolean; maxResults?: number }>;
    expect(spc.patch?.supported).toBe(profile.capabilities.patch);
    expect(spc.filter?.maxResults).toBe(profile.limits.maxResults);
  });
});

describe('msw handlers', () => {
  // msw patches the http module's functions, so call them through the module, not a destructured import.
  it('intercept node:http requests as well as fetch', async () => {
    const provider = new ScimProvider({ profile: resolveProfile({ name: 'd', description: 'd' }), basePath: '/scim/v2', bearerTokens: ['t'], seed: 1 });
    const server = setupServer(...createScimHandlers(provider, 'http://connector.test'));
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request('http://connector.test/scim/v2/Users?count=1', { headers: { authorization: 'Bearer t' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      server.close();
    }
  });
});
