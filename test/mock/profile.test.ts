import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { DEFAULT_PROFILE_PATH, loadDefaultProfile, loadProfile } from '../../src/mock/profile/load-profile.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import { QUIRK_NAMES, QUIRKS_CITED_FROM_CODE, validateProfile } from '../../src/mock/profile/validate-profile.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SERVERS = join(ROOT, 'fixtures/servers');
const shipped = (await readdir(SERVERS)).filter((f) => f.endsWith('.json')).sort();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsim-profile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a temp file and returns the UserError that loading it throws. */
async function loadError(name: string, text: string): Promise<UserError> {
  await writeFile(join(dir, name), text);
  const error: unknown = await loadProfile(name, dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof UserError)) throw new Error(`expected a UserError loading ${name}, got ${String(error)}`);
  return error;
}

const profileText = (extra: Record<string, unknown>): string =>
  JSON.stringify({ name: 'broken', description: 'a profile with a mistake', ...extra }, null, 2);

describe('shipped server profiles', () => {
  it.each(shipped)('%s loads, validates and is named after its file', async (file) => {
    const profile = await loadProfile(join('fixtures/servers', file), ROOT);
    expect(profile.name).toBe(basename(file, '.json'));
    expect(profile.description.length).toBeGreaterThan(80);
  });

  it('ships the default, staging and at least five real-server profiles', () => {
    expect(shipped).toEqual(expect.arrayContaining(['default.json', 'staging.json', 'keycloak-like.json']));
    expect(shipped.length).toBeGreaterThanOrEqual(7);
  });

  it('turns every quirk on in at least one shipped profile, each with a citation', async () => {
    const profiles = await Promise.all(shipped.map((f) => loadProfile(join(SERVERS, f), ROOT)));
    for (const quirk of QUIRK_NAMES) {
      const users = profiles.filter((p) => p.quirks?.[quirk] === true);
      // A quirk known only from a library's code has no issue to cite, so no shipped profile may claim it.
      if (QUIRKS_CITED_FROM_CODE[quirk] !== undefined) {
        expect(users.map((p) => p.name), quirk).toEqual([]);
        continue;
      }
      expect(users.map((p) => p.name), quirk).not.toEqual([]);
      for (const p of users) expect(p.sources?.[quirk], `${p.name} ${quirk}`).toMatch(/[\w.-]+\/[\w.-]+#\d+/);
    }
  });

  it('names the repository code behind every quirk that no shipped profile turns on', () => {
    const fromCode = Object.entries(QUIRKS_CITED_FROM_CODE);
    expect(fromCode.map(([quirk]) => quirk).sort()).toEqual(['excludedMembersPatchReplacesMembers', 'patchNoContentWhenUnchanged']);
    for (const [quirk, source] of fromCode) {
      expect(QUIRK_NAMES, quirk).toContain(quirk);
      expect(source, quirk).toMatch(/[\w.-]+\/[\w.-]+, src\/[\w/.-]+\.js/);
    }
  });

  it('cites sources a reader can reach: no shipped profile points at a notes file outside the repository', async () => {
    for (const f of shipped) expect(await readFile(join(SERVERS, f), 'utf8'), f).not.toMatch(/\.md\b/);
  });

  it('keeps default.json at exactly the defaults resolveProfile fills in', async () => {
    const loaded = await loadDefaultProfile();
    const { name, description, sources, ...rest } = resolveProfile(loaded);
    const { name: _n, description: _d, sources: _s, ...defaults } = resolveProfile({ name: 'x', description: 'y' });
    expect(rest).toEqual(defaults);
    expect([name, description.length > 0, sources]).toEqual(['default', true, {}]);
    expect(DEFAULT_PROFILE_PATH.endsWith(join('fixtures', 'servers', 'default.json'))).toBe(true);
  });

  it('models staging with per-operation tails, 25 req/s and a 200 page cap that refuses more', async () => {
    const staging = resolveProfile(await loadProfile('fixtures/servers/staging.json', ROOT));
    expect(staging.limits.rateLimit).toEqual({ requestsPerSecond: 25, burst: 50 });
    expect([staging.limits.maxResults, staging.limits.overMaxResults]).toEqual([200, 'tooMany']);
    expect(staging.limits.latency.list).toEqual({ p50: 120, p99: 900 });
    expect(staging.faults.serverErrorRate).toBe(0.002);
    expect(Object.values(staging.quirks).every((on) => !on)).toBe(true);
  });
});

describe('malformed server profiles', () => {
  it('names the file, field and line of an unknown key, with a did-you-mean', async () => {
    const error = await loadError('typo.json', profileText({ limits: { maxResult: 100 } }));
    expect(error.message).toBe('Failed to load server profile typo.json: 1 problem.');
    expect(error.details).toEqual(['typo.json:5: limits.maxResult: unknown field "maxResult" (did you mean "maxResults"?)']);
    expect(error.location).toEqual({ file: 'typo.json', line: 5 });
  });

  it('refuses a rate outside [0, 1] on the line of its key', async () => {
    const error = await loadError('rate.json', profileText({ faults: { slowMs: 10, serverErrorRate: 1.5 } }));
    expect(error.details).toEqual([
      'rate.json:6: faults.serverErrorRate: must be a number in [0, 1], got 1.5 (a rate is a share of requests: 0.01 means 1%)',
    ]);
  });

  it('says what type a field wants and what it got', async () => {
    const error = await loadError('type.json', profileText({ limits: { maxResults: '100' }, capabilities: { patch: 'yes' } }));
    expect(error.details).toEqual([
      'type.json:5: limits.maxResults: must be an integer >= 1, got the string "100" (write 100 without quotes)',
      'type.json:8: capabilities.patch: must be true or false, got the string "yes"',
    ]);
  });

  it('requires a citation in sources for every quirk turned on', async () => {
    const error = await loadError('uncited.json', profileText({ quirks: { ignoreCount: true, patchNoContent: false } }));
    expect(error.details).toHaveLength(1);
    expect(error.details[0]).toMatch(/^uncited\.json:5: quirks\.ignoreCount: is on but has no citation in "sources" \(add "sources": \{ "ignoreCount"/);
  });

  it('reports invalid JSON with its line and without quoting the input', async () => {
    const text = '{\n  "name": "x",\n  "description": "s3cret",\n}\n';
    const error = await loadError('syntax.json', text);
    expect(error.message).toMatch(/^Failed to read server profile syntax\.json: invalid JSON on line 4 \(/);
    expect(error.location).toEqual({ file: 'syntax.json', line: 4 });
    expect(error.message).not.toContain('s3cret');
  });

  it('finds the line of a bad token even when V8 gives no position', async () => {
    const error = await loadError('token.json', '{\n  "name": "x",\n  "limits": { "maxResults": tru }\n}\n');
    expect(error.location).toEqual({ file: 'token.json', line: 3 });
  });

  it('reports every problem at once, in one error', async () => {
    const text = JSON.stringify(
      {
        description: 'many mistakes',
        limits: { overMaxResults: 'capped', rateLimit: { requestsPerSecond: 0, burst: 0 }, latency: { lst: { p50: 10, p99: 20 }, get: { p50: 300, p99: 100 } } },
        capabilities: { bulk: true, allowedUserNameDomains: ['@example.com'] },
        quirks: { patchNoContnet: true },
        sources: { caseSensitiveUsername: 'scimgateway#89' },
      },
      null,
      2,
    );
    const error = await loadError('many.json', text);
    expect(error.message).toBe('Failed to load server profile many.json: 10 problems.');
    expect(error.details).toEqual([
      'many.json:1: name: is required (add "name" to the profile)',
      'many.json:4: limits.overMaxResults: must be "cap" or "tooMany", got "capped" (did you mean "cap"?)',
      'many.json:6: limits.rateLimit.requestsPerSecond: must be a number > 0, got 0',
      'many.json:7: limits.rateLimit.burst: must be a number >= 1, got 0',
      'many.json:10: limits.latency.lst: unknown operation kind "lst" (did you mean "list"?)',
      'many.json:16: limits.latency.get.p99: must be >= p50 (300), got 100 (p99 is the slow tail: 99% of requests are faster than it)',
      'many.json:21: capabilities.bulk: must be false or {"maxOperations", "maxPayloadSize"}, got true (write {"maxOperations": 1000, "maxPayloadSize": 1048576} to support Bulk)',
      'many.json:23: capabilities.allowedUserNameDomains[0]: must be a bare domain, got "@example.com" (write "example.com")',
      'many.json:27: quirks.patchNoContnet: unknown quirk "patchNoContnet" (did you mean "patchNoContent"?)',
      'many.json:30: sources.caseSensitiveUsername: "caseSensitiveUsername" is neither a quirk nor a profile field (did you mean "caseSensitiveUserName"?)',
    ]);
  });

  it('never repeats a credential in a message', async () => {
    const error = await loadError('secret.json', profileText({ credentials: { bearerTokens: 's3cret-token', oauthClients: [{ clientId: 'a', clientSecret: 42 }] } }));
    expect(error.details).toEqual([
      'secret.json:5: credentials.bearerTokens: must be an array, got a string',
      'secret.json:9: credentials.oauthClients[0].clientSecret: must be a string, got a number',
    ]);
    expect(error.details.join('\n')).not.toMatch(/s3cret|42/);
  });

  it('checks credential validity windows and token lifetimes', async () => {
    const credentials = { bearerTokens: [{ token: 't', validFromMs: 5000, validUntilMs: 1000 }], accessTokenTtlSeconds: 0 };
    const error = await loadError('window.json', profileText({ credentials }));
    expect(error.details).toEqual([
      'window.json:9: credentials.bearerTokens[0].validUntilMs: must be after validFromMs (5000), got 1000 (the credential is valid from validFromMs until validUntilMs)',
      'window.json:12: credentials.accessTokenTtlSeconds: must be an integer >= 1, got 0',
    ]);
  });

  it('fails clearly on a missing file, a directory and a non-object', async () => {
    await mkdir(join(dir, 'a-dir'));
    await writeFile(join(dir, 'list.json'), '[]');
    const missing = await loadProfile('nope.json', dir).catch((e: unknown) => e);
    const directory = await loadProfile('a-dir', dir).catch((e: unknown) => e);
    const list = await loadProfile('list.json', dir).catch((e: unknown) => e);
    expect([missing, directory, list].map((e) => (e instanceof UserError ? e.message : String(e)))).toEqual([
      'Failed to read server profile nope.json: no such file.',
      'Failed to read server profile a-dir: it is a directory.',
      'Failed to read server profile list.json: expected a JSON object, got an array.',
    ]);
  });
});

describe('validateProfile', () => {
  it('keeps only the fields that passed and places problems inside arrays', () => {
    const text = '{\n  "name": "n",\n  "description": "d",\n  "tenants": ["a",\n    ""],\n  "limits": { "maxResults": 50 }\n}';
    const { profile, problems } = validateProfile(JSON.parse(text), 'inline.json', text);
    expect(problems).toEqual([{ field: 'tenants[1]', line: 5, message: 'must not be empty' }]);
    expect(profile).toEqual({ name: 'n', description: 'd', limits: { maxResults: 50 } });
  });
});

describe('resolveProfile', () => {
  it('fills every RFC-complete default into a minimal profile', () => {
    expect(resolveProfile({ name: 'min', description: 'minimal' })).toEqual({
      name: 'min',
      description: 'minimal',
      sources: {},
      tenants: [],
      credentials: { acceptEnvCredentials: true, bearerTokens: [], oauthClients: [], accessTokenTtlSeconds: 3600 },
      limits: { maxResults: 1000, overMaxResults: 'cap', rateLimit: undefined, latency: {}, maxBodyBytes: 1_048_576 },
      capabilities: {
        patch: true,
        put: true,
        delete: true,
        bulk: { maxOperations: 1000, maxPayloadSize: 1_048_576 },
        sort: true,
        etag: true,
        filterableAttributes: undefined,
        allowedUserNameDomains: undefined,
        requiredUserAttributes: [],
      },
      faults: { serverErrorRate: 0, connectionResetRate: 0, slowRate: 0, slowMs: 0 },
      quirks: Object.fromEntries(QUIRK_NAMES.map((q) => [q, false])),
      population: { count: 0, matchedBy: 'userName', domain: undefined },
    });
  });

  it('keeps given values, gives a rate limit a burst of at least one token and copies arrays', () => {
    const profile: ServerProfile = {
      name: 'given',
      description: 'given values',
      limits: { rateLimit: { requestsPerSecond: 0.5 } },
      capabilities: { bulk: false, filterableAttributes: ['userName'] },
      quirks: { ignoreCount: true },
    };
    const resolved = resolveProfile(profile);
    expect(resolved.limits.rateLimit).toEqual({ requestsPerSecond: 0.5, burst: 1 });
    expect(resolveProfile({ ...profile, limits: { rateLimit: { requestsPerSecond: 25 } } }).limits.rateLimit).toEqual({ requestsPerSecond: 25, burst: 25 });
    expect([resolved.capabilities.bulk, resolved.quirks.ignoreCount, resolved.quirks.patchNoContent]).toEqual([false, true, false]);
    expect(resolved.capabilities.filterableAttributes).toEqual(['userName']);
    expect(resolved.capabilities.filterableAttributes).not.toBe(profile.capabilities?.filterableAttributes);
  });
});
