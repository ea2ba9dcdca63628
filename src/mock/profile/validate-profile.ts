import { Reporter, bool, fields, list, num, rate, read, str, suggest, type Check, type ProfileProblem } from './checks.js';
import { indexKeyLines, joinPath } from './json-lines.js';
import {
  OPERATION_KINDS,
  type BearerTokenSpec,
  type CapturedFrom,
  type PopulationSpec,
  type LatencySpec,
  type OAuthClientSpec,
  type QuirkName,
  type QuirkSet,
  type ServerProfile,
  type ValidityWindow,
} from './types.js';

export type { ProfileProblem } from './checks.js';

type Section<K extends keyof ServerProfile> = NonNullable<ServerProfile[K]>;

const QUIRK_FLAGS = {
  patchNoContent: true,
  notFoundForEmptyFilter: true,
  caseSensitiveUserName: true,
  rejectStringBooleans: true,
  rejectCapitalizedPatchOps: true,
  ignoreDeactivation: true,
  ignoreCount: true,
  itemsPerPageEchoesCount: true,
  rejectPathlessPatch: true,
  managerMustBeComplex: true,
  caseSensitiveUserNameFilter: true,
  patchNoContentWhenUnchanged: true,
  excludedMembersPatchReplacesMembers: true,
} as const satisfies Record<QuirkName, true>;

/** Every quirk a profile can turn on (the keys of QuirkSet). */
export const QUIRK_NAMES = Object.keys(QUIRK_FLAGS) as readonly QuirkName[];

/**
 * Quirks modelled on a real server library's source code, for which no issue report was found.
 * A profile of your own may turn them on (citing its source like any quirk), but no shipped
 * profile does: a shipped profile cites an issue report (`owner/repo#N`) for every quirk it
 * turns on. Each entry names the code the quirk is modelled on and what that code does.
 */
export const QUIRKS_CITED_FROM_CODE: Readonly<Partial<Record<QuirkName, string>>> = {
  patchNoContentWhenUnchanged:
    'SCIMMY (scimmyjs/scimmy, src/lib/messages/patchop.js): PatchOp.apply returns the patched resource only if something has changed; ' +
    'scimmyjs/scimmy-routers (src/routers/resources.js) answers a PATCH 200 with that value and 204 without one',
  excludedMembersPatchReplacesMembers:
    "SCIMMY (scimmyjs/scimmy, src/lib/resources/group.js and src/lib/types/resource.js): a Group PATCH is applied to the group as read under the request's " +
    'excludedAttributes (members left out when it names members), and the patched group is handed to the application\'s ingress handler to be written',
};

/** The keys of each section a profile may write (schemas/server-profile.json declares the same). */
export const PROFILE_KEYS = {
  // `$schema` tells an editor where schemas/server-profile.json is; the loader ignores it.
  profile: ['$schema', 'name', 'description', 'sources', 'tenants', 'credentials', 'limits', 'capabilities', 'faults', 'quirks', 'population', 'capturedFrom'],
  credentials: ['acceptEnvCredentials', 'bearerTokens', 'oauthClients', 'accessTokenTtlSeconds'],
  limits: ['maxResults', 'overMaxResults', 'rateLimit', 'latency', 'maxBodyBytes'],
  capabilities: ['patch', 'put', 'delete', 'bulk', 'sort', 'etag', 'filterableAttributes', 'allowedUserNameDomains', 'requiredUserAttributes'],
  faults: ['serverErrorRate', 'connectionResetRate', 'slowRate', 'slowMs'],
} as const;

/** What `sources` may cite: a quirk, or a section or field (`limits.rateLimit`). */
export const CITABLE: readonly string[] = [
  ...QUIRK_NAMES,
  'tenants',
  ...(['credentials', 'limits', 'capabilities', 'faults'] as const).flatMap((s) => [s, ...PROFILE_KEYS[s].map((k) => `${s}.${k}`)]),
];

/**
 * Validates a parsed server profile field by field and returns every problem at once, each with
 * its JSON path and the line of its key in `text` (changesets' config-rules style). `profile`
 * holds the fields that passed, so callers must not use it when `problems` is not empty.
 * `file` names the source for callers that format the problems (load-profile.ts).
 */
export function validateProfile(json: unknown, file: string, text: string): { profile: ServerProfile; problems: ProfileProblem[] } {
  const r = new Reporter(safeIndex(text));
  const profile: ServerProfile = { name: '', description: '' };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    r.add('(root)', `${file} must hold a JSON object`, 'start from fixtures/servers/default.json');
    return { profile, problems: r.problems };
  }
  const root = fields(json, '', r, { known: PROFILE_KEYS.profile, required: ['name', 'description'] }) ?? {};
  read(root, '$schema', '', str, r);
  profile.name = read(root, 'name', '', str, r) ?? '';
  profile.description = read(root, 'description', '', str, r) ?? '';
  put(profile, 'sources', read(root, 'sources', '', checkSources, r));
  put(profile, 'tenants', read(root, 'tenants', '', list(str), r));
  put(profile, 'credentials', read(root, 'credentials', '', checkCredentials, r));
  put(profile, 'limits', read(root, 'limits', '', checkLimits, r));
  put(profile, 'capabilities', read(root, 'capabilities', '', checkCapabilities, r));
  put(profile, 'faults', read(root, 'faults', '', checkFaults, r));
  put(profile, 'quirks', read(root, 'quirks', '', checkQuirks, r));
  put(profile, 'population', read(root, 'population', '', checkPopulation, r));
  put(profile, 'capturedFrom', read(root, 'capturedFrom', '', checkCapturedFrom, r));
  checkQuirkSources(profile, root, r);
  return { profile, problems: r.problems };
}

/** Sets `target[key]` only when the value passed validation (exactOptionalPropertyTypes). */
function put<T extends object, K extends keyof T>(target: T, key: K, value: Exclude<T[K], undefined> | undefined): void {
  if (value !== undefined) target[key] = value;
}

function safeIndex(text: string): Map<string, number> {
  try {
    return indexKeyLines(text);
  } catch {
    return new Map();
  }
}

const checkSources: Check<Record<string, string>> = (value, field, r) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return r.wrongType(field, 'an object of citations', value);
  const out: Record<string, string> = {};
  for (const [key, citation] of Object.entries(value)) {
    const path = joinPath(field, key);
    if (!CITABLE.includes(key)) {
      const close = suggest(key, CITABLE);
      r.add(path, `"${key}" is neither a quirk nor a profile field`, close ? `did you mean "${close}"?` : 'cite a quirk ("caseSensitiveUserName") or a field ("limits.rateLimit")');
    }
    const read = str(citation, path, r);
    if (read !== undefined) out[key] = read;
  }
  return out;
};

const checkPopulation: Check<PopulationSpec> = (value, field, r) => {
  const o = fields(value, field, r, { known: ['count', 'matchedBy', 'domain'], required: ['count'] });
  if (!o) return undefined;
  const count = read(o, 'count', field, num({ min: 0, integer: true }), r);
  const matchedBy = read(o, 'matchedBy', field, (v, f, rr) => (v === 'userName' || v === 'externalId' ? v : rr.wrongType(f, '"userName" or "externalId"', v)), r);
  const domain = read(o, 'domain', field, str, r);
  if (count === undefined) return undefined;
  const out: PopulationSpec = { count };
  put(out, 'matchedBy', matchedBy);
  put(out, 'domain', domain);
  return out;
};

const checkCount: Check<Record<string, number>> = (value, field, r) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return r.wrongType(field, 'an object of request counts', value);
  const out: Record<string, number> = {};
  for (const [key, count] of Object.entries(value)) {
    const n = num({ min: 0, integer: true })(count, joinPath(field, key), r);
    if (n !== undefined) out[key] = n;
  }
  return out;
};

const checkUndetermined: Check<{ field: string; because: string }> = (value, field, r) => {
  const o = fields(value, field, r, { known: ['field', 'because'], required: ['field', 'because'] });
  if (!o) return undefined;
  const name = read(o, 'field', field, str, r);
  const because = read(o, 'because', field, str, r);
  return name === undefined || because === undefined ? undefined : { field: name, because };
};

const checkThrottling: Check<NonNullable<CapturedFrom['throttling']>> = (value, field, r) => {
  const o = fields(value, field, r, { known: ['throttled', 'retryAfterMs', 'headers'], required: ['throttled', 'retryAfterMs', 'headers'] });
  if (!o) return undefined;
  const throttled = read(o, 'throttled', field, num({ min: 0, integer: true }), r);
  const retryAfterMs = read(o, 'retryAfterMs', field, list(num({ min: 0 })), r);
  const headers = read(o, 'headers', field, list(str), r);
  return throttled === undefined || retryAfterMs === undefined || headers === undefined ? undefined : { throttled, retryAfterMs, headers };
};

const checkCapturedFrom: Check<CapturedFrom> = (value, field, r) => {
  const known = ['origin', 'scimRoot', 'at', 'samples', 'population', 'throttling', 'undetermined'];
  const o = fields(value, field, r, { known, required: ['origin', 'scimRoot', 'at', 'samples', 'undetermined'] });
  if (!o) return undefined;
  const origin = read(o, 'origin', field, str, r);
  const scimRoot = read(o, 'scimRoot', field, str, r);
  const at = read(o, 'at', field, str, r);
  const samples = read(o, 'samples', field, checkCount, r);
  const undetermined = read(o, 'undetermined', field, list(checkUndetermined), r);
  if (origin === undefined || scimRoot === undefined || at === undefined || samples === undefined || undetermined === undefined) return undefined;
  const out: CapturedFrom = { origin, scimRoot, at, samples, undetermined };
  put(out, 'population', read(o, 'population', field, num({ min: 0, integer: true }), r));
  put(out, 'throttling', read(o, 'throttling', field, checkThrottling, r));
  return out;
};

const readWindow = (o: Record<string, unknown>, field: string, r: Reporter): ValidityWindow => {
  const w: ValidityWindow = {};
  put(w, 'validFromMs', read(o, 'validFromMs', field, num({ min: 0 }), r));
  put(w, 'validUntilMs', read(o, 'validUntilMs', field, num({ min: 0 }), r));
  if (w.validFromMs !== undefined && w.validUntilMs !== undefined && w.validUntilMs <= w.validFromMs) {
    r.add(joinPath(field, 'validUntilMs'), `must be after validFromMs (${w.validFromMs}), got ${w.validUntilMs}`, 'the credential is valid from validFromMs until validUntilMs');
  }
  return w;
};

const checkBearerToken: Check<BearerTokenSpec> = (value, field, r) => {
  const o = fields(value, field, r, { known: ['token', 'validFromMs', 'validUntilMs'], required: ['token'] });
  if (!o) return undefined;
  const token = read(o, 'token', field, str, r);
  const validity = readWindow(o, field, r);
  return token === undefined ? undefined : { token, ...validity };
};

const checkOAuthClient: Check<OAuthClientSpec> = (value, field, r) => {
  const known = ['clientId', 'clientSecret', 'scopes', 'validFromMs', 'validUntilMs'];
  const o = fields(value, field, r, { known, required: ['clientId', 'clientSecret'] });
  if (!o) return undefined;
  const clientId = read(o, 'clientId', field, str, r);
  const clientSecret = read(o, 'clientSecret', field, str, r);
  const scopes = read(o, 'scopes', field, list(str), r);
  const validity = readWindow(o, field, r);
  if (clientId === undefined || clientSecret === undefined) return undefined;
  return { clientId, clientSecret, ...(scopes ? { scopes } : {}), ...validity };
};

const checkCredentials: Check<Section<'credentials'>> = (value, field, r) => {
  const o = fields(value, field, r, { known: PROFILE_KEYS.credentials });
  if (!o) return undefined;
  const out: Section<'credentials'> = {};
  put(out, 'acceptEnvCredentials', read(o, 'acceptEnvCredentials', field, bool, r));
  put(out, 'bearerTokens', read(o, 'bearerTokens', field, list(checkBearerToken), r));
  put(out, 'oauthClients', read(o, 'oauthClients', field, list(checkOAuthClient), r));
  put(out, 'accessTokenTtlSeconds', read(o, 'accessTokenTtlSeconds', field, num({ min: 1, integer: true }), r));
  return out;
};

const checkOverMaxResults: Check<'cap' | 'tooMany'> = (value, field, r) => {
  if (value === 'cap' || value === 'tooMany') return value;
  if (typeof value !== 'string') return r.wrongType(field, '"cap" or "tooMany"', value);
  const close = suggest(value, ['cap', 'tooMany']);
  return r.add(field, `must be "cap" or "tooMany", got "${value}"`, close ? `did you mean "${close}"?` : '"cap" shortens the page, "tooMany" answers 400');
};

const checkRateLimit: Check<Section<'limits'>['rateLimit'] & object> = (value, field, r) => {
  const o = fields(value, field, r, { known: ['requestsPerSecond', 'burst'], required: ['requestsPerSecond'] });
  const requestsPerSecond = o && read(o, 'requestsPerSecond', field, num({ positive: true }), r);
  const burst = o && read(o, 'burst', field, num({ min: 1 }), r);
  if (requestsPerSecond === undefined) return undefined;
  return burst === undefined ? { requestsPerSecond } : { requestsPerSecond, burst };
};

const checkLatencySpec: Check<LatencySpec> = (value, field, r) => {
  const o = fields(value, field, r, { known: ['p50', 'p99'], required: ['p50', 'p99'] });
  const p50 = o && read(o, 'p50', field, num({ positive: true }), r);
  const p99 = o && read(o, 'p99', field, num({ positive: true }), r);
  if (p50 === undefined || p99 === undefined) return undefined;
  if (p99 < p50) return r.add(joinPath(field, 'p99'), `must be >= p50 (${p50}), got ${p99}`, 'p99 is the slow tail: 99% of requests are faster than it');
  return { p50, p99 };
};

const checkLatency: Check<NonNullable<Section<'limits'>['latency']>> = (value, field, r) => {
  const o = fields(value, field, r, { known: [...OPERATION_KINDS, 'default'], noun: 'operation kind' });
  if (!o) return undefined;
  const out: NonNullable<Section<'limits'>['latency']> = {};
  for (const kind of [...OPERATION_KINDS, 'default'] as const) put(out, kind, read(o, kind, field, checkLatencySpec, r));
  return out;
};

const checkLimits: Check<Section<'limits'>> = (value, field, r) => {
  const o = fields(value, field, r, { known: PROFILE_KEYS.limits });
  if (!o) return undefined;
  const out: Section<'limits'> = {};
  put(out, 'maxResults', read(o, 'maxResults', field, num({ min: 1, integer: true }), r));
  put(out, 'overMaxResults', read(o, 'overMaxResults', field, checkOverMaxResults, r));
  put(out, 'rateLimit', read(o, 'rateLimit', field, checkRateLimit, r));
  put(out, 'latency', read(o, 'latency', field, checkLatency, r));
  put(out, 'maxBodyBytes', read(o, 'maxBodyBytes', field, num({ min: 1, integer: true }), r));
  return out;
};

const checkBulk: Check<Section<'capabilities'>['bulk'] & {}> = (value, field, r) => {
  if (value === false) return false;
  if (value === true) return r.add(field, 'must be false or {"maxOperations", "maxPayloadSize"}, got true', 'write {"maxOperations": 1000, "maxPayloadSize": 1048576} to support Bulk');
  const o = fields(value, field, r, { known: ['maxOperations', 'maxPayloadSize'], required: ['maxOperations', 'maxPayloadSize'] });
  const maxOperations = o && read(o, 'maxOperations', field, num({ min: 1, integer: true }), r);
  const maxPayloadSize = o && read(o, 'maxPayloadSize', field, num({ min: 1, integer: true }), r);
  return maxOperations === undefined || maxPayloadSize === undefined ? undefined : { maxOperations, maxPayloadSize };
};

const domain: Check<string> = (value, field, r) => {
  const read = str(value, field, r);
  if (read?.startsWith('@')) return r.add(field, `must be a bare domain, got "${read}"`, `write "${read.slice(1)}"`);
  return read;
};

const checkCapabilities: Check<Section<'capabilities'>> = (value, field, r) => {
  const o = fields(value, field, r, { known: PROFILE_KEYS.capabilities });
  if (!o) return undefined;
  const out: Section<'capabilities'> = {};
  for (const flag of ['patch', 'put', 'delete', 'sort', 'etag'] as const) put(out, flag, read(o, flag, field, bool, r));
  put(out, 'bulk', read(o, 'bulk', field, checkBulk, r));
  put(out, 'filterableAttributes', read(o, 'filterableAttributes', field, list(str), r));
  put(out, 'allowedUserNameDomains', read(o, 'allowedUserNameDomains', field, list(domain), r));
  put(out, 'requiredUserAttributes', read(o, 'requiredUserAttributes', field, list(str), r));
  return out;
};

const checkFaults: Check<Section<'faults'>> = (value, field, r) => {
  const o = fields(value, field, r, { known: PROFILE_KEYS.faults });
  if (!o) return undefined;
  const out: Section<'faults'> = {};
  for (const share of ['serverErrorRate', 'connectionResetRate', 'slowRate'] as const) put(out, share, read(o, share, field, rate, r));
  put(out, 'slowMs', read(o, 'slowMs', field, num({ min: 0 }), r));
  if ((out.slowRate ?? 0) > 0 && o.slowMs === undefined) {
    r.add(joinPath(field, 'slowRate'), 'is set but slowMs is not, so slow requests would take no longer', 'add "slowMs": the extra milliseconds a slow request takes');
  }
  return out;
};

const checkQuirks: Check<QuirkSet> = (value, field, r) => {
  const o = fields(value, field, r, { known: QUIRK_NAMES, noun: 'quirk' });
  if (!o) return undefined;
  const out: QuirkSet = {};
  for (const name of QUIRK_NAMES) put(out, name, read(o, name, field, bool, r));
  return out;
};

/** A quirk is a deliberate departure from RFC 7644: each one on must say which real server does it. */
function checkQuirkSources(profile: ServerProfile, root: Record<string, unknown>, r: Reporter): void {
  for (const name of QUIRK_NAMES) {
    if (profile.quirks?.[name] !== true || profile.sources?.[name] !== undefined) continue;
    // A bad `sources` was reported already; do not pile a second problem on every quirk.
    if (root.sources !== undefined && profile.sources === undefined) continue;
    r.add(`quirks.${name}`, 'is on but has no citation in "sources"', `add "sources": { "${name}": "owner/repo#N" } naming the real server that behaves this way`);
  }
}
