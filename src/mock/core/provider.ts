import { SCIM_CONTENT_TYPE, type JsonObject } from '../../scim/types.js';
import type { OAuthClientSpec, OperationKind } from '../profile/types.js';
import type { ResolvedProfile } from '../profile/resolve-profile.js';
import { runBulk } from './bulk.js';
import { WorldConditions, requestKey } from './conditions.js';
import type { RouteContext } from './context.js';
import { CredentialBook } from './credentials.js';
import { resourceTypes, schemas, serviceProviderConfig } from './discovery.js';
import { ScimHttpError, badRequest } from './errors.js';
import { errorReply, finish, type ProviderRequest, type ProviderResponse, type Reply } from './http.js';
import { listResources, paramsFromQuery, paramsFromSearch } from './list.js';
import { createResource, deleteResource, getResource, patchResource, replaceResource } from './resources.js';
import { ScimStore, type ResourceKind } from './store.js';

export interface ProviderOptions {
  profile: ResolvedProfile;
  /** The SCIM root's path, e.g. `/acme-staging/scim/v2`. */
  basePath: string;
  /** The tenant, when it is a segment of basePath: other tenants in that place answer 404. */
  tenantId?: string | undefined;
  /** The env set's own credentials, accepted unless the profile says otherwise. */
  bearerTokens?: readonly string[];
  oauthClients?: readonly OAuthClientSpec[];
  /** Path of the client-credentials token endpoint, when the env set uses oauth2. */
  tokenPath?: string | undefined;
  seed: number | string;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The embedded SCIM 2.0 service provider: a pure function of its state, the request and the
 * time (no sockets, no timers). Adapters (msw handlers, the loopback server, the in-process
 * transport) feed it requests and apply the latency and faults it decides, so all three give
 * identical answers.
 */
export class ScimProvider {
  readonly store: ScimStore;
  readonly profile: ResolvedProfile;
  readonly #conditions: WorldConditions;
  readonly #credentials: CredentialBook;
  readonly #root: RootMatcher;
  readonly #tokenPath: string | undefined;

  constructor(options: ProviderOptions) {
    const { profile } = options;
    this.profile = profile;
    this.store = new ScimStore(options.seed, { caseSensitiveUserNames: profile.quirks.caseSensitiveUserName });
    this.#conditions = new WorldConditions({ rateLimit: profile.limits.rateLimit, latency: profile.limits.latency, faults: profile.faults }, options.seed);
    const own = profile.credentials.acceptEnvCredentials;
    this.#credentials = new CredentialBook(
      {
        bearerTokens: [...(own ? (options.bearerTokens ?? []).map((token) => ({ token })) : []), ...profile.credentials.bearerTokens],
        oauthClients: [...(own ? (options.oauthClients ?? []) : []), ...profile.credentials.oauthClients],
        accessTokenTtlSeconds: profile.credentials.accessTokenTtlSeconds,
      },
      options.seed,
    );
    this.#root = new RootMatcher(options.basePath, options.tenantId, profile.tenants);
    this.#tokenPath = options.tokenPath;
  }

  /** Answers one request arriving at `now` (ms since the world started). Never throws. */
  handle(request: ProviderRequest, now: number): ProviderResponse {
    const url = splitUrl(request.url);
    const method = request.method.toUpperCase();
    if (this.#tokenPath !== undefined && url.pathname === this.#tokenPath && method === 'POST') {
      const conditions = this.#conditions.decide('token', now, requestKey(method, url.pathname, url.search, request.body));
      return finish(this.#credentials.issueToken(request.body, request.headers.authorization, now), conditions.latencyMs);
    }
    const route = this.#root.match(url.pathname);
    const conditions = this.#conditions.decide(operationKind(method, route?.rest ?? ''), now, requestKey(method, url.pathname, url.search, request.body));
    const reply = this.#reply(request, method, url, route, conditions.retryAfterSeconds, conditions.fault, now);
    if (reply === 'reset') return { status: 0, headers: {}, body: undefined, latencyMs: conditions.latencyMs, fault: 'reset' };
    return finish(reply, conditions.latencyMs);
  }

  #reply(
    request: ProviderRequest,
    method: string,
    url: RequestUrl,
    route: { root: string; rest: string } | undefined,
    retryAfterSeconds: number | undefined,
    fault: 'reset' | 'server-error' | undefined,
    now: number,
  ): Reply | 'reset' {
    try {
      if (!route) throw new ScimHttpError(404, `${url.pathname} is not a SCIM endpoint of this server`);
      this.#credentials.authorize(request.headers.authorization, now);
      if (retryAfterSeconds !== undefined) {
        throw new ScimHttpError(429, 'too many requests', undefined, { 'retry-after': String(retryAfterSeconds) });
      }
      if (fault === 'reset') return 'reset';
      if (fault === 'server-error') throw new ScimHttpError(503, 'the service is temporarily unavailable');
      const body = METHODS_WITH_BODY.has(method) ? this.#readBody(request) : undefined;
      const ctx: RouteContext = { store: this.store, profile: this.profile, root: `${url.origin}${route.root}`, now, query: url.search === '' ? NO_QUERY : new URLSearchParams(url.search), headers: request.headers };
      return this.#dispatch(ctx, method, route.rest, body, request.body?.length ?? 0);
    } catch (error) {
      if (error instanceof ScimHttpError) return errorReply(error);
      const message = error instanceof Error ? error.message : String(error);
      return errorReply(new ScimHttpError(500, `internal error in the embedded provider (a scimsim bug): ${message}`));
    }
  }

  #readBody(request: ProviderRequest): JsonObject {
    const text = request.body ?? '';
    // A UTF-16 code unit is at most 3 bytes of UTF-8: most bodies need no byte count at all.
    if (text.length * 3 > this.profile.limits.maxBodyBytes && Buffer.byteLength(text) > this.profile.limits.maxBodyBytes) {
      throw new ScimHttpError(413, `the request body is larger than ${this.profile.limits.maxBodyBytes} bytes`);
    }
    const type = request.headers['content-type'] ?? '';
    if (type !== SCIM_CONTENT_TYPE && !/^application\/(scim\+)?json\b/i.test(type.trim())) {
      throw new ScimHttpError(415, `Content-Type must be application/scim+json, not ${type === '' ? '(none)' : type}`, 'invalidSyntax');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest('invalidSyntax', 'the request body is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
    return parsed as JsonObject;
  }

  #dispatch(ctx: RouteContext, method: string, rest: string, body: JsonObject | undefined, bodyBytes: number): Reply {
    const [, first = '', second, third] = rest.split('/');
    const segment = first.toLowerCase();
    const need = (allowed: string): void => {
      if (!allowed.split(',').includes(method)) throw new ScimHttpError(405, `${method} is not allowed on ${rest}`, undefined, { allow: allowed.replace(/,/g, ', ') });
    };
    if (third !== undefined) throw new ScimHttpError(404, `${rest} is not a SCIM endpoint`);
    switch (segment) {
      case 'serviceproviderconfig':
        need('GET');
        return serviceProviderConfig(ctx);
      case 'resourcetypes':
        need('GET');
        return resourceTypes(ctx, second);
      case 'schemas':
        need('GET');
        return schemas(ctx, second === undefined ? undefined : decodeURIComponent(second));
      case 'bulk':
        need('POST');
        return runBulk(ctx, body ?? {}, bodyBytes, (m, path, data, headers) =>
          this.#dispatch({ ...ctx, headers: { ...ctx.headers, ...headers }, query: new URLSearchParams() }, m, path, data, 0),
        );
      case '.search':
        need('POST');
        return listResources(ctx, 'User', paramsFromSearch(body ?? {}));
      case 'users':
      case 'groups':
        return this.#resourceRoute(ctx, segment === 'users' ? 'User' : 'Group', method, second === undefined ? undefined : decodeURIComponent(second), body, need);
      default:
        throw new ScimHttpError(404, `${rest || '/'} is not a SCIM endpoint`);
    }
  }

  #resourceRoute(ctx: RouteContext, kind: ResourceKind, method: string, id: string | undefined, body: JsonObject | undefined, need: (m: string) => void): Reply {
    if (id === undefined) {
      need('GET,POST');
      return method === 'GET' ? listResources(ctx, kind, paramsFromQuery(ctx.query)) : createResource(ctx, kind, body ?? {});
    }
    if (id === '.search') {
      need('POST');
      return listResources(ctx, kind, paramsFromSearch(body ?? {}));
    }
    need('GET,PUT,PATCH,DELETE');
    if (method === 'GET') return getResource(ctx, kind, id);
    if (method === 'PUT') return replaceResource(ctx, kind, id, body ?? {});
    if (method === 'PATCH') return patchResource(ctx, kind, id, body ?? {});
    return deleteResource(ctx, kind, id);
  }
}

/** The parts of a request URL the provider reads. */
interface RequestUrl {
  origin: string;
  pathname: string;
  /** The query without its `?`; empty when there is none. */
  search: string;
}

/** Handlers only read the query; requests without one share this. */
const NO_QUERY: URLSearchParams = new URLSearchParams();

/**
 * An http(s) URL whose origin is already canonical (lower-case host, no default port, no
 * userinfo) and whose path holds only unreserved characters, no `.` or `..` segment and no
 * percent-escape, no punycode label (the parser validates those) and no control character in
 * the query: exactly what WHATWG URL parsing would give back unchanged. Every request the
 * built-in client sends looks like this, so they skip the full parse.
 */
const PLAIN_URL =
  /^(https?:\/\/(?![^/?]*xn--)(?:(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*|(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))(?::[1-9]\d{0,3})?)((?:\/(?!\.\.?(?:[/?]|$))[A-Za-z0-9._~-]*)*)(?:\?([^#\s\x00-\x1f]*))?$/;

/** Splits a request URL, with the full WHATWG parse for anything not plainly canonical. */
function splitUrl(text: string): RequestUrl {
  const plain = PLAIN_URL.exec(text);
  if (plain && !(plain[1] as string).endsWith(text.startsWith('https:') ? ':443' : ':80')) {
    return { origin: plain[1] as string, pathname: plain[2] || '/', search: plain[3] ?? '' };
  }
  const url = new URL(text);
  return { origin: url.origin, pathname: url.pathname, search: url.search.slice(1) };
}

/** The operation a request is, for latency per operation. */
function operationKind(method: string, rest: string): OperationKind {
  const [, first = '', second] = rest.split('/');
  const segment = first.toLowerCase();
  if (segment === 'bulk') return 'bulk';
  if (segment !== 'users' && segment !== 'groups' && segment !== '.search') return 'discovery';
  if (segment === '.search' || second === '.search') return 'search';
  if (second === undefined) return method === 'POST' ? 'create' : 'list';
  if (method === 'PUT') return 'replace';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return 'delete';
  return 'get';
}

/**
 * Matches the SCIM root, case-sensitively as URLs are. When the tenant is a path segment, any
 * served tenant may stand in its place; the root of a request keeps the tenant it named.
 */
class RootMatcher {
  readonly #basePath: string;
  readonly #segments: string[];
  readonly #tenantIndex: number;
  readonly #tenants: Set<string>;

  constructor(basePath: string, tenantId: string | undefined, extraTenants: readonly string[]) {
    this.#basePath = basePath.replace(/\/+$/, '');
    this.#segments = this.#basePath.split('/');
    this.#tenantIndex = tenantId === undefined ? -1 : this.#segments.indexOf(tenantId);
    this.#tenants = new Set([...(tenantId === undefined ? [] : [tenantId]), ...extraTenants]);
  }

  match(pathname: string): { root: string; rest: string } | undefined {
    // Nearly every request names the configured root itself: the segment-by-segment walk below
    // would match it segment for segment and give this same root and rest.
    const base = this.#basePath;
    if (pathname.startsWith(base) && (pathname.length === base.length || pathname.charCodeAt(base.length) === 47)) {
      return { root: base, rest: pathname.slice(base.length) };
    }
    const parts = pathname.split('/');
    if (parts.length < this.#segments.length) return undefined;
    for (let i = 0; i < this.#segments.length; i++) {
      const part = parts[i] ?? '';
      const ok = i === this.#tenantIndex ? this.#tenants.has(part) : part === this.#segments[i];
      if (!ok) return undefined;
    }
    const root = parts.slice(0, this.#segments.length).join('/');
    return { root, rest: pathname.slice(root.length) };
  }
}
