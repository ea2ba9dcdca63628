import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { createInProcessTransport } from '../../src/mock/adapters/in-process.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { ScimClient } from '../../src/scim/client/client.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { DIALECT_NAMES, getDialect, type DialectName, type UserFields } from '../../src/scim/dialects.js';
import { createRandom } from '../../src/scim/random.js';
import { SCHEMA, type JsonValue } from '../../src/scim/types.js';

// The env asks for what no IdP dialect lets it choose, so a shape that follows the env is caught.
const ENV = 'SCIM_API_BASE_URL=https://scim.example.com/scim/v2\nSCIM_AUTH_TOKEN=shapes-token-1234\nSCIM_UPDATE_METHOD=patch\nSCIM_DEACTIVATION_MODE=patch\n';
const MANAGER = `${SCHEMA.enterpriseUser}:manager`;
const ENTRA_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const GROUP = 'scimsim-shapes-group-1';
const ada: UserFields = { userName: 'ada@example.com', externalId: 'scimsim-shapes-1', givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace', email: 'ada@example.com', active: true };
const boss: UserFields = { ...ada, userName: 'boss@example.com', externalId: 'scimsim-shapes-2', displayName: 'The Boss' };

/** A request as the provider received it: method, path and query decoded, JSON body parsed. */
interface Seen {
  method: string;
  path: string;
  body: JsonValue | undefined;
}

/**
 * Every operation of a provisioning cycle under `dialect`, each with the requests the provider
 * received for it, and the state the provider holds afterwards.
 */
async function cycle(dialect: DialectName) {
  const settings = resolveSettings(buildEnvSet([{ label: 'env', text: ENV }], {}));
  const provider = new ScimProvider({ profile: resolveProfile({ name: 'shapes', description: 'shapes' }), basePath: '/scim/v2', bearerTokens: ['shapes-token-1234'], seed: 1 });
  const inner = createInProcessTransport(provider, new VirtualClock());
  let seen: Seen[] = [];
  const client = new ScimClient(settings, {
    transport: async (request) => {
      const url = new URL(request.url);
      seen.push({ method: request.method, path: decodeURIComponent(`${url.pathname.replace('/scim/v2', '')}${url.search}`), body: request.body ? (JSON.parse(request.body) as JsonValue) : undefined });
      return inner(request);
    },
    clock: new VirtualClock(),
    random: createRandom(1),
    dialect: getDialect(dialect),
  });
  const record = async <T>(run: () => Promise<T>): Promise<[T, Seen[]]> => {
    seen = [];
    const result = await run();
    return [result, seen.slice()];
  };
  const [created, create] = await record(() => client.createUser(ada));
  const adaId = created.id as string;
  const bossId = (await client.createUser(boss)).id as string;
  const [, update] = await record(() => client.updateUser(adaId, { givenName: 'Augusta', title: 'Countess' }));
  const [, manager] = await record(() => client.updateUser(adaId, { managerId: bossId }));
  const [group, groupCreate] = await record(() => client.ensureGroup(GROUP));
  const groupId = group.id as string;
  const membership = { groupId, groupName: GROUP, userId: adaId, userDisplay: ada.userName };
  const [, memberAdd] = await record(() => client.changeMembership('add', membership));
  const membersAfterAdd = members((await client.getGroup(groupId)).body);
  const [, memberRemove] = await record(() => client.changeMembership('remove', membership));
  const membersAfterRemove = members((await client.getGroup(groupId)).body);
  const [, deactivate] = await record(() => client.setActive(adaId, false));
  const adaAfter = (await client.getUser(adaId)).body;
  const [, remove] = await record(() => client.deleteUser(bossId));
  const bossAfter = await client.getUser(bossId);
  return {
    ids: { adaId, bossId, groupId },
    shapes: { create, update, manager, groupCreate, memberAdd, memberRemove, deactivate, remove },
    state: { membersAfterAdd, membersAfterRemove, adaAfter, bossAfter: { status: bossAfter.status, body: bossAfter.body } },
  };
}

function members(body: JsonValue | undefined): JsonValue[] {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && Array.isArray(body.members) ? body.members.map((m) => (m !== null && typeof m === 'object' && !Array.isArray(m) ? (m.value ?? null) : null)) : [];
}

const patch = (...Operations: JsonValue[]) => ({ schemas: [SCHEMA.patchOp], Operations });
const lookup = (extra: string) => ({ method: 'GET', path: `/Users?filter=userName eq "ada@example.com"${extra}`, body: undefined });
const groupLookup = { method: 'GET', path: `/Groups?excludedAttributes=members&filter=displayName eq "${GROUP}"`, body: undefined };

describe('every operation of every dialect, as the provider receives it', () => {
  it('covers each dialect the CLI offers', () => {
    expect(DIALECT_NAMES).toEqual(['rfc', 'entra', 'entra-flagged', 'okta', 'okta-aiw']);
  });

  it('rfc: RFC 7644 as written', async () => {
    const { ids, shapes, state } = await cycle('rfc');
    expect(shapes.create[0]).toEqual(lookup('&count=1'));
    expect(shapes.create[1]).toMatchObject({ method: 'POST', path: '/Users', body: { userName: 'ada@example.com', externalId: 'scimsim-shapes-1', active: true } });
    expect(shapes.update).toEqual([{ method: 'PATCH', path: `/Users/${ids.adaId}`, body: patch({ op: 'replace', path: 'name.givenName', value: 'Augusta' }, { op: 'replace', path: 'title', value: 'Countess' }) }]);
    expect(shapes.manager).toEqual([{ method: 'PATCH', path: `/Users/${ids.adaId}`, body: patch({ op: 'replace', path: MANAGER, value: { value: ids.bossId } }) }]);
    expect(shapes.groupCreate).toEqual([groupLookup, { method: 'POST', path: '/Groups', body: { schemas: [SCHEMA.group], displayName: GROUP, members: [] } }]);
    expect(shapes.memberAdd).toEqual([{ method: 'PATCH', path: `/Groups/${ids.groupId}?excludedAttributes=members`, body: patch({ op: 'add', path: 'members', value: [{ value: ids.adaId }] }) }]);
    expect(shapes.memberRemove).toEqual([{ method: 'PATCH', path: `/Groups/${ids.groupId}?excludedAttributes=members`, body: patch({ op: 'remove', path: `members[value eq "${ids.adaId}"]` }) }]);
    expect(shapes.deactivate).toEqual([{ method: 'PATCH', path: `/Users/${ids.adaId}`, body: patch({ op: 'replace', path: 'active', value: false }) }]);
    expect(shapes.remove).toEqual([{ method: 'DELETE', path: `/Users/${ids.bossId}`, body: undefined }]);
    expect(state).toMatchObject({ membersAfterAdd: [ids.adaId], membersAfterRemove: [], adaAfter: { active: false, title: 'Countess' }, bossAfter: { status: 404 } });
  });

  it.each(['entra', 'entra-flagged'] as const)('%s: the shapes of Microsoft Learn, the manager in its own PATCH, groups in Entra’s schema, disable then delete', async (dialect) => {
    const flagged = dialect === 'entra-flagged';
    const { ids, shapes, state } = await cycle(dialect);
    expect(shapes.create[0]).toEqual(lookup(''));
    expect(shapes.create[1]).toMatchObject({ method: 'POST', path: '/Users', body: { userName: 'ada@example.com', active: true } });
    // "Known issues and resolutions with SCIM 2.0 protocol compliance": one "Replace" per attribute by
    // default; with aadOptscim062020 one path-less replace with dotted keys.
    expect(shapes.update.map((r) => r.body)).toEqual(
      flagged
        ? [patch({ op: 'replace', value: { 'name.givenName': 'Augusta', title: 'Countess' } })]
        : [patch({ op: 'Replace', path: 'name.givenName', value: 'Augusta' }, { op: 'Replace', path: 'title', value: 'Countess' })],
    );
    expect(shapes.manager).toEqual([{ method: 'PATCH', path: `/Users/${ids.adaId}`, body: patch({ op: flagged ? 'add' : 'Add', path: MANAGER, value: ids.bossId }) }]);
    // "Tutorial: Develop and plan provisioning for a SCIM endpoint": Entra's group schema, an externalId, members with $ref.
    expect(shapes.groupCreate).toEqual([groupLookup, { method: 'POST', path: '/Groups', body: { schemas: [SCHEMA.group, ENTRA_GROUP], externalId: GROUP, displayName: GROUP, members: [] } }]);
    expect(shapes.memberAdd).toEqual([{ method: 'PATCH', path: `/Groups/${ids.groupId}`, body: patch({ op: flagged ? 'add' : 'Add', path: 'members', value: [{ $ref: null, value: ids.adaId }] }) }]);
    expect(shapes.memberRemove[0]?.body).toEqual(
      flagged ? patch({ op: 'remove', path: `members[value eq "${ids.adaId}"]` }) : patch({ op: 'Remove', path: 'members', value: [{ $ref: null, value: ids.adaId }] }),
    );
    expect(shapes.deactivate[0]?.body).toEqual(patch(flagged ? { op: 'replace', path: 'active', value: false } : { op: 'Replace', path: 'active', value: 'False' }));
    expect(shapes.remove.map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /Users/${ids.bossId}`, `DELETE /Users/${ids.bossId}`]);
    expect(state).toMatchObject({ membersAfterAdd: [ids.adaId], membersAfterRemove: [], adaAfter: { active: false, title: 'Countess' }, bossAfter: { status: 404 } });
  });

  it.each(['okta', 'okta-aiw'] as const)('%s: the shapes of Okta’s SCIM 2.0 protocol reference, users never deleted', async (dialect) => {
    const aiw = dialect === 'okta-aiw';
    const { ids, shapes, state } = await cycle(dialect);
    expect(shapes.create[0]).toEqual(lookup('&startIndex=1&count=100'));
    expect(shapes.create[1]).toMatchObject({ method: 'POST', path: '/Users', body: { userName: 'ada@example.com', password: expect.any(String), groups: [] } });
    // Profile updates as GET then PUT, the PUT keeping what it read, read-only meta included.
    expect(shapes.update.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /Users/${ids.adaId}`, `PUT /Users/${ids.adaId}`]);
    expect(shapes.update[1]?.body).toMatchObject({ id: ids.adaId, name: { givenName: 'Augusta' }, title: 'Countess', meta: { resourceType: 'User' } });
    expect(shapes.manager[1]).toMatchObject({ method: 'PUT', body: { [SCHEMA.enterpriseUser]: { manager: { value: ids.bossId } } } });
    expect(shapes.groupCreate).toEqual([groupLookup, { method: 'POST', path: '/Groups', body: { schemas: [SCHEMA.group], displayName: GROUP, members: [] } }]);
    const member = { value: ids.adaId, display: 'ada@example.com' };
    if (aiw) {
      // App Integration Wizard integrations send group membership as PUT of the whole group.
      expect(shapes.memberAdd.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /Groups/${ids.groupId}`, `PUT /Groups/${ids.groupId}`]);
      expect(shapes.memberAdd[1]?.body).toMatchObject({ id: ids.groupId, displayName: GROUP, members: [member], meta: { resourceType: 'Group' } });
      expect(shapes.memberRemove[1]).toMatchObject({ method: 'PUT', body: { displayName: GROUP, members: [] } });
      expect(shapes.deactivate.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /Users/${ids.adaId}`, `PUT /Users/${ids.adaId}`]);
      expect(shapes.deactivate[1]?.body).toMatchObject({ active: false, meta: { resourceType: 'User' } });
      expect(shapes.remove.map((r) => r.method)).toEqual(['GET', 'PUT']);
    } else {
      const rename = { op: 'replace', value: { id: ids.groupId, displayName: GROUP } };
      expect(shapes.memberAdd).toEqual([{ method: 'PATCH', path: `/Groups/${ids.groupId}`, body: patch(rename, { op: 'add', path: 'members', value: [member] }) }]);
      expect(shapes.memberRemove).toEqual([{ method: 'PATCH', path: `/Groups/${ids.groupId}`, body: patch(rename, { op: 'remove', path: `members[value eq "${ids.adaId}"]` }) }]);
      expect(shapes.deactivate).toEqual([{ method: 'PATCH', path: `/Users/${ids.adaId}`, body: patch({ op: 'replace', value: { active: false } }) }]);
      expect(shapes.remove).toEqual([{ method: 'PATCH', path: `/Users/${ids.bossId}`, body: patch({ op: 'replace', value: { active: false } }) }]);
    }
    expect(state).toMatchObject({ membersAfterAdd: [ids.adaId], membersAfterRemove: [], adaAfter: { active: false, title: 'Countess' }, bossAfter: { status: 200, body: { active: false } } });
  });
});
