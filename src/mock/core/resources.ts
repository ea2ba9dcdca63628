import { resourceTypeByName } from '../../scim/schema.js';
import { SCHEMA, type JsonObject, type JsonValue, type PatchOperation } from '../../scim/types.js';
import { listParam, type RouteContext } from './context.js';
import { ScimHttpError, badRequest } from './errors.js';
import { jsonReply, type Reply } from './http.js';
import { normalizeResource, type NormalizeOptions } from './normalize.js';
import { applyPatch, applyPatchToCopy } from './patch/index.js';
import { etagOf, project, renderResource, renderUserText } from './render.js';
import { memberValue, type ResourceKind, type StoredResource } from './store.js';

/** RFC 7644 section 3.3: POST creates a resource; 201 with Location and ETag. */
export function createResource(ctx: RouteContext, kind: ResourceKind, body: JsonObject): Reply {
  requireSchema(body, kind);
  const data = normalizeResource(body, resourceTypeByName(kind), normalizeOptions(ctx));
  checkResource(ctx, kind, data, undefined);
  const name = data.externalId ?? (kind === 'User' ? data.userName : data.displayName);
  const resource = ctx.store.insert(kind, ctx.store.nextId(kind, typeof name === 'string' ? name : undefined), data, ctx.now);
  return resourceReply(ctx, resource, 201, true);
}

/** RFC 7644 section 3.4.1: GET of one resource. */
export function getResource(ctx: RouteContext, kind: ResourceKind, id: string): Reply {
  return resourceReply(ctx, findOrFail(ctx, kind, id), 200, false);
}

/** RFC 7644 section 3.5.1: PUT replaces every writable attribute. */
export function replaceResource(ctx: RouteContext, kind: ResourceKind, id: string, body: JsonObject): Reply {
  if (!ctx.profile.capabilities.put) throw new ScimHttpError(405, 'PUT is not supported by this server; use PATCH', undefined, { allow: 'GET, PATCH, DELETE' });
  const resource = findOrFail(ctx, kind, id);
  checkVersion(ctx, resource);
  requireSchema(body, kind);
  const data = normalizeResource(body, resourceTypeByName(kind), normalizeOptions(ctx));
  keepDeactivationQuirk(ctx, resource.data, data);
  checkResource(ctx, kind, data, resource);
  ctx.store.update(resource, data, ctx.now);
  return resourceReply(ctx, resource, 200, false);
}

/** RFC 7644 section 3.5.2: PATCH applies add / remove / replace operations in order, atomically. */
export function patchResource(ctx: RouteContext, kind: ResourceKind, id: string, body: JsonObject): Reply {
  if (!ctx.profile.capabilities.patch) throw new ScimHttpError(501, 'PATCH is not supported by this server');
  const resource = findOrFail(ctx, kind, id);
  checkVersion(ctx, resource);
  const operations = readOperations(ctx, body);
  const membersExcluded = kind === 'Group' && ctx.profile.quirks.excludedMembersPatchReplacesMembers && excludesMembers(ctx) && operations.some(targetsMembers);
  // The fast path only ever adds new members or removes present ones, so it always changes the
  // group: patchNoContentWhenUnchanged answers 200 for it.
  if (kind === 'Group' && !membersExcluded && patchMembersOnly(ctx, resource, operations)) {
    if (ctx.profile.quirks.patchNoContent) return { status: 204, headers: versionHeader(ctx, resource) };
    return resourceReply(ctx, resource, 200, false);
  }
  // Every read of a stored User is a fresh parse, so the PATCH gets one of its own instead of a
  // deep clone; a Group's data is the stored object itself, so applyPatch clones it.
  const current = resource.data;
  const before = ctx.profile.quirks.patchNoContentWhenUnchanged ? canonicalJson(current) : undefined;
  const options = normalizeOptions(ctx);
  const type = resourceTypeByName(kind);
  // excludedMembersPatchReplacesMembers: the server patches the group as it reads it for this
  // request, and with members excluded that read has none, so the result holds only what the
  // operations put there.
  const target = membersExcluded ? { ...current, id: resource.id, members: [] } : { ...current, id: resource.id };
  const patched = resource.text === undefined ? applyPatch(target, operations, type, options) : applyPatchToCopy(target, operations, type, options);
  delete patched.id;
  delete patched.meta;
  delete patched.groups;
  keepDeactivationQuirk(ctx, current, patched);
  checkResource(ctx, kind, patched, resource);
  const unchanged = before !== undefined && canonicalJson(patched) === before;
  ctx.store.update(resource, patched, ctx.now);
  if (ctx.profile.quirks.patchNoContent || unchanged) return { status: 204, headers: versionHeader(ctx, resource) };
  return resourceReply(ctx, resource, 200, false);
}

/** Whether this request's `excludedAttributes` names `members` (attribute names are case-insensitive). */
function excludesMembers(ctx: RouteContext): boolean {
  const excluded = listParam(ctx.query.get('excludedAttributes')) ?? [];
  return excluded.some((name) => name.toLowerCase() === 'members' || name.toLowerCase() === `${SCHEMA.group.toLowerCase()}:members`);
}

/** Whether an operation writes `members`: by path, or as a key of a path-less value. */
function targetsMembers(operation: PatchOperation): boolean {
  const path = operation.path?.trim().toLowerCase();
  if (path !== undefined) return path === 'members' || path.startsWith('members[') || path.startsWith('members.');
  const value = operation.value;
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((key) => key.toLowerCase() === 'members');
}

/** JSON with object keys sorted, so two resources compare equal whatever order their keys were written in. */
function canonicalJson(value: JsonValue): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** RFC 7644 section 3.6: DELETE answers 204; the resource is gone for good. */
export function deleteResource(ctx: RouteContext, kind: ResourceKind, id: string): Reply {
  if (!ctx.profile.capabilities.delete) {
    throw new ScimHttpError(405, `DELETE is not allowed on this server; deactivate the ${kind} instead`, undefined, { allow: 'GET, PUT, PATCH' });
  }
  const resource = findOrFail(ctx, kind, id);
  checkVersion(ctx, resource);
  ctx.store.delete(resource);
  return { status: 204 };
}

const MEMBER_KEYS = new Set(['value', 'display', '$ref', 'type']);
const MEMBER_FILTER = /^members\[\s*value\s+eq\s+"([^"\\]*)"\s*\]$/i;

/**
 * The fast path for the PATCH that IdPs send most: add members, or remove members by value
 * (`members[value eq "x"]`, or Entra's `remove members` with the values listed). It touches
 * only the named members instead of cloning and re-checking a group of 50,000. It applies
 * when the outcome is plain: every added value is new, every removed value is present, no
 * value appears twice, members carry only value/display/$ref/type strings. Anything else takes
 * the general PATCH engine, so the semantics are the engine's either way. Answers false when
 * it did not apply.
 */
function patchMembersOnly(ctx: RouteContext, group: StoredResource, operations: readonly PatchOperation[]): boolean {
  const added: string[] = [];
  const addedMembers: JsonObject[] = [];
  const removed: string[] = [];
  const seen = new Set<string>();
  for (const operation of operations) {
    const op = operation.op.toLowerCase();
    const path = operation.path?.trim() ?? '';
    if (op === 'add' && path.toLowerCase() === 'members' && Array.isArray(operation.value)) {
      for (const member of operation.value) {
        if (!isPlainMember(member) || seen.has(member.value) || ctx.store.isMember(group.id, member.value)) return false;
        seen.add(member.value);
        added.push(member.value);
        addedMembers.push(member);
      }
    } else if (op === 'remove') {
      const byFilter = MEMBER_FILTER.exec(path);
      const values = byFilter
        ? [byFilter[1] ?? '']
        : path.toLowerCase() === 'members' && Array.isArray(operation.value) && operation.value.every(isPlainMember)
          ? operation.value.map((m) => (m as { value: string }).value)
          : undefined;
      if (values === undefined) return false;
      for (const value of values) {
        if (seen.has(value) || !ctx.store.isMember(group.id, value)) return false;
        seen.add(value);
        removed.push(value);
      }
    } else {
      return false;
    }
  }
  for (const value of added) {
    if (!ctx.store.get('User', value) && !ctx.store.get('Group', value)) throw badRequest('invalidValue', `member ${value} does not exist`);
  }
  const current = Array.isArray(group.data.members) ? group.data.members : [];
  const gone = new Set(removed);
  const kept = gone.size === 0 ? current : current.filter((m) => !gone.has(memberValue(m) ?? ''));
  ctx.store.changeMembers(group, kept.concat(addedMembers), added, removed, ctx.now);
  return true;
}

function isPlainMember(member: JsonValue): member is JsonObject & { value: string } {
  if (member === null || typeof member !== 'object' || Array.isArray(member) || typeof member.value !== 'string') return false;
  for (const key in member) if (!MEMBER_KEYS.has(key) || typeof member[key] !== 'string') return false;
  return true;
}

function findOrFail(ctx: RouteContext, kind: ResourceKind, id: string): StoredResource {
  const resource = ctx.store.get(kind, id);
  if (!resource) throw new ScimHttpError(404, `${kind} ${id} not found`);
  return resource;
}

function resourceReply(ctx: RouteContext, resource: StoredResource, status: number, withLocation: boolean): Reply {
  const attributes = listParam(ctx.query.get('attributes'));
  const excluded = listParam(ctx.query.get('excludedAttributes'));
  const headers = versionHeader(ctx, resource);
  if (withLocation) headers.location = `${ctx.root}${kind(resource)}/${resource.id}`;
  const text = attributes === undefined && excluded === undefined ? renderUserText(ctx.store, resource, ctx.root) : undefined;
  if (text !== undefined) return { status, body: text, headers };
  return jsonReply(status, project(renderResource(ctx.store, resource, ctx.root), attributes, excluded), headers);
}

function kind(resource: StoredResource): string {
  return resource.kind === 'User' ? '/Users' : '/Groups';
}

function versionHeader(ctx: RouteContext, resource: StoredResource): Record<string, string> {
  return ctx.profile.capabilities.etag ? { etag: etagOf(resource) } : {};
}

/** RFC 7644 section 3.14: If-Match with another version answers 412. */
function checkVersion(ctx: RouteContext, resource: StoredResource): void {
  const ifMatch = ctx.headers['if-match'];
  if (!ctx.profile.capabilities.etag || ifMatch === undefined || ifMatch.trim() === '*') return;
  const current = etagOf(resource).replace(/^W\//, '');
  const matches = ifMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === current);
  if (!matches) throw new ScimHttpError(412, `version mismatch: the ${resource.kind} is at ${etagOf(resource)}, the request names ${ifMatch.trim()}`);
}

function requireSchema(body: JsonObject, kind: ResourceKind): void {
  const urn = kind === 'User' ? SCHEMA.user : SCHEMA.group;
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  if (!schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase())) {
    throw badRequest('invalidSyntax', `schemas must include ${urn}`);
  }
}

function readOperations(ctx: RouteContext, body: JsonObject): PatchOperation[] {
  const schemas = Array.isArray(body.schemas) ? body.schemas : [];
  if (!schemas.includes(SCHEMA.patchOp)) throw badRequest('invalidSyntax', `schemas must be [${SCHEMA.patchOp}]`);
  const raw = body.Operations ?? body.operations;
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('invalidSyntax', 'Operations must be a non-empty array');
  const operations = raw.map((op, i): PatchOperation => {
    if (op === null || typeof op !== 'object' || Array.isArray(op) || typeof op.op !== 'string') {
      throw badRequest('invalidSyntax', `Operations[${i}] must be an object with an op`);
    }
    const operation: PatchOperation = { op: op.op };
    if (typeof op.path === 'string') operation.path = op.path;
    if (op.value !== undefined) operation.value = op.value;
    return operation;
  });
  const quirks = ctx.profile.quirks;
  if (quirks.rejectCapitalizedPatchOps) {
    const bad = operations.find((o) => o.op !== o.op.toLowerCase());
    if (bad) throw badRequest('invalidSyntax', `unknown op "${bad.op}": expected add, remove or replace`);
  }
  if (quirks.rejectPathlessPatch && operations.some((o) => o.path === undefined)) {
    throw badRequest('noTarget', 'every operation needs a path');
  }
  return operations;
}

/** How this world reads attribute values: the quirks that make it stricter than RFC 7643. */
function normalizeOptions(ctx: RouteContext): NormalizeOptions {
  const { rejectStringBooleans, managerMustBeComplex } = ctx.profile.quirks;
  return { rejectStringBooleans, managerMustBeComplex };
}

/** The "accepts active:false and applies nothing" quirk: the stored state silently stays active. */
function keepDeactivationQuirk(ctx: RouteContext, before: JsonObject, after: JsonObject): void {
  if (ctx.profile.quirks.ignoreDeactivation && after.active === false && before.active !== false) {
    if (before.active === undefined) delete after.active;
    else after.active = before.active;
  }
}

/** Required attributes, allowed domains, uniqueness and member references. */
function checkResource(ctx: RouteContext, kind: ResourceKind, data: JsonObject, self: StoredResource | undefined): void {
  if (kind === 'Group') {
    if (typeof data.displayName !== 'string' || data.displayName === '') throw badRequest('invalidValue', 'displayName is required');
    for (const member of Array.isArray(data.members) ? data.members : []) {
      const value = memberValue(member);
      if (value === undefined || (!ctx.store.get('User', value) && !ctx.store.get('Group', value))) {
        throw badRequest('invalidValue', `member ${value ?? '(no value)'} does not exist`);
      }
    }
    return;
  }
  const userName = data.userName;
  if (typeof userName !== 'string' || userName.trim() === '') throw badRequest('invalidValue', 'userName is required');
  const domains = ctx.profile.capabilities.allowedUserNameDomains;
  if (domains && !domains.some((d) => userName.toLowerCase().endsWith(`@${d.toLowerCase()}`))) {
    throw badRequest('invalidValue', `userName must end in @${domains.join(' or @')}`);
  }
  for (const path of ctx.profile.capabilities.requiredUserAttributes) {
    if (!hasPath(data, path)) throw badRequest('invalidValue', `${path} is required by this server`);
  }
  const existing = ctx.store.findUserByUserName(userName);
  if (existing && existing !== self) throw new ScimHttpError(409, `userName ${userName} is already taken`, 'uniqueness');
}

function hasPath(data: JsonObject, path: string): boolean {
  let value: JsonValue | undefined = data;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const key: string | undefined = Object.keys(value).find((k) => k.toLowerCase() === part.toLowerCase());
    value = key === undefined ? undefined : value[key];
  }
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}
