import { findAttribute, resolveAttribute, type AttributeDef, type ResourceTypeDef, type SchemaDef } from '../../../scim/schema.js';
import type { JsonObject } from '../../../scim/types.js';
import { badRequest } from '../errors.js';
import { compileValueFilter, parsePatchPath, type FilterNode } from '../filter/index.js';
import { pathText } from '../filter/ast.js';

/** What a PATCH path points at, resolved against the schema with canonical names. */
export type Target =
  | { kind: 'extension'; text: string; schema: SchemaDef }
  | AttributeTarget;

export interface AttributeTarget {
  kind: 'attribute';
  /** The path as the client wrote it, for messages. */
  text: string;
  /** The extension URN the attribute lives under; undefined for the core schema. */
  schema: string | undefined;
  /** The top-level attribute. */
  def: AttributeDef;
  /** `name.givenName`, `emails[...].value`: the sub-attribute. */
  sub: AttributeDef | undefined;
  /** `emails[type eq "work"]`: the value filter, with its compiled element test. */
  filter: { node: FilterNode; matches: (element: JsonObject) => boolean } | undefined;
}

/**
 * Resolves a PATCH path (RFC 7644 section 3.5.2) case-insensitively (RFC 7643 section 2.1):
 * `attr`, `attr.sub`, `urn:...:attr(.sub)`, `attr[filter]`, `attr[filter].sub`, or an extension
 * URN alone. A path that does not parse, or names an attribute the schema does not define,
 * throws 400 invalidPath.
 */
export function resolveTarget(text: string, type: ResourceTypeDef): Target {
  let known = resolved.get(type);
  if (!known) resolved.set(type, (known = new Map()));
  const cached = known.get(text);
  if (cached) return cached;
  const target = resolveUncached(text, type);
  if (known.size < MAX_RESOLVED) known.set(text, target);
  return target;
}

/**
 * Resolved paths per resource type. Clients send the same few paths on every PATCH (Entra's
 * `emails[type eq "work"].value` among them), and a Target is never modified after it is built
 * (its filter test is pure), so parsing and compiling each once is enough. Bounded, so a client
 * that sends endless distinct paths cannot grow it; a path that fails to resolve is not kept.
 */
const resolved = new WeakMap<ResourceTypeDef, Map<string, Target>>();
const MAX_RESOLVED = 1024;

function resolveUncached(text: string, type: ResourceTypeDef): Target {
  const trimmed = text.trim();
  const extension = type.extensions.find((e) => e.id.toLowerCase() === trimmed.toLowerCase());
  if (extension) return { kind: 'extension', text, schema: extension };
  const parsed = parsePatchPath(trimmed);
  const resolved = resolveAttribute(type, pathText(parsed.path));
  if (!resolved) throw badRequest('invalidPath', `${pathText(parsed.path)} is not an attribute of ${type.name}`);
  const top = resolved.parent ?? resolved.def;
  const base: Pick<AttributeTarget, 'kind' | 'text' | 'schema' | 'def'> = { kind: 'attribute', text, schema: resolved.schema, def: top };
  if (parsed.filter === undefined) return { ...base, sub: resolved.parent ? resolved.def : undefined, filter: undefined };
  if (top.type !== 'complex' || !top.multiValued) {
    throw badRequest('invalidPath', `${top.name} is not a multi-valued complex attribute, so it cannot take a value filter`);
  }
  const sub = parsed.sub === undefined ? undefined : findAttribute(top.subAttributes ?? [], parsed.sub);
  if (parsed.sub !== undefined && !sub) throw badRequest('invalidPath', `${parsed.sub} is not a sub-attribute of ${top.name}`);
  return { ...base, sub, filter: { node: parsed.filter, matches: compileValueFilter(parsed.filter, top, 'invalidPath') } };
}
