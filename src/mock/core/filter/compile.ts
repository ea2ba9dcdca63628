import { findAttribute, resolveAttribute, type AttributeDef, type ResourceTypeDef } from '../../../scim/schema.js';
import type { JsonObject, JsonValue, ScimType } from '../../../scim/types.js';
import { badRequest } from '../errors.js';
import { pathText, type AttrPath, type CompareOperator, type CompValue, type FilterNode } from './ast.js';
import { childOf, isJsonObject, isPresent, valuesOf } from './values.js';

export interface FilterOptions {
  /** The caseSensitiveUserName quirk: userName compares as if caseExact were true. */
  caseSensitiveUserName?: boolean;
}

/** Decides whether one resource (as the wire shows it, with `meta`) matches a filter. */
export type ResourceMatcher = (resource: JsonObject) => boolean;

/**
 * Compiles a parsed filter against a resource type (RFC 7644 section 3.4.2.2). Attribute names
 * resolve case-insensitively through the schema. String comparisons follow each attribute's
 * caseExact (RFC 7643 section 2.2); a multi-valued attribute matches when any value matches;
 * a complex multi-valued attribute compared without a sub-attribute compares its `value`
 * (`emails co "example.com"`). An attribute the schema does not define matches nothing, so `pr`
 * is false and `not (...)` of it is true: what most servers do, and a typo in a client's filter
 * then shows up as "not found" exactly as it would in production. Comparisons the RFC rules out
 * (`gt` on a boolean, a number against a string attribute) throw 400 invalidFilter here, before
 * any resource is read.
 */
export function compileFilter(node: FilterNode, type: ResourceTypeDef, options: FilterOptions = {}): ResourceMatcher {
  return compileNode(node, { type, options, scimType: 'invalidFilter' });
}

/**
 * Compiles the filter inside a value path (`members[value eq "x"]`) against the sub-attributes of
 * `parent`, for PATCH (RFC 7644 section 3.5.2). Errors carry `scimType` (invalidPath for PATCH).
 */
export function compileValueFilter(node: FilterNode, parent: AttributeDef, scimType: ScimType): (element: JsonObject) => boolean {
  return compileNode(node, { parent, scimType });
}

type Scope = { type: ResourceTypeDef; options: FilterOptions; scimType: ScimType } | { parent: AttributeDef; scimType: ScimType };

interface Resolved {
  def: AttributeDef;
  caseExact: boolean;
  /** Every value the path reaches in an object, multi-valued attributes flattened. */
  get: (object: JsonObject) => JsonValue[];
}

/** `schemas` is not in any schema's attribute list (RFC 7643 section 3) but filters use it. */
const SCHEMAS_ATTRIBUTE: AttributeDef = {
  name: 'schemas',
  type: 'reference',
  multiValued: true,
  required: true,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'always',
  uniqueness: 'none',
  description: 'The schema URIs the resource conforms to.',
};

function compileNode(node: FilterNode, scope: Scope): (object: JsonObject) => boolean {
  switch (node.kind) {
    case 'and': {
      const [left, right] = [compileNode(node.left, scope), compileNode(node.right, scope)];
      return (o) => left(o) && right(o);
    }
    case 'or': {
      const [left, right] = [compileNode(node.left, scope), compileNode(node.right, scope)];
      return (o) => left(o) || right(o);
    }
    case 'not': {
      const inner = compileNode(node.filter, scope);
      return (o) => !inner(o);
    }
    case 'present': {
      const resolved = resolvePath(node.path, scope);
      if (!resolved) return () => false;
      return (o) => resolved.get(o).some(isPresent);
    }
    case 'compare':
      return compileComparison(node.path, node.op, node.value, scope);
    case 'valuePath': {
      if (!('type' in scope)) throw badRequest(scope.scimType, `a value filter cannot contain another value path (${pathText(node.path)}[...])`);
      const resolved = resolvePath(node.path, scope);
      if (!resolved) return () => false;
      if (resolved.def.type !== 'complex') throw badRequest(scope.scimType, `${pathText(node.path)}[...] needs a complex attribute; ${resolved.def.name} is a ${resolved.def.type}`);
      const inner = compileNode(node.filter, { parent: resolved.def, scimType: scope.scimType });
      return (o) => resolved.get(o).some((element) => isJsonObject(element) && inner(element));
    }
  }
}

function compileComparison(path: AttrPath, op: CompareOperator, value: CompValue, scope: Scope): (object: JsonObject) => boolean {
  let resolved = resolvePath(path, scope);
  if (!resolved) return () => false;
  const text = pathText(path);
  if (resolved.def.type === 'complex') {
    const valueDef = findAttribute(resolved.def.subAttributes ?? [], 'value');
    if (!valueDef) throw badRequest(scope.scimType, `${text} is complex; compare one of its sub-attributes, e.g. ${text}.${resolved.def.subAttributes?.[0]?.name ?? 'value'}`);
    const outer = resolved.get;
    resolved = { def: valueDef, caseExact: valueDef.caseExact, get: (o) => outer(o).flatMap((element) => valuesOf(childOf(element, 'value'))) };
  }
  const { get } = resolved;
  if (value === null) {
    // `title eq null` asks for an unassigned attribute (RFC 7643 section 2.5: null is unassigned).
    if (op === 'eq') return (o) => get(o).length === 0;
    if (op === 'ne') return (o) => get(o).length > 0;
    throw badRequest(scope.scimType, `${op} null is not a comparison; use eq null, ne null or pr on ${text}`);
  }
  const test = valueTest(resolved.def, resolved.caseExact, op, value, text, scope.scimType);
  return (o) => get(o).some(test);
}

/** The test one stored value must pass, checked against the attribute type up front. */
function valueTest(def: AttributeDef, caseExact: boolean, op: CompareOperator, value: string | number | boolean, text: string, scimType: ScimType): (v: JsonValue) => boolean {
  const fail = (detail: string) => badRequest(scimType, `Failed to compare ${text}: ${detail}`);
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  switch (def.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw fail(`it is a boolean; compare it with true or false, not ${JSON.stringify(value)}`);
      if (op !== 'eq' && op !== 'ne') throw fail(`${op} is not defined for booleans (RFC 7644 section 3.4.2.2); use eq or ne`);
      return (v) => (v === value) === (op === 'eq');
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number') throw fail(`it is a number; compare it with a number, not ${JSON.stringify(value)}`);
      if (substring) throw fail(`${op} is defined for strings only; ${def.name} is ${def.type === 'integer' ? 'an integer' : 'a decimal'}`);
      return (v) => typeof v === 'number' && matchesOrder(op, Math.sign(v - value));
    case 'dateTime': {
      if (typeof value !== 'string') throw fail(`it is a dateTime; compare it with a quoted ISO 8601 string, not ${JSON.stringify(value)}`);
      const time = Date.parse(value);
      if (!substring && Number.isNaN(time)) throw fail(`${JSON.stringify(value)} is not an xsd:dateTime (e.g. "2011-05-13T04:42:34Z")`);
      // Chronological, so "…34Z" and "…34.000Z" are equal and offsets compare correctly.
      if (!substring) return (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && matchesOrder(op, Math.sign(Date.parse(v) - time));
      return stringTest(op, value, false);
    }
    default:
      if (typeof value !== 'string') throw fail(`it is a ${def.type}; compare it with a quoted string, not ${JSON.stringify(value)}`);
      if (ordering && def.type === 'binary') throw fail(`${op} is not defined for binary attributes (RFC 7644 section 3.4.2.2)`);
      return stringTest(op, value, caseExact);
  }
}

function stringTest(op: CompareOperator, value: string, caseExact: boolean): (v: JsonValue) => boolean {
  const fold = (s: string) => (caseExact ? s : s.toLowerCase());
  const wanted = fold(value);
  return (v) => {
    if (typeof v !== 'string') return false;
    const actual = fold(v);
    if (op === 'co') return actual.includes(wanted);
    if (op === 'sw') return actual.startsWith(wanted);
    if (op === 'ew') return actual.endsWith(wanted);
    return matchesOrder(op, actual === wanted ? 0 : actual < wanted ? -1 : 1);
  };
}

function matchesOrder(op: CompareOperator, sign: number): boolean {
  switch (op) {
    case 'eq':
      return sign === 0;
    case 'ne':
      return sign !== 0;
    case 'gt':
      return sign > 0;
    case 'ge':
      return sign >= 0;
    case 'lt':
      return sign < 0;
    case 'le':
      return sign <= 0;
    default:
      return false;
  }
}

/** Resolves a path in its scope; undefined for an attribute the schema does not define. */
function resolvePath(path: AttrPath, scope: Scope): Resolved | undefined {
  if (!('type' in scope)) {
    if (path.uri !== undefined) throw badRequest(scope.scimType, `a value filter names sub-attributes of ${scope.parent.name}; drop the schema URN from ${pathText(path)}`);
    const def = path.sub === undefined ? findAttribute(scope.parent.subAttributes ?? [], path.name) : undefined;
    return def && { def, caseExact: def.caseExact, get: (o) => valuesOf(childOf(o, def.name)) };
  }
  if (isSchemasPath(path, scope.type)) return { def: SCHEMAS_ATTRIBUTE, caseExact: false, get: (o) => valuesOf(childOf(o, 'schemas')) };
  const resolved = resolveAttribute(scope.type, pathText(path));
  if (!resolved) return undefined;
  const { schema, segments, def } = resolved;
  const userName = schema === undefined && segments.length === 1 && segments[0] === 'userName';
  return {
    def,
    caseExact: def.caseExact || (userName && scope.options.caseSensitiveUserName === true),
    get: (resource) => {
      let values: JsonValue[] = schema === undefined ? [resource] : valuesOf(childOf(resource, schema));
      for (const segment of segments) values = values.flatMap((v) => valuesOf(childOf(v, segment)));
      return values;
    },
  };
}

function isSchemasPath(path: AttrPath, type: ResourceTypeDef): boolean {
  const core = path.uri === undefined || path.uri.toLowerCase() === type.schema.id.toLowerCase();
  return core && path.sub === undefined && path.name.toLowerCase() === 'schemas';
}
