import { findAttribute, type AttributeDef } from '../../../scim/schema.js';
import type { JsonObject, JsonValue } from '../../../scim/types.js';
import { badRequest } from '../errors.js';
import type { FilterNode } from '../filter/index.js';
import { childOf, isJsonObject, keyOf, valuesOf } from '../filter/values.js';
import { normalizeAttributeValue, normalizeSingleValue, type NormalizeOptions } from '../normalize.js';
import { isListed, keepOnePrimary, mergeElements } from './multi.js';
import type { AttributeTarget } from './target.js';

export type PatchOp = 'add' | 'replace' | 'remove';

/**
 * Applies one add / replace / remove to an attribute of `container` (the resource, or its
 * extension object), in place: the caller works on a copy. RFC 7644 sections 3.5.2.1-3.
 */
export function applyToAttribute(container: JsonObject, target: AttributeTarget, op: PatchOp, value: JsonValue | undefined, options: NormalizeOptions): void {
  if (target.filter) applyFiltered(container, target, target.filter, op, value ?? null, options);
  else if (target.sub) applySub(container, target, target.sub, op, value ?? null, options);
  else applyWhole(container, target, op, value, options);
}

function applyWhole(container: JsonObject, { def, text }: AttributeTarget, op: PatchOp, value: JsonValue | undefined, options: NormalizeOptions): void {
  if (op === 'remove') {
    // A value on a remove lists the values to remove (Entra ID's members); without one, all go.
    if (def.multiValued && value !== undefined && value !== null) {
      const listed = valuesOf(value);
      writeList(container, def.name, valuesOf(childOf(container, def.name)).filter((e) => !listed.some((l) => isListed(e, l, def))));
    } else {
      write(container, def.name, undefined);
    }
    return;
  }
  const normalized = normalizeAttributeValue(def, value ?? null, text, options);
  const current = childOf(container, def.name);
  if (normalized === undefined) {
    write(container, def.name, undefined);
  } else if (def.multiValued) {
    // add appends without duplicating; replace without a filter replaces the whole list.
    const incoming = valuesOf(normalized);
    const { list, written } = op === 'add' ? mergeElements(valuesOf(current), incoming, def) : { list: incoming, written: incoming };
    keepOnePrimary(list, written);
    write(container, def.name, list);
  } else if (isJsonObject(current) && isJsonObject(normalized)) {
    // RFC 7644 sections 3.5.2.1 and 3.5.2.3: sub-attributes the value leaves out stay as they are.
    write(container, def.name, { ...current, ...normalized });
  } else {
    write(container, def.name, normalized);
  }
}

/** `name.givenName`, or `emails.value` without a filter, which addresses every value. */
function applySub(container: JsonObject, { def, text }: AttributeTarget, sub: AttributeDef, op: PatchOp, value: JsonValue, options: NormalizeOptions): void {
  const normalized = op === 'remove' ? undefined : normalizeAttributeValue(sub, value, text, options);
  const current = childOf(container, def.name);
  if (!def.multiValued) {
    const next = withKey(isJsonObject(current) ? current : {}, sub.name, normalized);
    write(container, def.name, Object.keys(next).length === 0 ? undefined : next);
    return;
  }
  const elements = valuesOf(current);
  if (elements.length === 0 && normalized !== undefined) {
    write(container, def.name, [{ [sub.name]: normalized }]);
    return;
  }
  const next = elements.map((e) => (isJsonObject(e) ? withKey(e, sub.name, normalized) : e));
  // `emails.primary` set on every value would break RFC 7643 section 2.4; the last one keeps it.
  keepOnePrimary(next, next);
  writeList(container, def.name, next);
}

/** `emails[type eq "work"]` and `emails[type eq "work"].value`. */
function applyFiltered(
  container: JsonObject,
  { def, sub, text }: AttributeTarget,
  filter: NonNullable<AttributeTarget['filter']>,
  op: PatchOp,
  value: JsonValue,
  options: NormalizeOptions,
): void {
  const elements = valuesOf(childOf(container, def.name));
  const hits = new Set(elements.filter((e) => isJsonObject(e) && filter.matches(e)));
  const normalized =
    op === 'remove' || value === null ? undefined : sub ? normalizeAttributeValue(sub, value, text, options) : normalizeSingleValue(def, value, text, options);
  if (normalized === undefined) {
    // remove (or a null value): the matched values go, or just their sub-attribute. No match is
    // no change: RFC 7644 section 3.5.2.2 defines noTarget for a missing path only.
    const next = sub
      ? elements.map((e) => (hits.has(e) && isJsonObject(e) ? withKey(e, sub.name, undefined) : e)).filter((e) => !isJsonObject(e) || Object.keys(e).length > 0)
      : elements.filter((e) => !hits.has(e));
    writeList(container, def.name, next);
    return;
  }
  if (hits.size === 0) {
    if (op === 'replace') throw badRequest('noTarget', `${text} matches no value of ${def.name}; replace needs one to exist (RFC 7644 section 3.5.2.3)`);
    // Entra ID adds `emails[type eq "work"].value` to a user without a work email: the filter
    // describes the new value, so create it (it can only when the filter is eq terms joined by and).
    const seed = seedFromFilter(filter.node, def);
    if (!seed) throw badRequest('noTarget', `${text} matches no value of ${def.name}, and only a filter of eq terms joined by and can describe a new one`);
    const created = sub ? { ...seed, [sub.name]: normalized } : isJsonObject(normalized) ? { ...seed, ...normalized } : seed;
    const next = [...elements, created];
    keepOnePrimary(next, [created]);
    write(container, def.name, next);
    return;
  }
  const written: JsonValue[] = [];
  const next = elements.map((e) => {
    if (!hits.has(e) || !isJsonObject(e)) return e;
    // add merges into each matched value; replace swaps it (RFC 7644 section 3.5.2.3).
    const updated = sub ? withKey(e, sub.name, normalized) : op === 'add' && isJsonObject(normalized) ? { ...e, ...normalized } : normalized;
    written.push(updated);
    return updated;
  });
  keepOnePrimary(next, written);
  write(container, def.name, next);
}

/** The element `type eq "work" and display eq "W"` describes: `{ type: "work", display: "W" }`. */
function seedFromFilter(node: FilterNode, def: AttributeDef): JsonObject | undefined {
  if (node.kind === 'and') {
    const [left, right] = [seedFromFilter(node.left, def), seedFromFilter(node.right, def)];
    return left && right ? { ...left, ...right } : undefined;
  }
  if (node.kind !== 'compare' || node.op !== 'eq' || node.value === null || node.path.uri !== undefined || node.path.sub !== undefined) return undefined;
  const sub = findAttribute(def.subAttributes ?? [], node.path.name);
  return sub && { [sub.name]: node.value };
}

/** A copy of `object` with `name` (any case) set to `value`, or removed when it is undefined. */
function withKey(object: JsonObject, name: string, value: JsonValue | undefined): JsonObject {
  const copy = { ...object };
  write(copy, name, value);
  return copy;
}

/** Sets `name` under its canonical spelling, dropping other spellings; undefined removes it. */
export function write(container: JsonObject, name: string, value: JsonValue | undefined): void {
  for (let key = keyOf(container, name); key !== undefined; key = keyOf(container, name)) delete container[key];
  if (value !== undefined) container[name] = value;
}

/** An empty list is an unassigned attribute (RFC 7644 section 3.5.2.2). */
function writeList(container: JsonObject, name: string, list: JsonValue[]): void {
  write(container, name, list.length === 0 ? undefined : list);
}
