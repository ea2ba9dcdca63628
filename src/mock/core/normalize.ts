import { findAttribute, resolveAttribute, type AttributeDef, type ResourceTypeDef, type SchemaDef } from '../../scim/schema.js';
import type { JsonObject, JsonValue } from '../../scim/types.js';
import { badRequest, type ScimHttpError } from './errors.js';
import { isJsonObject } from './filter/values.js';

export interface NormalizeOptions {
  /** The rejectStringBooleans quirk: `"False"` for a boolean is 400 invalidValue instead of false. */
  rejectStringBooleans?: boolean;
  /** The managerMustBeComplex quirk: a bare-id manager is 400 invalidValue instead of `{ value }`. */
  managerMustBeComplex?: boolean;
}

/**
 * Turns a POST or PUT body into the data the store keeps (RFC 7644 sections 3.3 and 3.5.1):
 * attribute names in their canonical case (RFC 7643 section 2.1), at the top level, in
 * sub-attributes and in extension objects keyed by their URN (matched case-insensitively;
 * `urn:...:enterprise:2.0:User:department` keys are accepted too); string booleans coerced or
 * rejected; values checked against their type (400 invalidValue); at most one `primary` per
 * multi-valued attribute (RFC 7643 section 2.4); readOnly attributes the client sent (id, meta,
 * groups) dropped, as RFC 7643 section 7 says they are ignored; attributes no schema defines
 * dropped; null, empty lists and empty objects dropped as unassigned (RFC 7643 section 2.5).
 * `schemas` is kept as sent. The input is not modified.
 */
export function normalizeResource(input: JsonObject, type: ResourceTypeDef, options: NormalizeOptions = {}): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const route = routeOf(type, key);
    if (route.kind === 'schemas') {
      if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw badRequest('invalidValue', 'schemas must be an array of schema URIs');
      out.schemas = value.map((urn) => internUrn(urn as string));
      continue;
    }
    if (route.kind === 'extension') {
      const extension = route.extension;
      if (value === null) continue;
      if (!isJsonObject(value)) throw mismatch(extension.id, `an object of ${extension.name} attributes`, value);
      for (const [name, v] of Object.entries(value)) place(out, extension.id, findAttribute(extension.attributes, name), v, `${extension.id}:${name}`, options);
      continue;
    }
    if (route.kind === 'attribute') place(out, route.schema, route.def, value, key, options);
  }
  return out;
}

/** Where a top-level key of a resource body goes: `schemas`, an extension object, an attribute, or nowhere. */
type Route =
  | { kind: 'schemas' }
  | { kind: 'extension'; extension: SchemaDef }
  | { kind: 'attribute'; schema: string | undefined; def: AttributeDef }
  | { kind: 'dropped' };

/**
 * Routes per resource type and key. Every POST and PUT body repeats the same dozen keys, and a
 * key's route depends only on the schema, so each is worked out once. Bounded, so bodies with
 * endless distinct keys cannot grow it.
 */
const routes = new WeakMap<ResourceTypeDef, Map<string, Route>>();
const MAX_ROUTES = 1024;

function routeOf(type: ResourceTypeDef, key: string): Route {
  let known = routes.get(type);
  if (!known) routes.set(type, (known = new Map()));
  let route = known.get(key);
  if (route === undefined) {
    route = findRoute(type, key);
    if (known.size < MAX_ROUTES) known.set(key, route);
  }
  return route;
}

function findRoute(type: ResourceTypeDef, key: string): Route {
  if (key.toLowerCase() === 'schemas') return { kind: 'schemas' };
  const extension = type.extensions.find((e) => e.id.toLowerCase() === key.toLowerCase());
  if (extension) return { kind: 'extension', extension };
  const resolved = resolveAttribute(type, key);
  // A dotted key (`name.givenName`) is a PATCH form, not an attribute of a resource body.
  if (resolved && resolved.parent === undefined) return { kind: 'attribute', schema: resolved.schema, def: resolved.def };
  return { kind: 'dropped' };
}

/** Schema URNs repeat on every resource: 100k users share a few strings instead of 200k copies. */
const URNS = new Map<string, string>();

function internUrn(urn: string): string {
  const known = URNS.get(urn);
  if (known !== undefined) return known;
  if (URNS.size < 256) URNS.set(urn, urn);
  return urn;
}

function place(out: JsonObject, schema: string | undefined, def: AttributeDef | undefined, value: JsonValue, where: string, options: NormalizeOptions): void {
  if (!def || def.mutability === 'readOnly') return;
  const normalized = normalizeAttributeValue(def, value, where, options);
  if (normalized === undefined) return;
  if (schema === undefined) {
    out[def.name] = normalized;
    return;
  }
  const existing = out[schema];
  const container: JsonObject = isJsonObject(existing) ? existing : {};
  container[def.name] = normalized;
  out[schema] = container;
}

/**
 * Checks and canonicalises one attribute's value against its definition, for POST, PUT and
 * PATCH alike. Returns undefined for an unassigned value (null, `[]`, `{}`). A lone value given
 * for a multi-valued attribute is read as a list of one, as most servers do. Throws 400
 * invalidValue naming `where` for a value of the wrong type or two primary values.
 */
export function normalizeAttributeValue(def: AttributeDef, value: JsonValue, where: string, options: NormalizeOptions): JsonValue | undefined {
  if (value === null) return undefined;
  if (!def.multiValued) {
    if (Array.isArray(value)) throw mismatch(where, `a single ${def.type} value`, value);
    return normalizeSingleValue(def, value, where, options);
  }
  const list = Array.isArray(value) ? value : [value];
  const items = list.flatMap((item, i) => {
    const normalized = item === null ? undefined : normalizeSingleValue(def, item, `${where}[${i}]`, options);
    return normalized === undefined ? [] : [normalized];
  });
  const primaries = items.filter((item) => isJsonObject(item) && item.primary === true).length;
  if (primaries > 1) throw badRequest('invalidValue', `${where} has ${primaries} values with primary true; at most one may be primary (RFC 7643 section 2.4)`);
  return items.length === 0 ? undefined : items;
}

/** One value of an attribute (one element of a multi-valued one); undefined for an empty complex value. */
export function normalizeSingleValue(def: AttributeDef, value: JsonValue, where: string, options: NormalizeOptions): JsonValue | undefined {
  switch (def.type) {
    case 'complex':
      return normalizeComplex(def, value, where, options);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
        // Entra ID sends "True"/"False" by default; some servers refuse them (the quirk).
        if (options.rejectStringBooleans) throw badRequest('invalidValue', `${where} must be a boolean: got the string ${JSON.stringify(value)}, send true or false without quotes`);
        return value.toLowerCase() === 'true';
      }
      throw mismatch(where, 'a boolean', value);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw mismatch(where, 'an integer', value);
    case 'decimal':
      if (typeof value === 'number') return value;
      throw mismatch(where, 'a number', value);
    default:
      if (typeof value === 'string') return value;
      throw mismatch(where, `a string (${def.type})`, value);
  }
}

function normalizeComplex(def: AttributeDef, value: JsonValue, where: string, options: NormalizeOptions): JsonObject | undefined {
  const subAttributes = def.subAttributes ?? [];
  // Entra ID sends the enterprise `manager` as the bare id (learn.microsoft.com Q&A 188003).
  if (typeof value === 'string' && !def.multiValued && findAttribute(subAttributes, 'value')) {
    if (options.managerMustBeComplex) throw mismatch(where, 'a complex value such as {"value": "<id>"}', value);
    return { value };
  }
  if (!isJsonObject(value)) throw mismatch(where, 'an object of sub-attributes', value);
  const out: JsonObject = {};
  for (const [key, sub] of Object.entries(value)) {
    const subDef = findAttribute(subAttributes, key);
    if (!subDef || subDef.mutability === 'readOnly') continue;
    const normalized = normalizeAttributeValue(subDef, sub, `${where}.${subDef.name}`, options);
    if (normalized !== undefined) out[subDef.name] = normalized;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

function mismatch(where: string, expected: string, value: JsonValue): ScimHttpError {
  return badRequest('invalidValue', `${where} must be ${expected}, got ${describe(value)}`);
}

function describe(value: JsonValue): string {
  if (Array.isArray(value)) return 'an array';
  if (isJsonObject(value)) return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}
