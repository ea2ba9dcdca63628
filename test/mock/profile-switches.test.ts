import { afterEach, describe, expect, it } from 'vitest';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { SCHEMA } from '../../src/scim/types.js';
import { ADAPTERS, BASE_PATH, TOKEN, type Adapter } from '../helpers/adapters.js';

/** Every profile switch, on every adapter: the quirks, limits, capabilities and faults of real servers. */
const U = `${BASE_PATH}/Users`;
const G = `${BASE_PATH}/Groups`;
const user = (userName: string) => ({ schemas: [SCHEMA.user], userName, name: { givenName: 'A', familyName: 'B' }, active: true });
const patch = (...Operations: unknown[]) => ({ schemas: [SCHEMA.patchOp], Operations });
const world = (extra: Partial<ServerProfile>): ServerProfile => ({ name: 'switch', description: 'one switch on', ...extra });

describe.each(ADAPTERS.map((make) => [make().name, make] as const))('profile switches over %s', (_name, make) => {
  let adapter: Adapter;
  const start = async (profile: ServerProfile, options: Parameters<Adapter['start']>[1] = {}) => {
    adapter = make();
    return adapter.start(profile, options);
  };
  afterEach(async () => adapter.stop());
  const create = async (userName: string) => (await adapter.send('POST', U, { body: user(userName) })).json as { id: string };

  it('patchNoContent answers PATCH with 204 and no body', async () => {
    await start(world({ quirks: { patchNoContent: true } }));
    const { id } = await create('a');
    const answer = await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'replace', path: 'title', value: 'T' }) });
    expect([answer.status, answer.text]).toEqual([204, '']);
  });

  it('patchNoContentWhenUnchanged answers 200 with the resource to a change, 204 with no body to a PATCH that changes nothing', async () => {
    await start(world({ quirks: { patchNoContentWhenUnchanged: true } }));
    const { id } = await create('a');
    const title = patch({ op: 'replace', path: 'title', value: 'T' });
    const changed = await adapter.send('PATCH', `${U}/${id}`, { body: title });
    expect([changed.status, changed.json.title]).toEqual([200, 'T']);
    const again = await adapter.send('PATCH', `${U}/${id}`, { body: title });
    expect([again.status, again.text]).toEqual([204, '']);
    // A member add always changes the group (the fast path), so it is answered 200.
    const group = (await adapter.send('POST', G, { body: { schemas: [SCHEMA.group], displayName: 'g' } })).json as { id: string };
    const add = patch({ op: 'add', path: 'members', value: [{ value: id }] });
    expect((await adapter.send('PATCH', `${G}/${group.id}`, { body: add })).status).toBe(200);
    const rename = patch({ op: 'replace', path: 'displayName', value: 'g' });
    expect((await adapter.send('PATCH', `${G}/${group.id}`, { body: rename })).status).toBe(204);
    expect((await adapter.send('GET', `${G}/${group.id}`)).json.members).toEqual([expect.objectContaining({ value: id })]);
  });

  it('excludedMembersPatchReplacesMembers: a member add with excludedAttributes=members leaves only the added members', async () => {
    const members = async (groupId: string) => ((await adapter.send('GET', `${G}/${groupId}`)).json.members as Array<{ value: string }> | undefined)?.map((m) => m.value).sort();
    const scenario = async () => {
      const [a, b, c] = [await create('a'), await create('b'), await create('c')];
      const group = (await adapter.send('POST', G, { body: { schemas: [SCHEMA.group], displayName: 'g', members: [{ value: a.id }, { value: b.id }] } })).json as { id: string };
      const add = patch({ op: 'add', path: 'members', value: [{ value: c.id }] });
      const answer = await adapter.send('PATCH', `${G}/${group.id}?excludedAttributes=members`, { body: add });
      return { answer, ids: { a: a.id, b: b.id, c: c.id }, group: group.id };
    };
    await start(world({ quirks: { excludedMembersPatchReplacesMembers: true } }));
    const quirky = await scenario();
    expect(quirky.answer.status).toBe(200);
    expect(await members(quirky.group)).toEqual([quirky.ids.c]);
    // Without excludedAttributes=members the same add keeps the others.
    const d = await create('d');
    await adapter.send('PATCH', `${G}/${quirky.group}`, { body: patch({ op: 'add', path: 'members', value: [{ value: d.id }] }) });
    expect(await members(quirky.group)).toEqual([quirky.ids.c, d.id].sort());
    // A rename with excludedAttributes=members does not touch members.
    await adapter.send('PATCH', `${G}/${quirky.group}?excludedAttributes=members`, { body: patch({ op: 'replace', path: 'displayName', value: 'h' }) });
    expect(await members(quirky.group)).toEqual([quirky.ids.c, d.id].sort());
    await adapter.stop();
    await start(world({}));
    const rfc = await scenario();
    expect(await members(rfc.group)).toEqual([rfc.ids.a, rfc.ids.b, rfc.ids.c].sort());
  });

  it('notFoundForEmptyFilter answers 404 for a filter that matches nobody', async () => {
    await start(world({ quirks: { notFoundForEmptyFilter: true } }));
    const answer = await adapter.send('GET', `${U}?filter=${encodeURIComponent('userName eq "nobody"')}`);
    expect(answer.status).toBe(404);
  });

  it('caseSensitiveUserName misses a case-only different userName and lets it be created twice', async () => {
    await start(world({ quirks: { caseSensitiveUserName: true } }));
    await create('Alice');
    const found = await adapter.send('GET', `${U}?filter=${encodeURIComponent('userName eq "alice"')}`);
    expect(found.json.totalResults).toBe(0);
    expect((await adapter.send('POST', U, { body: user('alice') })).status).toBe(201);
  });

  it('managerMustBeComplex refuses a bare-id manager in POST, PUT and PATCH, and takes {"value": id}', async () => {
    const ext = SCHEMA.enterpriseUser;
    await start(world({ quirks: { managerMustBeComplex: true } }));
    const boss = await create('boss');
    const { id } = await create('a');
    const bare = await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'Add', path: `${ext}:manager`, value: boss.id }) });
    expect([bare.status, bare.json.scimType]).toEqual([400, 'invalidValue']);
    const posted = await adapter.send('POST', U, { body: { ...user('b'), schemas: [SCHEMA.user, ext], [ext]: { manager: boss.id } } });
    expect(posted.status).toBe(400);
    const put = await adapter.send('PUT', `${U}/${id}`, { body: { ...user('a'), schemas: [SCHEMA.user, ext], [ext]: { manager: boss.id } } });
    expect(put.status).toBe(400);
    const complex = await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'add', path: `${ext}:manager`, value: { value: boss.id } }) });
    expect(complex.status).toBe(200);
    expect(complex.json[ext]).toMatchObject({ manager: { value: boss.id } });
    await adapter.stop();
    await start(world({}));
    const rfcBoss = await create('boss');
    const other = await create('c');
    const coerced = await adapter.send('PATCH', `${U}/${other.id}`, { body: patch({ op: 'Add', path: `${ext}:manager`, value: rfcBoss.id }) });
    expect(coerced.json[ext]).toMatchObject({ manager: { value: rfcBoss.id } });
  });

  it('caseSensitiveUserNameFilter misses a userName in another case, yet refuses to create it again (409 uniqueness)', async () => {
    await start(world({ quirks: { caseSensitiveUserNameFilter: true } }));
    await create('Alice');
    const missed = await adapter.send('GET', `${U}?filter=${encodeURIComponent('userName eq "alice"')}`);
    expect(missed.json.totalResults).toBe(0);
    const exact = await adapter.send('GET', `${U}?filter=${encodeURIComponent('userName eq "Alice"')}`);
    expect(exact.json.totalResults).toBe(1);
    const again = await adapter.send('POST', U, { body: user('alice') });
    expect([again.status, again.json.scimType]).toEqual([409, 'uniqueness']);
  });

  it('rejectStringBooleans refuses "False" where the RFC world coerces it', async () => {
    await start(world({ quirks: { rejectStringBooleans: true } }));
    const { id } = await create('a');
    const answer = await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'replace', path: 'active', value: 'False' }) });
    expect([answer.status, answer.json.scimType]).toEqual([400, 'invalidValue']);
    await adapter.stop();
    await start(world({}));
    const other = await create('b');
    const coerced = await adapter.send('PATCH', `${U}/${other.id}`, { body: patch({ op: 'replace', path: 'active', value: 'False' }) });
    expect(coerced.json.active).toBe(false);
  });

  it('rejectCapitalizedPatchOps refuses Entra-style "Replace"', async () => {
    await start(world({ quirks: { rejectCapitalizedPatchOps: true } }));
    const { id } = await create('a');
    const answer = await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'Replace', path: 'title', value: 'T' }) });
    expect([answer.status, answer.json.scimType]).toEqual([400, 'invalidSyntax']);
  });

  it('rejectPathlessPatch refuses Okta-style deactivation without a path', async () => {
    await start(world({ quirks: { rejectPathlessPatch: true } }));
    const { id } = await create('a');
    const answer = await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'replace', value: { active: false } }) });
    expect([answer.status, answer.json.scimType]).toEqual([400, 'noTarget']);
  });

  it('ignoreDeactivation answers 200 to active:false and keeps the account active', async () => {
    await start(world({ quirks: { ignoreDeactivation: true } }));
    const { id } = await create('a');
    const answer = await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'replace', path: 'active', value: false }) });
    expect(answer.status).toBe(200);
    expect((await adapter.send('GET', `${U}/${id}`)).json.active).toBe(true);
  });

  it('ignoreCount returns every match; itemsPerPageEchoesCount echoes the request', async () => {
    await start(world({ quirks: { ignoreCount: true, itemsPerPageEchoesCount: true } }));
    for (const n of ['a', 'b', 'c']) await create(n);
    const answer = await adapter.send('GET', `${U}?count=1`);
    expect((answer.json.Resources as unknown[]).length).toBe(3);
    expect(answer.json.itemsPerPage).toBe(1);
  });

  it('maxResults caps a page, or answers 400 tooMany', async () => {
    await start(world({ limits: { maxResults: 2 } }));
    for (const n of ['a', 'b', 'c']) await create(n);
    const capped = await adapter.send('GET', `${U}?count=50`);
    expect([capped.json.itemsPerPage, capped.json.totalResults]).toEqual([2, 3]);
    await adapter.stop();
    await start(world({ limits: { maxResults: 2, overMaxResults: 'tooMany' } }));
    const refused = await adapter.send('GET', `${U}?count=50`);
    expect([refused.status, refused.json.scimType]).toEqual([400, 'tooMany']);
    expect((await adapter.send('GET', `${BASE_PATH}/ServiceProviderConfig`)).json.filter).toEqual({ supported: true, maxResults: 2 });
  });

  it('rate-limits with 429 and Retry-After past the burst', async () => {
    await start(world({ limits: { rateLimit: { requestsPerSecond: 1, burst: 2 } } }));
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 4; i++) {
      const answer = await adapter.send('GET', U);
      statuses.push(answer.status);
      retryAfter ??= answer.headers['retry-after'];
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('capabilities: no PATCH answers 501, no DELETE 405, no Bulk 501, and discovery says so', async () => {
    await start(world({ capabilities: { patch: false, delete: false, bulk: false } }));
    const { id } = await create('a');
    expect((await adapter.send('PATCH', `${U}/${id}`, { body: patch({ op: 'replace', path: 'title', value: 'T' }) })).status).toBe(501);
    expect((await adapter.send('DELETE', `${U}/${id}`)).status).toBe(405);
    expect((await adapter.send('POST', `${BASE_PATH}/Bulk`, { body: { schemas: [SCHEMA.bulkRequest], Operations: [] } })).status).toBe(501);
    const spc = (await adapter.send('GET', `${BASE_PATH}/ServiceProviderConfig`)).json;
    expect([spc.patch, spc.bulk]).toEqual([{ supported: false }, { supported: false, maxOperations: 0, maxPayloadSize: 0 }]);
  });

  it('filterableAttributes refuses a filter on externalId', async () => {
    await start(world({ capabilities: { filterableAttributes: ['userName', 'id'] } }));
    const answer = await adapter.send('GET', `${U}?filter=${encodeURIComponent('externalId eq "x"')}`);
    expect([answer.status, answer.json.scimType]).toEqual([400, 'invalidFilter']);
  });

  it('allowedUserNameDomains and requiredUserAttributes refuse creates', async () => {
    await start(world({ capabilities: { allowedUserNameDomains: ['corp.example'], requiredUserAttributes: ['emails'] } }));
    const domain = await adapter.send('POST', U, { body: user('a@other.example') });
    expect([domain.status, domain.json.scimType]).toEqual([400, 'invalidValue']);
    const missing = await adapter.send('POST', U, { body: user('a@corp.example') });
    expect(missing.json.detail).toMatch(/emails is required/);
  });

  it('faults: a reset drops the connection, a server error answers 503', async () => {
    await start(world({ faults: { connectionResetRate: 1 } }));
    expect((await adapter.send('GET', U)).network).toBeDefined();
    await adapter.stop();
    await start(world({ faults: { serverErrorRate: 1 } }));
    expect((await adapter.send('GET', U)).status).toBe(503);
  });

  it('serves extra tenants and 404s an unknown tenant', async () => {
    await start(world({ tenants: ['beta'] }), { basePath: '/acme/scim/v2', tenantId: 'acme' });
    expect((await adapter.send('GET', '/beta/scim/v2/Users')).status).toBe(200);
    expect((await adapter.send('GET', '/gamma/scim/v2/Users')).status).toBe(404);
  });

  it('accepts a profile token only within its validity window', async () => {
    const provider = await start(world({ credentials: { acceptEnvCredentials: false, bearerTokens: [{ token: 'next', validFromMs: 0, validUntilMs: 3_600_000 }] } }));
    expect((await adapter.send('GET', U)).status).toBe(401);
    expect((await adapter.send('GET', U, { headers: { authorization: 'Bearer next' } })).status).toBe(200);
    expect(provider.profile.credentials.acceptEnvCredentials).toBe(false);
    expect(TOKEN).not.toBe('next');
  });
});
