import { afterEach, describe, expect, it } from 'vitest';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { SCHEMA } from '../../src/scim/types.js';
import { ADAPTERS, BASE_PATH, type Adapter } from '../helpers/adapters.js';

/**
 * One conformance suite, three adapters: the examples of RFC 7644 sections 3.3 to 3.7 and 3.12
 * and discovery. Profile switches have their own suite (profile-switches.test.ts).
 */
const U = `${BASE_PATH}/Users`;
const G = `${BASE_PATH}/Groups`;

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [SCHEMA.user],
  userName,
  externalId: `ext-${userName}`,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [{ value: `${userName}@example.com`, type: 'work', primary: true }],
  active: true,
  ...extra,
});

const patch = (...Operations: unknown[]) => ({ schemas: [SCHEMA.patchOp], Operations });

describe.each(ADAPTERS.map((make) => [make().name, make] as const))('SCIM conformance over %s', (_name, make) => {
  let adapter: Adapter;
  const start = async (profile?: ServerProfile) => {
    adapter = make();
    return adapter.start(profile);
  };
  afterEach(async () => adapter.stop());

  async function create(userName: string, extra: Record<string, unknown> = {}) {
    const answer = await adapter.send('POST', U, { body: user(userName, extra) });
    expect(answer.status).toBe(201);
    return answer.json as { id: string; meta: { location: string; version: string } };
  }

  it('creates a user: 201, Location and ETag matching meta (3.3)', async () => {
    await start();
    const answer = await adapter.send('POST', U, { body: user('bjensen') });
    expect(answer.status).toBe(201);
    expect(answer.headers['content-type']).toMatch(/^application\/scim\+json/);
    const body = answer.json as { id: string; userName: string; meta: Record<string, string> };
    expect(body.userName).toBe('bjensen');
    expect(answer.headers.location).toBe(body.meta.location);
    expect(body.meta.location).toMatch(new RegExp(`${BASE_PATH}/Users/${body.id}$`));
    expect(answer.headers.etag).toBe(body.meta.version);
    expect(body.meta.resourceType).toBe('User');
    expect(body.meta.created).toBe(body.meta.lastModified);
  });

  it('rejects a userName differing only in case with 409 uniqueness (3.3, RFC 7643 caseExact false)', async () => {
    await start();
    await create('bjensen');
    const answer = await adapter.send('POST', U, { body: user('BJensen') });
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ schemas: [SCHEMA.error], status: '409', scimType: 'uniqueness' });
  });

  it('reads a user by id and answers 404 in the error schema for an unknown id (3.4.1, 3.12)', async () => {
    await start();
    const created = await create('bjensen');
    const found = await adapter.send('GET', `${U}/${created.id}`);
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ id: created.id, userName: 'bjensen' });
    const missing = await adapter.send('GET', `${U}/no-such-id`);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ schemas: [SCHEMA.error], status: '404' });
  });

  it('filters userName case-insensitively and by value path (3.4.2.2)', async () => {
    await start();
    await create('bjensen');
    await create('jsmith');
    const byName = await adapter.send('GET', `${U}?filter=${encodeURIComponent('userName eq "BJENSEN"')}`);
    expect(byName.json).toMatchObject({ schemas: [SCHEMA.listResponse], totalResults: 1 });
    const byEmail = await adapter.send('GET', `${U}?filter=${encodeURIComponent('emails[type eq "work"].value eq "jsmith@example.com"')}`);
    expect((byEmail.json.Resources as Array<{ userName: string }>).map((r) => r.userName)).toEqual(['jsmith']);
  });

  it('pages with 1-based startIndex and count, stable order, an empty page past the end (3.4.2.4)', async () => {
    await start();
    for (let i = 0; i < 7; i++) await create(`user${i}`);
    const names = async (startIndex: number, count: number) => {
      const answer = await adapter.send('GET', `${U}?startIndex=${startIndex}&count=${count}`);
      expect(answer.json.totalResults).toBe(7);
      expect(answer.json.startIndex).toBe(startIndex);
      return (answer.json.Resources as Array<{ userName: string }>).map((r) => r.userName);
    };
    expect(await names(1, 3)).toEqual(['user0', 'user1', 'user2']);
    expect(await names(4, 3)).toEqual(['user3', 'user4', 'user5']);
    expect(await names(7, 3)).toEqual(['user6']);
    expect(await names(10, 3)).toEqual([]);
    const zero = await adapter.send('GET', `${U}?count=0`);
    expect(zero.json).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
  });

  it('sorts by an attribute, ascending or descending (3.4.2.3)', async () => {
    await start();
    for (const n of ['carol', 'alice', 'bob']) await create(n);
    const sorted = async (order: string) =>
      ((await adapter.send('GET', `${U}?sortBy=userName&sortOrder=${order}`)).json.Resources as Array<{ userName: string }>).map((r) => r.userName);
    expect(await sorted('ascending')).toEqual(['alice', 'bob', 'carol']);
    expect(await sorted('descending')).toEqual(['carol', 'bob', 'alice']);
  });

  it('answers an invalid filter with 400 invalidFilter (3.4.2.2)', async () => {
    await start();
    const answer = await adapter.send('GET', `${U}?filter=${encodeURIComponent('userName eq')}`);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ scimType: 'invalidFilter' });
  });

  it('returns only requested attributes, or all but excluded ones (3.4.2.5)', async () => {
    await start();
    const created = await create('bjensen');
    const only = await adapter.send('GET', `${U}/${created.id}?attributes=userName,name.givenName`);
    expect(only.json).toEqual({ schemas: [SCHEMA.user], id: created.id, userName: 'bjensen', name: { givenName: 'Barbara' } });
    const without = await adapter.send('GET', `${U}/${created.id}?excludedAttributes=emails,name`);
    expect(without.json).not.toHaveProperty('emails');
    expect(without.json).not.toHaveProperty('name');
    expect(without.json).toHaveProperty('userName', 'bjensen');
  });

  it('searches with POST /.search (3.4.3)', async () => {
    await start();
    await create('bjensen');
    await create('jsmith');
    const answer = await adapter.send('POST', `${U}/.search`, {
      body: { schemas: [SCHEMA.searchRequest], filter: 'userName sw "j"', startIndex: 1, count: 10, attributes: ['userName'] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ totalResults: 1, Resources: [{ userName: 'jsmith' }] });
  });

  it('replaces a user with PUT, keeping id and created (3.5.1)', async () => {
    await start();
    const created = await create('bjensen');
    const answer = await adapter.send('PUT', `${U}/${created.id}`, { body: user('bjensen', { title: 'Tour Guide', active: false }) });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ id: created.id, title: 'Tour Guide', active: false });
    expect((answer.json.meta as { version: string }).version).not.toBe(created.meta.version);
  });

  it('patches add, replace and remove, with and without path (3.5.2)', async () => {
    await start();
    const created = await create('bjensen');
    const answer = await adapter.send('PATCH', `${U}/${created.id}`, {
      body: patch(
        { op: 'add', path: 'emails', value: [{ value: 'home@example.com', type: 'home' }] },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'work2@example.com' },
        { op: 'replace', value: { title: 'Manager', active: false } },
        { op: 'remove', path: 'name.familyName' },
      ),
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      title: 'Manager',
      active: false,
      name: { givenName: 'Barbara' },
      emails: [
        { value: 'work2@example.com', type: 'work', primary: true },
        { value: 'home@example.com', type: 'home' },
      ],
    });
    expect(answer.json).not.toHaveProperty('name.familyName');
  });

  it('accepts a PATCH of unchanged values (3.5.2)', async () => {
    await start();
    const created = await create('bjensen');
    const answer = await adapter.send('PATCH', `${U}/${created.id}`, { body: patch({ op: 'replace', path: 'active', value: true }) });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ active: true });
  });

  it('answers a replace whose filter matches nothing with 400 noTarget (3.5.2.3)', async () => {
    await start();
    const created = await create('bjensen');
    const answer = await adapter.send('PATCH', `${U}/${created.id}`, { body: patch({ op: 'replace', path: 'emails[type eq "fax"].value', value: 'x' }) });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ scimType: 'noTarget' });
  });

  it('answers If-Match with a stale version with 412 (3.14)', async () => {
    await start();
    const created = await create('bjensen');
    const first = await adapter.send('PATCH', `${U}/${created.id}`, { body: patch({ op: 'replace', path: 'title', value: 'A' }), headers: { 'if-match': created.meta.version } });
    expect(first.status).toBe(200);
    const stale = await adapter.send('PATCH', `${U}/${created.id}`, { body: patch({ op: 'replace', path: 'title', value: 'B' }), headers: { 'if-match': created.meta.version } });
    expect(stale.status).toBe(412);
  });

  it("shows a group's current displayName in its members' groups, after member changes and a rename", async () => {
    await start();
    const ann = await create('ann');
    const bob = await create('bob');
    const group = (await adapter.send('POST', G, { body: { schemas: [SCHEMA.group], displayName: 'Tour Guides', members: [{ value: ann.id }] } })).json as { id: string };
    const displays = async (id: string) => ((await adapter.send('GET', `${U}/${id}`)).json.groups as Array<{ display: string }>).map((g) => g.display);
    expect(await displays(ann.id)).toEqual(['Tour Guides']);
    expect((await adapter.send('PATCH', `${G}/${group.id}`, { body: patch({ op: 'add', path: 'members', value: [{ value: bob.id }] }) })).status).toBeLessThan(300);
    expect(await displays(bob.id)).toEqual(['Tour Guides']);
    expect((await adapter.send('PATCH', `${G}/${group.id}`, { body: patch({ op: 'replace', path: 'displayName', value: 'Guides' }) })).status).toBeLessThan(300);
    expect(await displays(ann.id)).toEqual(['Guides']);
    expect(await displays(bob.id)).toEqual(['Guides']);
  });

  it('deletes a user: 204, then 404, and it leaves its groups (3.6)', async () => {
    await start();
    const created = await create('bjensen');
    const group = await adapter.send('POST', G, { body: { schemas: [SCHEMA.group], displayName: 'Tour Guides', members: [{ value: created.id }] } });
    expect(group.status).toBe(201);
    const fetched = await adapter.send('GET', `${U}/${created.id}`);
    expect(fetched.json.groups).toEqual([expect.objectContaining({ value: (group.json as { id: string }).id, display: 'Tour Guides' })]);
    expect((await adapter.send('DELETE', `${U}/${created.id}`)).status).toBe(204);
    expect((await adapter.send('GET', `${U}/${created.id}`)).status).toBe(404);
    const after = await adapter.send('GET', `${G}/${(group.json as { id: string }).id}`);
    expect(after.json.members).toEqual([]);
  });

  it('manages group members with PATCH, removing only the listed member (3.5.2.2)', async () => {
    await start();
    const a = await create('alice');
    const b = await create('bob');
    const group = (await adapter.send('POST', G, { body: { schemas: [SCHEMA.group], displayName: 'Staff', members: [{ value: a.id }, { value: b.id }] } })).json as { id: string };
    const answer = await adapter.send('PATCH', `${G}/${group.id}`, { body: patch({ op: 'remove', path: 'members', value: [{ value: a.id }] }) });
    expect(answer.status).toBe(200);
    expect((answer.json.members as Array<{ value: string }>).map((m) => m.value)).toEqual([b.id]);
  });

  it('adds and removes members one at a time, keeps users\' groups in step, and honours excludedAttributes on PATCH (3.5.2)', async () => {
    await start();
    const a = await create('alice');
    const b = await create('bob');
    const group = (await adapter.send('POST', G, { body: { schemas: [SCHEMA.group], displayName: 'Staff', members: [] } })).json as { id: string; meta: { version: string } };
    const added = await adapter.send('PATCH', `${G}/${group.id}?excludedAttributes=members`, { body: patch({ op: 'add', path: 'members', value: [{ value: a.id }] }, { op: 'Add', path: 'members', value: [{ value: b.id, display: 'bob' }] }) });
    expect(added.status).toBe(200);
    expect(added.json.members).toBeUndefined();
    expect((added.json.meta as { version: string }).version).not.toBe(group.meta.version);
    const userA = (await adapter.send('GET', `${U}/${a.id}`)).json as { groups?: Array<{ value: string }> };
    expect(userA.groups?.map((g) => g.value)).toEqual([group.id]);
    // Adding a member that is already there does not duplicate it (the general engine decides).
    await adapter.send('PATCH', `${G}/${group.id}`, { body: patch({ op: 'add', path: 'members', value: [{ value: a.id }] }) });
    const removed = await adapter.send('PATCH', `${G}/${group.id}`, { body: patch({ op: 'remove', path: `members[value eq "${a.id}"]` }) });
    expect((removed.json.members as Array<{ value: string }>).map((m) => m.value)).toEqual([b.id]);
    const userAfter = (await adapter.send('GET', `${U}/${a.id}`)).json as { groups?: unknown };
    expect(userAfter.groups).toBeUndefined();
    const listed = await adapter.send('GET', `${U}?filter=${encodeURIComponent(`groups.value eq "${group.id}"`)}`);
    expect((listed.json.Resources as Array<{ id: string }>).map((r) => r.id)).toEqual([b.id]);
  });

  it('answers 400 invalidValue for a member that does not exist, and changes nothing (3.5.2)', async () => {
    await start();
    const a = await create('alice');
    const group = (await adapter.send('POST', G, { body: { schemas: [SCHEMA.group], displayName: 'Staff', members: [{ value: a.id }] } })).json as { id: string };
    const answer = await adapter.send('PATCH', `${G}/${group.id}`, { body: patch({ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }) });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ scimType: 'invalidValue' });
    const after = await adapter.send('GET', `${G}/${group.id}`);
    expect((after.json.members as Array<{ value: string }>).map((m) => m.value)).toEqual([a.id]);
  });

  it('runs /Bulk with bulkId references (3.7)', async () => {
    await start();
    const answer = await adapter.send('POST', `${BASE_PATH}/Bulk`, {
      body: {
        schemas: [SCHEMA.bulkRequest],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'qwerty', data: user('alice') },
          { method: 'POST', path: '/Groups', bulkId: 'ytrewq', data: { schemas: [SCHEMA.group], displayName: 'Tour Guides', members: [{ type: 'User', value: 'bulkId:qwerty' }] } },
        ],
      },
    });
    expect(answer.status).toBe(200);
    const ops = answer.json.Operations as Array<{ status: string; location: string; bulkId: string }>;
    expect(ops.map((o) => [o.bulkId, o.status])).toEqual([
      ['qwerty', '201'],
      ['ytrewq', '201'],
    ]);
    const groupId = ops[1]?.location.split('/').pop() ?? '';
    const group = await adapter.send('GET', `${G}/${groupId}`);
    const userId = ops[0]?.location.split('/').pop();
    expect(group.json.members).toEqual([expect.objectContaining({ value: userId })]);
  });

  it('answers missing or wrong credentials with 401 and WWW-Authenticate (3.12, RFC 6750)', async () => {
    await start();
    const anonymous = await adapter.send('GET', U, { anonymous: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /);
    const wrong = await adapter.send('GET', U, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ schemas: [SCHEMA.error], status: '401' });
  });

  it('answers malformed requests with SCIM errors, never a crash (3.12)', async () => {
    await start();
    const badJson = await adapter.send('POST', U, { raw: '{"userName": ' });
    expect([badJson.status, badJson.json.scimType]).toEqual([400, 'invalidSyntax']);
    const wrongType = await adapter.send('POST', U, { raw: 'userName=x', headers: { 'content-type': 'text/plain' } });
    expect(wrongType.status).toBe(415);
    const huge = await adapter.send('POST', U, { raw: JSON.stringify(user('x', { title: 'x'.repeat(1_100_000) })) });
    expect(huge.status).toBe(413);
    const noSchemas = await adapter.send('POST', U, { body: { userName: 'x' } });
    expect([noSchemas.status, noSchemas.json.scimType]).toEqual([400, 'invalidSyntax']);
    const outside = await adapter.send('GET', '/elsewhere/Users');
    expect(outside.status).toBe(404);
    const method = await adapter.send('DELETE', `${BASE_PATH}/ServiceProviderConfig`);
    expect(method.status).toBe(405);
    expect((await adapter.send('GET', U)).status).toBe(200);
  });

  it('tells the truth in discovery, with credentials required (4)', async () => {
    await start();
    expect((await adapter.send('GET', `${BASE_PATH}/ServiceProviderConfig`, { anonymous: true })).status).toBe(401);
    const spc = await adapter.send('GET', `${BASE_PATH}/ServiceProviderConfig`);
    expect(spc.json).toMatchObject({ schemas: [SCHEMA.serviceProviderConfig], patch: { supported: true }, bulk: { supported: true }, filter: { supported: true, maxResults: 1000 }, etag: { supported: true } });
    const types = await adapter.send('GET', `${BASE_PATH}/ResourceTypes`);
    expect((types.json.Resources as Array<{ name: string }>).map((t) => t.name)).toEqual(['User', 'Group']);
    const schema = await adapter.send('GET', `${BASE_PATH}/Schemas/${SCHEMA.user}`);
    const userName = (schema.json.attributes as Array<{ name: string; caseExact: boolean; uniqueness: string }>).find((a) => a.name === 'userName');
    expect(userName).toMatchObject({ caseExact: false, uniqueness: 'server' });
  });
});
