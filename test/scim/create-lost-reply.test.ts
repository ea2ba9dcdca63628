import { describe, expect, it } from 'vitest';
import { hintFor } from '../../src/run/hints.js';
import { ScimClient } from '../../src/scim/client/client.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { getDialect, type UserFields } from '../../src/scim/dialects.js';
import { createRandom } from '../../src/scim/random.js';
import { TransportError, type Transport, type TransportRequest } from '../../src/scim/transport.js';
import { scimSettings } from '../helpers/scim-settings.js';

/**
 * A create whose reply is lost, against a scripted transport: the client looks the account up by
 * eq before it retries, adopts it when it carries the run marker, and otherwise blames the lost
 * reply (not a 409 it met afterwards).
 */
const MARKER = 'scimsim-test';
const USER: UserFields = { userName: 'ada.lovelace@example.com', externalId: `${MARKER}-0`, givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace', email: 'ada.lovelace@example.com', active: true };
const OURS = { id: 'u-ours', userName: USER.userName, externalId: USER.externalId, active: true };
const THEIRS = { id: 'u-theirs', userName: USER.userName, externalId: 'hr-17', active: true };

type Answer = { status: number; body: unknown } | 'timeout' | 'reset' | string;

/** Answers POSTs and lookups from two scripts, in order; records every request. */
function scripted(posts: Answer[], lookups: Array<unknown[]>): { transport: Transport; sent: TransportRequest[] } {
  const sent: TransportRequest[] = [];
  const transport: Transport = async (request) => {
    sent.push(request);
    const answer: Answer | undefined = request.method === 'POST' ? posts.shift() : { status: 200, body: { schemas: [], totalResults: 0, Resources: lookups.shift() ?? [] } };
    if (answer === 'timeout' || answer === 'reset') throw new TransportError(answer === 'timeout' ? 'timeout' : 'ECONNRESET', answer);
    if (answer === undefined) throw new Error(`unscripted ${request.method} ${request.url}`);
    if (typeof answer === 'string') return { status: 201, headers: { 'content-type': 'text/html' }, body: answer };
    return { status: answer.status, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(answer.body) };
  };
  return { transport, sent };
}

function clientOf(transport: Transport): ScimClient {
  return new ScimClient(scimSettings('http://scim.test/scim/v2', { maxRetries: 2, rateLimitRps: 0 }), { transport, clock: new VirtualClock(), random: createRandom('lost'), dialect: getDialect('rfc'), marker: MARKER });
}

const posts = (sent: TransportRequest[]): number => sent.filter((r) => r.method === 'POST').length;
const filters = (sent: TransportRequest[]): string[] => sent.filter((r) => r.method === 'GET').map((r) => decodeURIComponent(new URL(r.url).searchParams.get('filter') ?? ''));

describe('a create whose reply is lost', () => {
  it('adopts the account the server did create, found by eq on userName, without sending the POST again', async () => {
    const { transport, sent } = scripted(['timeout'], [[OURS]]);
    const client = clientOf(transport);
    const result = await client.postUser(USER);
    expect(result.outcome.ok).toBe(true);
    expect(result.id).toBe('u-ours');
    expect(client.owns('u-ours')).toBe(true);
    expect(posts(sent)).toBe(1);
    expect(filters(sent)).toEqual([`userName eq "${USER.userName}"`]);
  });

  it('looks up by externalId too when the userName finds nothing, and adopts an unreadable 201', async () => {
    const { transport, sent } = scripted(['<!DOCTYPE html><html>Created</html>'], [[], [OURS]]);
    const result = await clientOf(transport).postUser(USER);
    expect(result.outcome.ok).toBe(true);
    expect(result.id).toBe('u-ours');
    expect(filters(sent)).toEqual([`userName eq "${USER.userName}"`, `externalId eq "${USER.externalId}"`]);
    expect(filters(sent).some((f) => / sw /.test(f))).toBe(false);
  });

  it('retries only after the lookup found nothing; a 409 then is looked up and is a success when the account is ours', async () => {
    const { transport, sent } = scripted(['reset', { status: 409, body: { status: '409', scimType: 'uniqueness' } }], [[], [], [OURS]]);
    const result = await clientOf(transport).postUser(USER);
    expect(result.outcome.ok).toBe(true);
    expect(result.id).toBe('u-ours');
    expect(posts(sent)).toBe(2);
  });

  it('blames the timeout, not a 409 uniqueness, when the account found is not ours, and never owns it', async () => {
    const { transport, sent } = scripted(['timeout', { status: 409, body: { status: '409', scimType: 'uniqueness' } }], [[], [], [THEIRS]]);
    const client = clientOf(transport);
    const result = await client.postUser(USER);
    expect(result.outcome.ok).toBe(false);
    expect(result.outcome.error).toBe('timeout');
    expect(result.outcome.detail).toContain("create's reply was lost");
    expect(client.owns('u-theirs')).toBe(false);
    expect(posts(sent)).toBe(2);
    const hint = hintFor({ status: result.outcome.status, error: 'timeout' }, 'create', false);
    expect(hint).toContain('SCIM_TIMEOUT_MS');
    expect(hint).not.toContain('SCIM_USER_MATCH_ATTRIBUTE');
  });
});

describe('a create that met a 409 after a retried 503', () => {
  it('is looked up: ours is adopted, someone else\'s leaves the 409 standing', async () => {
    const unavailable = { status: 503, body: { status: '503' } };
    const conflict = { status: 409, body: { status: '409', scimType: 'uniqueness' } };
    const ours = scripted([unavailable, conflict], [[OURS]]);
    const adopted = await clientOf(ours.transport).postUser(USER);
    expect(adopted.outcome.ok).toBe(true);
    expect(adopted.id).toBe('u-ours');
    const theirs = scripted([unavailable, conflict], [[THEIRS]]);
    const refused = await clientOf(theirs.transport).postUser(USER);
    expect(refused.outcome.status).toBe(409);
    expect(refused.outcome.scimType).toBe('uniqueness');
    expect(refused.id).toBeUndefined();
  });
});

describe('hints for lost replies', () => {
  it('blame resets mid-run on retries and load, not on the base URL, unless every account met them', () => {
    const midRun = hintFor({ status: 0, error: 'ECONNRESET' }, 'create', false);
    expect(midRun).toContain('SCIM_MAX_RETRIES');
    expect(midRun).not.toContain('SCIM_API_BASE_URL');
    expect(hintFor({ status: 0, error: 'ECONNREFUSED' }, 'create', true)).toContain('SCIM_API_BASE_URL');
  });
});

describe('a create answered with an existing account', () => {
  it('is a foreign account when the resource lacks the run marker (an upsert), and is never owned', async () => {
    const { transport } = scripted([{ status: 200, body: THEIRS }], []);
    const client = clientOf(transport);
    const result = await client.postUser(USER);
    expect(result.outcome.ok).toBe(false);
    expect(result.outcome.error).toBe('foreign-account');
    expect(result.outcome.detail).toContain('upsert');
    expect(result.id).toBeUndefined();
    expect(client.owns('u-theirs')).toBe(false);
    expect((await client.setActive('u-theirs', false)).outcome.error).toBe('not-ours');
  });
});
