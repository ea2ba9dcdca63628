/**
 * A server profile: one staging world the embedded SCIM provider plays. Loaded from JSON
 * (fixtures/servers/*.json) and validated field by field (validate-profile.ts). Every field is
 * optional; `resolveProfile` fills the RFC-complete defaults of fixtures/servers/default.json.
 */

/** The operations latency and faults are configured for. */
export type OperationKind = 'create' | 'get' | 'list' | 'replace' | 'patch' | 'delete' | 'search' | 'bulk' | 'discovery' | 'token';

export const OPERATION_KINDS: readonly OperationKind[] = ['create', 'get', 'list', 'replace', 'patch', 'delete', 'search', 'bulk', 'discovery', 'token'];

/** A seeded log-normal latency with a tail: p50 and p99 in milliseconds. */
export interface LatencySpec {
  p50: number;
  p99: number;
}

/** A credential valid only within a window of the run (ms since the world started), for rotation. */
export interface ValidityWindow {
  validFromMs?: number;
  validUntilMs?: number;
}

export interface BearerTokenSpec extends ValidityWindow {
  token: string;
}

export interface OAuthClientSpec extends ValidityWindow {
  clientId: string;
  clientSecret: string;
  /** Scopes the client may request; a request for another gets invalid_scope. Empty: any. */
  scopes?: string[];
}

export interface QuirkSet {
  /** PATCH answers 204 No Content instead of 200 with the resource. */
  patchNoContent?: boolean;
  /** A filter that matches nothing answers 404 instead of an empty ListResponse. */
  notFoundForEmptyFilter?: boolean;
  /** userName is compared case-sensitively (caseExact true), against RFC 7643. */
  caseSensitiveUserName?: boolean;
  /** Booleans sent as strings ("False", Entra's default) are rejected with 400 invalidValue. */
  rejectStringBooleans?: boolean;
  /** PATCH op values other than lower-case ("Replace", Entra's default) are rejected with 400 invalidSyntax. */
  rejectCapitalizedPatchOps?: boolean;
  /** `active: false` is accepted (200) but never applied. */
  ignoreDeactivation?: boolean;
  /** `count` is ignored: every list answers all matches in one page. */
  ignoreCount?: boolean;
  /** `itemsPerPage` echoes the requested count instead of the number of Resources returned. */
  itemsPerPageEchoesCount?: boolean;
  /** A PATCH without `path` (Okta's deactivation) is rejected with 400 noTarget. */
  rejectPathlessPatch?: boolean;
  /**
   * The enterprise `manager` must be a complex value (`{ "value": id }`): a bare id, as Entra ID
   * sends it, is refused with 400 invalidValue instead of being read as `{ "value": id }`.
   */
  managerMustBeComplex?: boolean;
  /**
   * userName filters compare case-sensitively while uniqueness stays case-insensitive: a lookup
   * in another case misses the account, and the create that follows meets 409 uniqueness.
   */
  caseSensitiveUserNameFilter?: boolean;
  /**
   * PATCH answers 204 No Content, without a body, when applying it changed nothing, and 200 with
   * the resource when it changed something (SCIMMY with its express routers). Unlike
   * `patchNoContent` (always 204), a client that needs the 200 body works here until it sends a
   * PATCH that changes nothing. No shipped profile turns it on (QUIRKS_CITED_FROM_CODE).
   */
  patchNoContentWhenUnchanged?: boolean;
  /**
   * A Group PATCH whose query carries `excludedAttributes=members` (scimsim's rfc dialect sends
   * it with every membership PATCH) and whose operations write `members` is applied to the group
   * as read for that request, without its members: an `add` of members ends with only the added
   * members. SCIMMY patches the group as read under the request's excludedAttributes and hands
   * the result to the application's write handler; this quirk plays a handler that stores the
   * members it is given. A PATCH that writes no members leaves them alone. No shipped profile
   * turns it on (QUIRKS_CITED_FROM_CODE).
   */
  excludedMembersPatchReplacesMembers?: boolean;
}

export type QuirkName = keyof QuirkSet;

export interface ServerProfile {
  name: string;
  /** What world this is, and for each quirk the real servers and issues it is modelled on. */
  description: string;
  /** Citations per quirk or limit: `{ "caseSensitiveUserName": "scimgateway#89, open-webui#18039" }`. */
  sources?: Record<string, string>;
  /** Tenants served besides the env set's own; another tenant in the URL answers 404. */
  tenants?: string[];
  credentials?: {
    /** Accept the env set's own bearer token or OAuth client (default true). */
    acceptEnvCredentials?: boolean;
    bearerTokens?: BearerTokenSpec[];
    oauthClients?: OAuthClientSpec[];
    /** Lifetime of access tokens the token endpoint issues (default 3600). */
    accessTokenTtlSeconds?: number;
  };
  limits?: {
    /** filter.maxResults: the largest page (default 1000). */
    maxResults?: number;
    /** Above maxResults: cap the page (default) or answer 400 tooMany. */
    overMaxResults?: 'cap' | 'tooMany';
    /** A token bucket; above it the server answers 429 with Retry-After. */
    rateLimit?: { requestsPerSecond: number; burst?: number };
    /** Per operation; `default` applies to the rest. Absent: no latency. */
    latency?: Partial<Record<OperationKind | 'default', LatencySpec>>;
    /** Larger request bodies get 413 (default 1 MiB). */
    maxBodyBytes?: number;
  };
  capabilities?: {
    patch?: boolean;
    put?: boolean;
    delete?: boolean;
    bulk?: { maxOperations: number; maxPayloadSize: number } | false;
    sort?: boolean;
    etag?: boolean;
    /** Attributes a filter may use; others answer 400 invalidFilter. Absent: all. */
    filterableAttributes?: string[];
    /** userName must end in @ one of these domains. Absent: any. */
    allowedUserNameDomains?: string[];
    /** Attribute paths a created User must carry (besides userName). */
    requiredUserAttributes?: string[];
  };
  faults?: {
    /** Share of requests answered 500/503. */
    serverErrorRate?: number;
    /** Share of requests whose connection is reset before an answer. */
    connectionResetRate?: number;
    /** Share of requests that take `slowMs` more. */
    slowRate?: number;
    slowMs?: number;
  };
  quirks?: QuirkSet;
  population?: PopulationSpec;
  /** Where `scimsim world capture` surveyed this world; never credentials or account data. */
  capturedFrom?: CapturedFrom;
}

/**
 * Accounts already on the target before a run: some of the identity source's own users,
 * provisioned earlier by a process that matched them by `matchedBy`. With `userName` they carry
 * no externalId (the source's id was never written); with `externalId` they carry the source's.
 * Their userNames are at `domain` (default: the domain of the env set the world is built for).
 */
export interface PopulationSpec {
  /** How many of the run's users already exist (at most the run's users). */
  count: number;
  matchedBy?: 'userName' | 'externalId';
  domain?: string;
}

/**
 * The provenance of a captured profile: the target's origin and SCIM root (no credentials, no
 * query), when, how many requests of each kind the survey sent, the population it counted, what
 * rate limiting it met, and which fields it could not determine read-only (the world plays the
 * RFC default for those).
 */
export interface CapturedFrom {
  origin: string;
  scimRoot: string;
  /** ISO 8601. */
  at: string;
  /** Requests sent per operation kind (the token request included). */
  samples: Record<string, number>;
  /** `totalResults` of an unfiltered list of Users: accounts already on the target. */
  population?: number;
  /** 429 answers met, the Retry-After values they carried (ms), and rate-limit header names seen. */
  throttling?: { throttled: number; retryAfterMs: number[]; headers: string[] };
  /** Profile fields the survey could not determine read-only, each with why. */
  undetermined: Array<{ field: string; because: string }>;
}
