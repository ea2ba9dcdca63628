import { findAttribute, type AttributeDef } from '../../../scim/schema.js';
import type { JsonValue } from '../../../scim/types.js';
import { childOf, isJsonObject, jsonEqual } from '../filter/values.js';

/**
 * Whether two values of a multi-valued attribute are the same value, so that `add` merges
 * instead of duplicating (RFC 7644 section 3.5.2.1). Elements with a `value` are the same when
 * their values are equal (honouring caseExact) and their `type`s do not differ.
 */
export function sameElement(a: JsonValue, b: JsonValue, def: AttributeDef): boolean {
  const valueDef = findAttribute(def.subAttributes ?? [], 'value');
  const [va, vb] = [childOf(a, 'value'), childOf(b, 'value')];
  if (!valueDef || va === undefined || vb === undefined) return jsonEqual(a, b);
  if (!equalScalar(va, vb, valueDef.caseExact)) return false;
  const [ta, tb] = [childOf(a, 'type'), childOf(b, 'type')];
  return ta === undefined || tb === undefined || equalScalar(ta, tb, false);
}

/**
 * Whether an element is one of those a `remove` with a value lists: Entra ID sends
 * `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}` and means those members only.
 * Listed items are matched by `value` alone (a bare string is a `value` too).
 */
export function isListed(element: JsonValue, listed: JsonValue, def: AttributeDef): boolean {
  const valueDef = findAttribute(def.subAttributes ?? [], 'value');
  const wanted = typeof listed === 'string' ? listed : childOf(listed, 'value');
  const actual = childOf(element, 'value');
  if (!valueDef || wanted === undefined || actual === undefined) return jsonEqual(element, listed);
  return equalScalar(actual, wanted, valueDef.caseExact);
}

/**
 * Appends `incoming` to `current`, merging each into an existing same element instead of
 * duplicating it. Returns the new list and the elements written (the merged ones included).
 */
export function mergeElements(current: JsonValue[], incoming: JsonValue[], def: AttributeDef): { list: JsonValue[]; written: JsonValue[] } {
  const list = [...current];
  const written: JsonValue[] = [];
  for (const item of incoming) {
    const index = list.findIndex((existing) => sameElement(existing, item, def));
    const existing = list[index];
    if (index === -1 || existing === undefined) {
      list.push(item);
      written.push(item);
    } else {
      const merged = isJsonObject(existing) && isJsonObject(item) ? { ...existing, ...item } : item;
      list[index] = merged;
      written.push(merged);
    }
  }
  return { list, written };
}

/**
 * RFC 7643 section 2.4: `primary: true` may appear once. The last written element that sets it
 * wins; every other element's `primary` becomes false.
 */
export function keepOnePrimary(list: JsonValue[], written: readonly JsonValue[]): void {
  const winner = written.findLast((element) => isJsonObject(element) && element.primary === true);
  if (winner === undefined) return;
  for (const element of list) {
    if (element !== winner && isJsonObject(element) && element.primary === true) element.primary = false;
  }
}

function equalScalar(a: JsonValue, b: JsonValue, caseExact: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string' && !caseExact) return a.toLowerCase() === b.toLowerCase();
  return jsonEqual(a, b);
}
