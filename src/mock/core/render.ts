import { SCHEMA, type JsonObject, type JsonValue } from '../../scim/types.js';
import type { ScimStore, StoredResource } from './store.js';

/** Fixed epoch of simulated time, so timestamps replay identically for the same seed. */
const EPOCH_MS = Date.UTC(2026, 0, 1);

/** The last two instants rendered: created and lastModified of busy resources repeat them. */
const recentIso: [number, string, number, string] = [NaN, '', NaN, ''];

export function isoAt(ms: number): string {
  if (ms === recentIso[0]) return recentIso[1];
  if (ms === recentIso[2]) return recentIso[3];
  const iso = new Date(EPOCH_MS + ms).toISOString();
  recentIso[2] = recentIso[0];
  recentIso[3] = recentIso[1];
  recentIso[0] = ms;
  recentIso[1] = iso;
  return iso;
}

/** The weak ETag of a resource version (RFC 7644 section 3.14). */
export function etagOf(resource: StoredResource): string {
  return `W/"${resource.version}"`;
}

/** The endpoint of a resource kind. */
export function endpointOf(kind: StoredResource['kind']): '/Users' | '/Groups' {
  return kind === 'User' ? '/Users' : '/Groups';
}

/**
 * The resource as the wire shows it: stored attributes, the derived `groups` of a User, and
 * `meta` (RFC 7643 section 3.1) with created, lastModified, location and version.
 */
export function renderResource(store: ScimStore, resource: StoredResource, root: string): JsonObject {
  const location = `${root}${endpointOf(resource.kind)}/${resource.id}`;
  const wire: JsonObject = { ...resource.data, id: resource.id };
  if (resource.kind === 'User') {
    const groups = store.groupsOf(resource.id);
    if (groups.length > 0) {
      wire.groups = groups.map((g) => ({
        value: g.id,
        $ref: `${root}/Groups/${g.id}`,
        display: typeof g.data.displayName === 'string' ? g.data.displayName : '',
        type: 'direct',
      }));
    }
  }
  wire.meta = {
    resourceType: resource.kind,
    created: isoAt(resource.created),
    lastModified: isoAt(resource.lastModified),
    location,
    version: etagOf(resource),
  };
  return wire;
}

/** Keys a stored text must not hold for {@link renderUserText} to equal renderResource's JSON. */
const RENDERED_KEYS = ['"id":', '"meta":', '"groups":', '"password":'];

/**
 * The JSON text of `renderResource` for a stored User, spliced from its stored text instead of
 * parsed and serialised again (the hot path of every create, read and update reply). Undefined
 * when the splice would not give the same text; the caller then renders the object.
 */
export function renderUserText(store: ScimStore, resource: StoredResource, root: string): string | undefined {
  const text = resource.text;
  if (text === undefined) return undefined;
  // The text only changes with the data, which forgets this: scan it once per write, not per read.
  resource.spliceable ??= text.length >= 2 && !RENDERED_KEYS.some((key) => text.includes(key));
  if (!resource.spliceable) return undefined;
  let out = text.length === 2 ? `{"id":${JSON.stringify(resource.id)}` : `${text.slice(0, -1)},"id":${JSON.stringify(resource.id)}`;
  const groups = store.groupsOf(resource.id);
  if (groups.length > 0) {
    out += ',"groups":[';
    for (let i = 0; i < groups.length; i++) out += (i === 0 ? '' : ',') + groupRefText(groups[i] as StoredResource, root);
    out += ']';
  }
  // The meta object as JSON.stringify writes it (same keys, same order), without building it.
  const location = `${root}${endpointOf(resource.kind)}/${resource.id}`;
  return `${out},"meta":{"resourceType":"${resource.kind}","created":"${isoAt(resource.created)}","lastModified":"${isoAt(resource.lastModified)}","location":${JSON.stringify(location)},"version":${JSON.stringify(etagOf(resource))}}}`;
}

/**
 * A group's entry in a member's `groups`, as JSON text: the same for every member until the
 * group is renamed, so it is kept on the group (the data setter forgets it) for the last root.
 */
function groupRefText(group: StoredResource, root: string): string {
  const cached = group.refText;
  if (cached !== undefined && cached.root === root) return cached.text;
  const text = JSON.stringify({ value: group.id, $ref: `${root}/Groups/${group.id}`, display: typeof group.data.displayName === 'string' ? group.data.displayName : '', type: 'direct' });
  group.refText = { root, text };
  return text;
}

/**
 * RFC 7644 section 3.4.2.5 `attributes` / `excludedAttributes`: keeps or drops top-level
 * attributes and sub-attributes (`name.givenName`), names compared case-insensitively.
 * `id` and `schemas` are always returned; `password` never is.
 */
export function project(resource: JsonObject, attributes: readonly string[] | undefined, excluded: readonly string[] | undefined): JsonObject {
  delete resource.password;
  if (attributes && attributes.length > 0) return keepOnly(resource, attributes.map(stripCoreUrn));
  if (excluded && excluded.length > 0) return dropSome(resource, excluded.map(stripCoreUrn));
  return resource;
}

const ALWAYS = new Set(['id', 'schemas']);

function stripCoreUrn(path: string): string {
  for (const urn of [SCHEMA.user, SCHEMA.group]) {
    if (path.toLowerCase().startsWith(`${urn.toLowerCase()}:`)) return path.slice(urn.length + 1);
  }
  return path;
}

function splitPath(path: string): [string, string | undefined] {
  // An extension URN contains dots in its version ("2.0"); its attribute follows the last colon.
  const colon = path.lastIndexOf(':');
  if (colon !== -1) {
    const urn = path.slice(0, colon);
    const [attr, sub] = path.slice(colon + 1).split('.');
    return [`${urn}:${attr ?? ''}`, sub];
  }
  const [attr, sub] = path.split('.');
  return [attr ?? '', sub];
}

function keepOnly(resource: JsonObject, paths: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(resource)) if (ALWAYS.has(key)) out[key] = resource[key] as JsonValue;
  for (const path of paths) {
    const [attr, sub] = splitPath(path);
    const ext = attr.includes(':') ? attr.slice(0, attr.lastIndexOf(':')) : undefined;
    const name = ext ? attr.slice(ext.length + 1) : attr;
    const container = ext ? findKey(resource, ext) : undefined;
    const source = ext ? (container === undefined ? undefined : (resource[container] as JsonObject)) : resource;
    if (!source || typeof source !== 'object') continue;
    const key = findKey(source, name);
    if (key === undefined) continue;
    const target = ext && container ? ((out[container] ??= {}) as JsonObject) : out;
    const value = source[key] as JsonValue;
    if (sub === undefined) target[key] = value;
    else target[key] = pickSub(value, sub, (target[key] as JsonValue | undefined) ?? undefined);
  }
  return out;
}

function pickSub(value: JsonValue, sub: string, existing: JsonValue | undefined): JsonValue {
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      const prior = Array.isArray(existing) ? (existing[i] as JsonObject | undefined) : undefined;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
      const key = findKey(item, sub);
      return key === undefined ? { ...prior } : { ...prior, [key]: item[key] as JsonValue };
    });
  }
  if (value === null || typeof value !== 'object') return value;
  const key = findKey(value, sub);
  const base = existing && typeof existing === 'object' && !Array.isArray(existing) ? existing : {};
  return key === undefined ? base : { ...base, [key]: value[key] as JsonValue };
}

function dropSome(resource: JsonObject, paths: readonly string[]): JsonObject {
  const out: JsonObject = { ...resource };
  for (const path of paths) {
    const [attr, sub] = splitPath(path);
    const key = findKey(out, attr);
    if (key === undefined || ALWAYS.has(key)) continue;
    if (sub === undefined) {
      delete out[key];
      continue;
    }
    const value = out[key];
    if (Array.isArray(value)) {
      out[key] = value.map((item) => (item && typeof item === 'object' && !Array.isArray(item) ? omit(item, sub) : item));
    } else if (value && typeof value === 'object') {
      out[key] = omit(value, sub);
    }
  }
  return out;
}

function omit(object: JsonObject, name: string): JsonObject {
  const copy = { ...object };
  const key = findKey(copy, name);
  if (key !== undefined) delete copy[key];
  return copy;
}

function findKey(object: JsonObject, name: string): string | undefined {
  if (name in object) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}
