import type { ResourceTypeDef } from '../../../scim/schema.js';
import type { JsonObject, JsonValue, PatchOperation } from '../../../scim/types.js';
import { ScimHttpError, badRequest } from '../errors.js';
import { childOf, isJsonObject, jsonEqual, keyOf } from '../filter/values.js';
import type { NormalizeOptions } from '../normalize.js';
import { applyToAttribute, write, type PatchOp } from './operations.js';
import { resolveTarget, type Target } from './target.js';

export type PatchOptions = NormalizeOptions;

/**
 * Applies PATCH operations (RFC 7644 section 3.5.2) in order and returns a new resource; the
 * input is not modified, so a failing operation leaves nothing half-applied.
 *
 * - `op` is case-insensitive ("Replace" is Entra ID's spelling); another op is 400 invalidSyntax.
 * - Paths resolve case-insensitively and values are stored under canonical names, so
 *   `"path": "Active"` sets `active`. An unknown attribute or a path that does not parse is
 *   400 invalidPath.
 * - Without a path, `value` is an object whose keys are paths: attribute names, `name.givenName`,
 *   `emails[type eq "work"].value` (Entra ID), URN-prefixed attributes, or extension URNs whose
 *   value is an object of that extension's attributes.
 * - add appends to multi-valued attributes without duplicating, merges complex ones and replaces
 *   the rest; replace with a value filter that matches nothing is 400 noTarget (3.5.2.3); remove
 *   without a path is 400 noTarget (3.5.2.2); remove of a multi-valued attribute with a value
 *   removes only the listed values (Entra ID's member removal, azure-docs#30826).
 * - Writing a readOnly attribute (id, meta, groups) is 400 mutability, unless the value is the
 *   one stored (Okta sends `id` back in its path-less replace). Removing a required attribute
 *   (userName, a Group's displayName) is 400 mutability as well: its current state does not
 *   allow the change (RFC 7644 section 3.12).
 * - `primary: true` on one value clears it on the others (RFC 7643 section 2.4).
 * - Booleans sent as "True"/"False" are coerced, or 400 invalidValue with rejectStringBooleans;
 *   other type mismatches are 400 invalidValue.
 *
 * Errors name the operation: `Operations[1] (replace emails[type eq "fax"].value): ...`.
 */
export function applyPatch(resource: JsonObject, operations: readonly PatchOperation[], type: ResourceTypeDef, options: PatchOptions = {}): JsonObject {
  return applyPatchToCopy(structuredClone(resource), operations, type, options);
}

/**
 * applyPatch on a copy the caller owns and will throw away if this throws (a stored User is
 * parsed afresh on every read): it is changed in place and returned, with no second copy.
 */
export function applyPatchToCopy(result: JsonObject, operations: readonly PatchOperation[], type: ResourceTypeDef, options: PatchOptions = {}): JsonObject {
  operations.forEach((operation, index) => {
    try {
      applyOperation(result, operation, type, options);
    } catch (error) {
      if (!(error instanceof ScimHttpError)) throw error;
      const where = `Operations[${index}] (${operation.op}${operation.path === undefined ? '' : ` ${operation.path}`})`;
      throw new ScimHttpError(error.status, `${where}: ${error.message}`, error.scimType, error.headers);
    }
  });
  syncExtensionSchemas(result, type);
  return result;
}

function applyOperation(resource: JsonObject, operation: PatchOperation, type: ResourceTypeDef, options: PatchOptions): void {
  const op = operation.op.toLowerCase();
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw badRequest('invalidSyntax', `unknown op ${JSON.stringify(operation.op)}; expected add, remove or replace (RFC 7644 section 3.5.2)`);
  }
  if (op !== 'remove' && operation.value === undefined) throw badRequest('invalidValue', `${op} needs a value`);
  const path = operation.path?.trim() ?? '';
  if (path !== '') {
    applyAt(resource, resolveTarget(path, type), op, operation.value, type, options);
    return;
  }
  if (op === 'remove') throw badRequest('noTarget', 'remove needs a path naming what to remove (RFC 7644 section 3.5.2.2)');
  if (!isJsonObject(operation.value)) throw badRequest('invalidValue', `${op} without a path needs an object of attributes as its value (RFC 7644 section 3.5.2)`);
  for (const [key, value] of Object.entries(operation.value)) {
    // `schemas` follows the data (syncExtensionSchemas); a client sending it back changes nothing.
    if (key.toLowerCase() === 'schemas') continue;
    applyAt(resource, resolveTarget(key, type), op, value, type, options);
  }
}

function applyAt(resource: JsonObject, target: Target, op: PatchOp, value: JsonValue | undefined, type: ResourceTypeDef, options: PatchOptions): void {
  if (target.kind === 'extension') {
    const id = target.schema.id;
    // Emptied rather than deleted, so that syncExtensionSchemas also drops the URN from schemas.
    if (op === 'remove' || value === null) {
      write(resource, id, {});
      return;
    }
    if (!isJsonObject(value)) throw badRequest('invalidValue', `${id} must be an object of ${target.schema.name} attributes`);
    for (const [name, v] of Object.entries(value)) applyAt(resource, resolveTarget(`${id}:${name}`, type), op, v, type, options);
    return;
  }
  const container = containerOf(resource, target.schema, op !== 'remove');
  if (!container) return;
  const { def, sub } = target;
  if (def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    // Never applied: accepted only when it would change nothing (Okta echoes `id` back).
    const current = sub && !target.filter ? childOf(childOf(container, def.name), sub.name) : childOf(container, def.name);
    if (op === 'remove' ? current === undefined : jsonEqual(current, value)) return;
    throw new ScimHttpError(400, `${target.text} is readOnly and cannot be changed (RFC 7643 section 2.2)`, 'mutability');
  }
  applyToAttribute(container, target, op, value, options);
  if (def.required && childOf(container, def.name) === undefined) {
    throw new ScimHttpError(400, `${def.name} is required and cannot be removed; replace it with a new value instead`, 'mutability');
  }
}

/** The object that holds the attribute: the resource, or its extension object (created for writes). */
function containerOf(resource: JsonObject, schema: string | undefined, create: boolean): JsonObject | undefined {
  if (schema === undefined) return resource;
  const key = keyOf(resource, schema);
  const existing = key === undefined ? undefined : resource[key];
  if (isJsonObject(existing)) {
    if (key !== schema) write(resource, schema, existing);
    return existing;
  }
  if (!create) return undefined;
  const created: JsonObject = {};
  write(resource, schema, created);
  return created;
}

/**
 * RFC 7643 section 3: `schemas` lists the extensions a resource carries. A PATCH that adds the
 * first enterprise attribute adds its URN; one that empties the extension drops both.
 */
function syncExtensionSchemas(resource: JsonObject, type: ResourceTypeDef): void {
  for (const extension of type.extensions) {
    const key = keyOf(resource, extension.id);
    if (key === undefined) continue;
    const data = resource[key];
    const schemas = Array.isArray(resource.schemas) ? resource.schemas : undefined;
    const listed = schemas?.some((s) => typeof s === 'string' && s.toLowerCase() === extension.id.toLowerCase()) ?? false;
    if (isJsonObject(data) && Object.keys(data).length > 0) {
      if (schemas && !listed) resource.schemas = [...schemas, extension.id];
    } else {
      delete resource[key];
      if (schemas && listed) resource.schemas = schemas.filter((s) => typeof s !== 'string' || s.toLowerCase() !== extension.id.toLowerCase());
    }
  }
}
