import type { BearerTokenSpec, LatencySpec, OAuthClientSpec, OperationKind, QuirkSet, ServerProfile } from './types.js';
import { QUIRK_NAMES } from './validate-profile.js';

/** A server profile with every default filled in: what the embedded provider actually plays. */
export interface ResolvedProfile {
  name: string;
  description: string;
  sources: Readonly<Record<string, string>>;
  tenants: readonly string[];
  credentials: {
    acceptEnvCredentials: boolean;
    bearerTokens: readonly BearerTokenSpec[];
    oauthClients: readonly OAuthClientSpec[];
    accessTokenTtlSeconds: number;
  };
  limits: {
    maxResults: number;
    overMaxResults: 'cap' | 'tooMany';
    /** Undefined: no rate limit. `burst` defaults to the rate (at least 1 token). */
    rateLimit: { requestsPerSecond: number; burst: number } | undefined;
    /** Empty: no latency. */
    latency: Partial<Record<OperationKind | 'default', LatencySpec>>;
    maxBodyBytes: number;
  };
  capabilities: {
    patch: boolean;
    put: boolean;
    delete: boolean;
    bulk: { maxOperations: number; maxPayloadSize: number } | false;
    sort: boolean;
    etag: boolean;
    /** Undefined: every attribute is filterable. */
    filterableAttributes: readonly string[] | undefined;
    /** Undefined: any userName domain. */
    allowedUserNameDomains: readonly string[] | undefined;
    requiredUserAttributes: readonly string[];
  };
  faults: { serverErrorRate: number; connectionResetRate: number; slowRate: number; slowMs: number };
  quirks: Required<QuirkSet>;
  /** count 0: the target starts empty. `domain` undefined: the env set's own. */
  population: { count: number; matchedBy: 'userName' | 'externalId'; domain: string | undefined };
}

/** RFC 7644's bulk limits as commonly advertised (section 3.7, ServiceProviderConfig bulk). */
const DEFAULT_BULK = { maxOperations: 1000, maxPayloadSize: 1_048_576 } as const;
const ONE_MIB = 1_048_576;

/**
 * Fills every default of a (validated) profile: RFC 7643/7644 complete (PATCH, PUT, DELETE,
 * Bulk, sort, ETag, filter on any attribute, pages of up to 1000 capped), no rate limit, no
 * latency, no faults, no quirks, the env set's own credentials accepted, 1-hour access tokens
 * and 1 MiB bodies: the world of fixtures/servers/default.json. Copies every array.
 */
export function resolveProfile(profile: ServerProfile): ResolvedProfile {
  const { credentials = {}, limits = {}, capabilities = {}, faults = {}, quirks = {} } = profile;
  const rateLimit = limits.rateLimit;
  return {
    name: profile.name,
    description: profile.description,
    sources: { ...profile.sources },
    tenants: [...(profile.tenants ?? [])],
    credentials: {
      acceptEnvCredentials: credentials.acceptEnvCredentials ?? true,
      bearerTokens: (credentials.bearerTokens ?? []).map((t) => ({ ...t })),
      oauthClients: (credentials.oauthClients ?? []).map((c) => ({ ...c, ...(c.scopes ? { scopes: [...c.scopes] } : {}) })),
      accessTokenTtlSeconds: credentials.accessTokenTtlSeconds ?? 3600,
    },
    limits: {
      maxResults: limits.maxResults ?? 1000,
      overMaxResults: limits.overMaxResults ?? 'cap',
      rateLimit: rateLimit && {
        requestsPerSecond: rateLimit.requestsPerSecond,
        // A bucket smaller than one token would refuse every request.
        burst: rateLimit.burst ?? Math.max(1, rateLimit.requestsPerSecond),
      },
      latency: { ...limits.latency },
      maxBodyBytes: limits.maxBodyBytes ?? ONE_MIB,
    },
    capabilities: {
      patch: capabilities.patch ?? true,
      put: capabilities.put ?? true,
      delete: capabilities.delete ?? true,
      bulk: capabilities.bulk === false ? false : { ...(capabilities.bulk ?? DEFAULT_BULK) },
      sort: capabilities.sort ?? true,
      etag: capabilities.etag ?? true,
      filterableAttributes: capabilities.filterableAttributes && [...capabilities.filterableAttributes],
      allowedUserNameDomains: capabilities.allowedUserNameDomains && [...capabilities.allowedUserNameDomains],
      requiredUserAttributes: [...(capabilities.requiredUserAttributes ?? [])],
    },
    faults: {
      serverErrorRate: faults.serverErrorRate ?? 0,
      connectionResetRate: faults.connectionResetRate ?? 0,
      slowRate: faults.slowRate ?? 0,
      slowMs: faults.slowMs ?? 0,
    },
    quirks: Object.fromEntries(QUIRK_NAMES.map((name) => [name, quirks[name] ?? false])) as Required<QuirkSet>,
    population: { count: profile.population?.count ?? 0, matchedBy: profile.population?.matchedBy ?? 'userName', domain: profile.population?.domain },
  };
}
