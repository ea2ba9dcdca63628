import { resolveAttribute, resourceTypeByName } from '../../scim/schema.js';
import { SCHEMA, type JsonObject, type JsonValue } from '../../scim/types.js';
import { listParam, type RouteContext } from './context.js';
import { ScimHttpError, badRequest } from './errors.js';
import { compileFilter, equalityLookup, filterAttributes, parseFilter } from './filter/index.js';
import { jsonReply, type Reply } from './http.js';
import { project, renderResource, renderUserText } from './render.js';
import type { ResourceKind, StoredResource } from './store.js';

/** The parameters of a list, from a query string or a SearchRequest body (RFC 7644 section 3.4.3). */
export interface ListParams {
  filter: string | undefined;
  startIndex: number;
  count: number | undefined;
  sortBy: string | undefined;
  sortOrder: 'ascending' | 'descending';
  attributes: string[] | undefined;
  excludedAttributes: string[] | undefined;
}

/** Reads list parameters from the query (GET) per RFC 7644 section 3.4.2. */
export function paramsFromQuery(query: URLSearchParams): ListParams {
  return {
    filter: query.get('filter') ?? undefined,
    startIndex: readInt(query.get('startIndex'), 'startIndex') ?? 1,
    count: readInt(query.get('count'), 'count'),
    sortBy: query.get('sortBy') ?? undefined,
    sortOrder: query.get('sortOrder') === 'descending' ? 'descending' : 'ascending',
    attributes: listParam(query.get('attributes')),
    excludedAttributes: listParam(query.get('excludedAttributes')),
  };
}

/** Reads list parameters from a POST /.search body (RFC 7644 section 3.4.3). */
export function paramsFromSearch(body: JsonObject): ListParams {
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  if (!schemas.includes(SCHEMA.searchRequest)) throw badRequest('invalidSyntax', `schemas must be [${SCHEMA.searchRequest}]`);
  const text = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
  const list = (v: JsonValue | undefined): string[] | undefined => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined);
  const int = (v: JsonValue | undefined, name: string): number | undefined =>
    v === undefined || v === null ? undefined : readInt(String(v), name);
  return {
    filter: text(body.filter),
    startIndex: int(body.startIndex, 'startIndex') ?? 1,
    count: int(body.count, 'count'),
    sortBy: text(body.sortBy),
    sortOrder: body.sortOrder === 'descending' ? 'descending' : 'ascending',
    attributes: list(body.attributes),
    excludedAttributes: list(body.excludedAttributes),
  };
}

function readInt(value: string | null, name: string): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (!/^-?\d+$/.test(value.trim())) throw badRequest('invalidValue', `${name} must be an integer`);
  return Number(value);
}

/**
 * RFC 7644 section 3.4.2: a page of resources matching the filter, in creation order (stable
 * across pages), 1-based startIndex, `count` capped at filter.maxResults (or 400 tooMany when
 * the profile says so), totalResults over all matches.
 */
export function listResources(ctx: RouteContext, kind: ResourceKind, params: ListParams): Reply {
  const { profile } = ctx;
  const matches = findMatches(ctx, kind, params.filter);
  if (params.filter !== undefined && matches.length === 0 && profile.quirks.notFoundForEmptyFilter) {
    throw new ScimHttpError(404, `no ${kind} matches the filter`);
  }
  const sorted = sortMatches(ctx, kind, matches, params);
  const maxResults = profile.limits.maxResults;
  let count = params.count === undefined ? maxResults : Math.max(0, params.count);
  if (count > maxResults && !profile.quirks.ignoreCount) {
    if (profile.limits.overMaxResults === 'tooMany') {
      throw badRequest('tooMany', `count ${count} is above this server's maximum of ${maxResults} results per page`);
    }
    count = maxResults;
  }
  const startIndex = Math.max(1, params.startIndex);
  const page = profile.quirks.ignoreCount ? sorted.slice(startIndex - 1) : sorted.slice(startIndex - 1, startIndex - 1 + count);
  const itemsPerPage = profile.quirks.itemsPerPageEchoesCount && params.count !== undefined ? params.count : page.length;
  const texts = params.attributes === undefined && params.excludedAttributes === undefined ? renderUserTexts(ctx, page) : undefined;
  if (texts !== undefined) {
    // The same bytes as the object form below (a full sync's hot path): the envelope as
    // JSON.stringify writes it, with each User spliced from its stored text.
    const envelope = `{"schemas":${JSON.stringify([SCHEMA.listResponse])},"totalResults":${JSON.stringify(matches.length)},"startIndex":${JSON.stringify(startIndex)},"itemsPerPage":${JSON.stringify(itemsPerPage)}`;
    return { status: 200, body: `${envelope},"Resources":[${texts.join(',')}]}`, headers: {} };
  }
  const resources = page.map((r) => project(renderResource(ctx.store, r, ctx.root), params.attributes, params.excludedAttributes));
  return jsonReply(200, {
    schemas: [SCHEMA.listResponse],
    totalResults: matches.length,
    startIndex,
    itemsPerPage,
    Resources: resources,
  });
}

/** Every resource of the page as renderUserText splices it, or undefined if one cannot be. */
function renderUserTexts(ctx: RouteContext, page: readonly StoredResource[]): string[] | undefined {
  const texts: string[] = [];
  for (const resource of page) {
    const text = renderUserText(ctx.store, resource, ctx.root);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}

/** Matches, answered from an index for `id`, `userName` or `externalId` eq, otherwise by scanning. */
function findMatches(ctx: RouteContext, kind: ResourceKind, filter: string | undefined): readonly StoredResource[] {
  const all = ctx.store.all(kind);
  if (filter === undefined || filter.trim() === '') return all;
  const node = parseFilter(filter);
  const allowed = ctx.profile.capabilities.filterableAttributes;
  if (allowed) {
    const refused = filterAttributes(node).find((a) => !allowed.some((b) => b.toLowerCase() === a.toLowerCase()));
    if (refused) throw badRequest('invalidFilter', `filtering on ${refused} is not supported by this server`);
  }
  // Either quirk compares userName case-sensitively in filters; only caseSensitiveUserName also
  // lets the store hold two accounts that differ in case (uniqueness stays case-insensitive otherwise).
  const caseSensitiveUserName = ctx.profile.quirks.caseSensitiveUserName || ctx.profile.quirks.caseSensitiveUserNameFilter;
  const lookup = equalityLookup(node);
  if (lookup) {
    const found =
      lookup.attribute === 'id'
        ? ctx.store.get(kind, lookup.value)
        : lookup.attribute === 'externalId'
          ? ctx.store.findByExternalId(kind, lookup.value)
          : lookup.attribute === 'userName' && kind === 'User'
            ? ctx.store.findUserByUserName(lookup.value)
            : undefined;
    // The index answers the common case; the compiled filter still decides (exact case rules).
    // A miss needs no filter at all: match-before-create asks for absent users most of the time.
    if (lookup.attribute !== 'displayName') {
      if (!found) return [];
      const matcher = compileFilter(node, resourceTypeByName(kind), { caseSensitiveUserName });
      return matcher(renderResource(ctx.store, found, ctx.root)) ? [found] : [];
    }
  }
  const matcher = compileFilter(node, resourceTypeByName(kind), { caseSensitiveUserName });
  return all.filter((r) => matcher(renderResource(ctx.store, r, ctx.root)));
}

function sortMatches(ctx: RouteContext, kind: ResourceKind, matches: readonly StoredResource[], params: ListParams): readonly StoredResource[] {
  if (params.sortBy === undefined || !ctx.profile.capabilities.sort) return matches;
  const resolved = resolveAttribute(resourceTypeByName(kind), params.sortBy);
  if (!resolved) throw badRequest('invalidPath', `cannot sort by unknown attribute ${params.sortBy}`);
  const keyOf = (r: StoredResource): string => {
    let value: JsonValue | undefined = resolved.segments[0] === 'id' ? r.id : r.data;
    for (const segment of resolved.segments) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) break;
      value = value[segment];
    }
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value).toLowerCase() : '';
  };
  const direction = params.sortOrder === 'descending' ? -1 : 1;
  // One key per resource, read once: reading a stored User parses it.
  const keyed = matches.map((r) => ({ r, key: keyOf(r) }));
  keyed.sort((a, b) => (a.key === b.key ? 0 : a.key < b.key ? -direction : direction));
  return keyed.map((k) => k.r);
}
