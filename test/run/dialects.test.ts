import { describe, expect, it } from 'vitest';
import { buildEnvSet } from '../../src/env/load.js';
import { resolveSettings } from '../../src/env/settings.js';
import { createInProcessTransport } from '../../src/mock/adapters/in-process.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { ScimClient } from '../../src/scim/client/client.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { getDialect, type DialectName, type UserFields } from '../../src/scim/dialects.js';
import type { Scenario } from '../../src/scenario/types.js';
import { runScenario } from '../../src/run/engine.js';
import { countQuarantineFailures } from '../../src/rehearse/quarantine.js';
import { createRandom } from '../../src/scim/random.js';
import type { TransportRequest } from '../../src/scim/transport.js';
import { SCHEMA } from '../../src/scim/types.js';

const ENV = 'SCIM_API_BASE_URL=https://scim.example.com/scim/v2\nSCIM_AUTH_TOKEN=dialect-token-1234\nSCIM_DEACTIVATION_MODE=delete\nSCIM_UPDATE_METHOD=patch\nSCIM_PAGE_SIZE=50\n';
const ada: UserFields = { userName: 'ada@example.com', externalId: 'scimsim-t-1', givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace', email: 'ada@example.com', active: true };

/** Answers a request before the provider sees it (a server's refusal), or lets it through. */
type Refuse = (request: TransportRequest) => { status: number; body: string } | undefined;

/** A client of `dialect` against the embedded provider, capturing every request the provider receives. */
function harness(dialect: DialectName, refuse: Refuse = () => undefined, env = ENV) {
  const settings = resolveSettings(buildEnvSet([{ label: 'env', text: env }], {}));
  const provider = new ScimProvider({ profile: resolveProfile({ name: 'd', description: 'd' }), basePath: '/scim/v2', bearerTokens: ['dialect-token-1234'], seed: 1 });
  const inner = createInProcessTransport(provider, new VirtualClock());
  const seen: Array<TransportRequest & { json?: unknown }> = [];
  const client = new ScimClient(settings, {
    transport: async (request) => {
      seen.push({ ...request, ...(request.body ? { json: JSON.parse(request.body) as unknown } : {}) });
      const refused = refuse(request);
      return refused === undefined ? inner(request) : { status: refused.status, headers: { 'content-type': 'application/scim+json' }, body: refused.body };
    },
    clock: new VirtualClock(),
    random: createRandom(1),
    dialect: getDialect(dialect),
  });
  return { client, seen };
}

const patchOps = (request: { json?: unknown } | undefined) => (request?.json as { Operations: unknown[] } | undefined)?.Operations;

describe('request dialects, as the provider receives them', () => {
  it('rfc: lookup then POST, lower-case ops with JSON booleans, DELETE in delete mode', async () => {
    const { client, seen } = harness('rfc');
    const { id } = await client.createUser(ada);
    expect(seen.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(decodeURIComponent(seen[0]?.url ?? '')).toContain('filter=userName eq "ada@example.com"&count=1');
    await client.updateUser(id as string, { title: 'Countess', department: 'Analytics' });
    expect(patchOps(seen[2])).toEqual([
      { op: 'replace', path: 'title', value: 'Countess' },
      { op: 'replace', path: `${SCHEMA.enterpriseUser}:department`, value: 'Analytics' },
    ]);
    await client.setActive(id as string, false);
    expect(seen[3]?.method).toBe('DELETE');
    expect(seen[0]?.headers['user-agent']).toBe('scimsim (rfc dialect)');
  });

  it('acts on a PATCH by its status: a success leaves the echoed resource unparsed, a failure keeps its scimType and detail', async () => {
    const { client } = harness('rfc');
    const { id } = await client.createUser(ada);
    const updated = await client.updateUser(id as string, { title: 'Countess' });
    expect(updated.outcome).toMatchObject({ ok: true, status: 200 });
    expect(updated.outcome.body).toBeUndefined();
    const missing = await client.updateUser('no-such-id', { title: 'Countess' });
    expect(missing.outcome).toMatchObject({ ok: false, status: 404 });
    expect(missing.outcome.detail).toContain('no-such-id');
    const renamed = await client.updateUser(id as string, { userName: 'ADA@example.com' });
    expect(renamed.outcome.ok).toBe(true);
    const taken = await client.createUser({ ...ada, userName: 'grace@example.com', externalId: 'scimsim-t-2' });
    const clash = await client.updateUser(taken.id as string, { userName: 'ada@example.com' });
    expect(clash.outcome).toMatchObject({ ok: false, status: 409, scimType: 'uniqueness' });
  });

  it('entra: capitalised ops, string booleans, disable before delete, member removal by value', async () => {
    const { client, seen } = harness('entra');
    const { id } = await client.createUser(ada);
    await client.updateUser(id as string, { title: 'Countess' });
    expect(patchOps(seen[2])).toEqual([{ op: 'Replace', path: 'title', value: 'Countess' }]);
    await client.setActive(id as string, false);
    expect(patchOps(seen[3])).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    const group = await client.ensureGroup('Engineers');
    expect(decodeURIComponent(seen[4]?.url ?? '')).toContain('/Groups?excludedAttributes=members&filter=displayName eq "Engineers"');
    const membership = { groupId: group.id as string, groupName: 'Engineers', userId: id as string, userDisplay: ada.userName };
    await client.changeMembership('add', membership);
    await client.changeMembership('remove', membership);
    expect(patchOps(seen.at(-1))).toEqual([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }]);
    await client.deleteUser(id as string);
    expect(seen.slice(-2).map((r) => r.method)).toEqual(['PATCH', 'DELETE']);
    expect(seen[0]?.headers['user-agent']).toBe('Azure Active Directory SCIM Client');
  });

  it('okta: lookup with startIndex=1&count=100, GET then PUT updates, path-less deactivation, never DELETE', async () => {
    const { client, seen } = harness('okta');
    const { id } = await client.createUser(ada);
    expect(seen[0]?.url).toContain('&startIndex=1&count=100');
    expect(seen[1]?.json).toMatchObject({ userName: 'ada@example.com', password: expect.any(String), groups: [] });
    await client.updateUser(id as string, { title: 'Countess' });
    expect(seen.slice(2).map((r) => r.method)).toEqual(['GET', 'PUT']);
    expect(seen[3]?.json).toMatchObject({ title: 'Countess', userName: 'ada@example.com' });
    await client.setActive(id as string, false);
    expect(patchOps(seen[4])).toEqual([{ op: 'replace', value: { active: false } }]);
    await client.deleteUser(id as string);
    expect(seen.map((r) => r.method)).not.toContain('DELETE');
    expect(client.pageSize).toBe(100);
    expect(seen[0]?.headers['user-agent']).toBe('Okta SCIM Client 1.0.0');
  });

  it('entra: the manager goes in its own PATCH after the others, so a refused manager leaves the other attributes applied', async () => {
    const refuseManager: Refuse = (request) =>
      request.method === 'PATCH' && (request.body ?? '').includes(':manager') ? { status: 400, body: JSON.stringify({ schemas: [SCHEMA.error], status: '400', scimType: 'invalidValue', detail: 'manager must be complex' }) } : undefined;
    const { client, seen } = harness('entra', refuseManager);
    const { id } = await client.createUser(ada);
    const boss = await client.createUser({ ...ada, userName: 'boss@example.com', externalId: 'scimsim-t-9' });
    const before = seen.length;
    const updated = await client.updateUser(id as string, { title: 'Countess', managerId: boss.id as string });
    expect(seen.slice(before).map((r) => patchOps(r))).toEqual([
      [{ op: 'Replace', path: 'title', value: 'Countess' }],
      [{ op: 'Add', path: `${SCHEMA.enterpriseUser}:manager`, value: boss.id }],
    ]);
    expect(updated.outcome).toMatchObject({ ok: false, status: 400, scimType: 'invalidValue', reference: 'manager' });
    expect(updated.outcome.detail).toBe('the other attributes were applied; the manager, sent after them in a PATCH of its own, was refused: manager must be complex');
    expect((await client.getUser(id as string)).body).toMatchObject({ title: 'Countess' });
    // A manager-only change is the reference step alone.
    const alone = await client.updateUser(id as string, { managerId: boss.id as string });
    expect(alone.outcome).toMatchObject({ ok: false, status: 400, reference: 'manager' });
  });

  it('entra: a manager refused in its own PATCH counts as a reference-attribute failure for the quarantine prediction; under rfc the refused PATCH counts in full', async () => {
    const refuseManager: Refuse = (request) =>
      request.method === 'PATCH' && (request.body ?? '').includes(':manager') ? { status: 400, body: JSON.stringify({ schemas: [SCHEMA.error], status: '400', scimType: 'invalidValue', detail: 'manager must be complex' }) } : undefined;
    const scenario: Scenario = {
      name: 'movers',
      description: 'create, then every account gets a new manager and title',
      file: 'inline',
      steps: [
        { kind: 'create', line: 1, name: 'create', selector: { of: 'all' } },
        { kind: 'update', line: 2, name: 'movers', selector: { of: 'all' }, attributes: ['manager', 'title'] },
      ],
    };
    const settings = resolveSettings(buildEnvSet([{ label: 'env', text: ENV }], {}));
    const counted = async (dialect: DialectName) => {
      const { client } = harness(dialect, refuseManager);
      const { ledger } = await runScenario({ settings, client, scenario, users: 30, seed: 5, marker: 'scimsim-ref' });
      return countQuarantineFailures(ledger.failStage, ledger.failReason, ledger.reasons);
    };
    const entra = await counted('entra');
    expect(entra.referenceFailures).toBeGreaterThan(0);
    expect(entra.failures).toBe(0);
    const rfc = await counted('rfc');
    expect(rfc.failures).toBeGreaterThan(0);
    expect(rfc.referenceFailures).toBe(0);
  });

  it('rfc: the manager rides in the one PATCH with the other attributes', async () => {
    const { client, seen } = harness('rfc');
    const { id } = await client.createUser(ada);
    const before = seen.length;
    await client.updateUser(id as string, { title: 'Countess', managerId: 'm-1' });
    expect(seen.slice(before).map((r) => r.method)).toEqual(['PATCH']);
  });

  it('entra: a disable and the later delete are separate events, so a refused disable does not drop the delete', async () => {
    const refuseDisable: Refuse = (request) => (request.method === 'PATCH' ? { status: 400, body: JSON.stringify({ schemas: [SCHEMA.error], status: '400', detail: 'no' }) } : undefined);
    const { client, seen } = harness('entra', refuseDisable);
    const { id } = await client.createUser(ada);
    const deleted = await client.deleteUser(id as string);
    expect(seen.slice(-2).map((r) => r.method)).toEqual(['PATCH', 'DELETE']);
    expect(deleted.outcome).toMatchObject({ ok: true, status: 204 });
    expect((await client.getUser(id as string)).status).toBe(404);
  });

  it('okta: a 404 on the lookup before create means no match, and the create goes on', async () => {
    const notFound: Refuse = (request) => (request.method === 'GET' && request.url.includes('filter=') ? { status: 404, body: JSON.stringify({ schemas: [SCHEMA.error], status: '404', detail: 'no such user' }) } : undefined);
    const { client, seen } = harness('okta', notFound);
    const created = await client.createUser(ada);
    expect(seen.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(created.outcome).toMatchObject({ ok: true, status: 201 });
    expect(created.id).toBeDefined();
  });

  it('rfc: a 404 on the lookup is a failed lookup (RFC 7644 answers a filter that matches nobody with an empty list), and nothing is created', async () => {
    const notFound: Refuse = (request) => (request.method === 'GET' && request.url.includes('filter=') ? { status: 404, body: JSON.stringify({ schemas: [SCHEMA.error], status: '404', detail: 'no such user' }) } : undefined);
    const { client, seen } = harness('rfc', notFound);
    const created = await client.createUser(ada);
    expect(seen.map((r) => r.method)).toEqual(['GET']);
    expect(created.outcome).toMatchObject({ ok: false, status: 404 });
  });

  it.each(['entra', 'rfc'] as const)('%s: a full sync finds its leavers as the identity provider does, and read-back confirms them', async (dialect) => {
    const env = `${ENV}SCIM_DEACTIVATION_MODE=patch\n`;
    const { client, seen } = harness(dialect, undefined, env);
    const scenario: Scenario = {
      name: 'sync',
      description: 'create, then a sync that finds leavers',
      file: 'inline',
      steps: [
        { kind: 'create', line: 1, name: 'create', selector: { of: 'all' } },
        { kind: 'reconcile', line: 2, name: 'full-sync', selector: { share: 0.5 } },
      ],
    };
    const settings = resolveSettings(buildEnvSet([{ label: 'env', text: env }], {}));
    const { ledger } = await runScenario({ settings, client, scenario, users: 20, seed: 3, marker: 'scimsim-sync' });
    const urls = seen.map((r) => `${r.method} ${decodeURIComponent(r.url)}`);
    const isListing = (u: string) => u.startsWith('GET') && u.includes('startIndex=') && !u.includes('filter=');
    const isDisable = (r: (typeof seen)[number]) => r.method === 'PATCH' && (r.body ?? '').includes('"active"');
    const lastDisable = seen.findLastIndex(isDisable);
    expect(lastDisable).toBeGreaterThan(0);
    const disables = seen.filter(isDisable).length;
    // The sync's own requests come before the last disable; read-back lists the target afterwards.
    const sync = urls.slice(0, lastDisable);
    if (dialect === 'entra') {
      // "How application provisioning works": Entra matches each user by a filter and never lists the target.
      expect(sync.filter(isListing)).toEqual([]);
      expect(urls.filter((u) => u.startsWith('GET') && u.includes('filter=userName eq')).length).toBeGreaterThanOrEqual(20 + disables);
    } else {
      expect(sync.filter(isListing).length).toBeGreaterThan(0);
    }
    expect(Array.from({ length: 20 }, (_, i) => ledger.isBlocked(i)).filter(Boolean)).toEqual([]);
  });

  it('entra: a create carries no manager; the manager follows in its own PATCH, and a refused one leaves the account created', async () => {
    const refuseManager: Refuse = (request) =>
      request.method === 'PATCH' && (request.body ?? '').includes(':manager') ? { status: 400, body: JSON.stringify({ schemas: [SCHEMA.error], status: '400', scimType: 'invalidValue', detail: 'manager must be complex' }) } : undefined;
    const { client, seen } = harness('entra', refuseManager);
    const boss = await client.createUser({ ...ada, userName: 'boss@example.com', externalId: 'scimsim-t-9' });
    const before = seen.length;
    const created = await client.createUser({ ...ada, managerId: boss.id as string });
    const sent = seen.slice(before);
    expect(sent.map((r) => r.method)).toEqual(['GET', 'POST', 'PATCH']);
    expect(JSON.stringify(sent[1]?.json)).not.toContain('manager');
    expect(patchOps(sent[2])).toEqual([{ op: 'Add', path: `${SCHEMA.enterpriseUser}:manager`, value: boss.id }]);
    expect(created.outcome).toMatchObject({ ok: false, status: 400, scimType: 'invalidValue' });
    expect(created.outcome.detail).toContain('the account was created');
    expect(created.outcome.reference).toBe('manager');
    expect((await client.getUser(created.id as string)).status).toBe(200);
  });

  it('rfc: the manager rides in the create', async () => {
    const { client, seen } = harness('rfc');
    const boss = await client.createUser({ ...ada, userName: 'boss@example.com', externalId: 'scimsim-t-9' });
    const before = seen.length;
    await client.createUser({ ...ada, managerId: boss.id as string });
    expect(seen.slice(before).map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(seen.at(-1)?.json).toMatchObject({ [SCHEMA.enterpriseUser]: { manager: { value: boss.id } } });
  });
});
