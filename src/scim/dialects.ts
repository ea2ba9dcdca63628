import { SCHEMA, type JsonObject, type JsonValue, type PatchOperation } from './types.js';

export type DialectName = 'rfc' | 'entra' | 'okta';

export const DIALECT_NAMES: readonly DialectName[] = ['rfc', 'entra', 'okta'];

/** The attributes the client manages on a user. */
export interface UserFields {
  userName: string;
  externalId: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  title?: string | undefined;
  department?: string | undefined;
  phone?: string | undefined;
  managerId?: string | undefined;
  active: boolean;
}

export type UserChange = Partial<Omit<UserFields, 'externalId' | 'active'>>;

/**
 * How an identity provider shapes its requests. The env set chooses what a connector can choose;
 * where an identity provider has no such choice the dialect fixes it, and `check --dialect`
 * warns that the variable has no effect.
 */
export interface Dialect {
  name: DialectName;
  userAgent: string;
  /** Catalog variables this identity provider does not let you choose, with why. */
  ignores: Readonly<Record<string, string>>;
  /** `undefined` when the env set decides. */
  updateMethod: 'patch' | 'put' | undefined;
  deactivation: 'patch' | 'put' | undefined;
  /** Fixed page size of lists, when the IdP does not take one from config. */
  pageSize: number | undefined;
  /** Extra query of the match-before-create lookup. */
  lookupQuery: string;
  /**
   * Query of a group-membership PATCH. RFC 7644 section 3.5.2 lets the client name the
   * attributes it wants back; without it a 200 answer carries every member of the group.
   */
  memberPatchQuery: string;
  /** Whether the IdP deletes users at all; Okta only deactivates. */
  deletesUsers: boolean;
  /**
   * Entra disables a user before deleting it, as a separate event: a failed disable does not
   * stop the later delete.
   */
  disableBeforeDelete: boolean;
  /** A 404 on the match-before-create lookup means "no match" and the create goes on (Okta). */
  lookupNotFoundIsNoMatch: boolean;
  /** Reference attributes (manager) go in their own PATCH after the other attributes (Entra). */
  referencesSeparately: boolean;
  /**
   * Whether a sync lists the whole target to find leavers. Entra never lists: it matches each
   * source user by a filter.
   */
  listsTarget: boolean;
  createBody(user: UserFields): JsonObject;
  /** PATCH operations for attribute changes. */
  changeOps(change: UserChange): PatchOperation[];
  /** PATCH operations that set `active`. */
  activeOps(active: boolean): PatchOperation[];
  memberOps(kind: 'add' | 'remove', userId: string): PatchOperation[];
}

const ENTERPRISE = SCHEMA.enterpriseUser;

function userResource(user: UserFields): JsonObject {
  const resource: JsonObject = {
    schemas: [SCHEMA.user, ENTERPRISE],
    userName: user.userName,
    externalId: user.externalId,
    name: { givenName: user.givenName, familyName: user.familyName, formatted: `${user.givenName} ${user.familyName}` },
    displayName: user.displayName,
    emails: [{ value: user.email, type: 'work', primary: true }],
    active: user.active,
  };
  if (user.title !== undefined) resource.title = user.title;
  if (user.phone !== undefined) resource.phoneNumbers = [{ value: user.phone, type: 'work' }];
  const enterprise: JsonObject = {};
  if (user.department !== undefined) enterprise.department = user.department;
  if (user.managerId !== undefined) enterprise.manager = { value: user.managerId };
  if (Object.keys(enterprise).length > 0) resource[ENTERPRISE] = enterprise;
  return resource;
}

/** Attribute changes as (path, value) pairs, in the RFC's path syntax. */
function changePaths(change: UserChange): Array<[string, JsonValue]> {
  const pairs: Array<[string, JsonValue]> = [];
  if (change.userName !== undefined) pairs.push(['userName', change.userName]);
  if (change.givenName !== undefined) pairs.push(['name.givenName', change.givenName]);
  if (change.familyName !== undefined) pairs.push(['name.familyName', change.familyName]);
  if (change.displayName !== undefined) pairs.push(['displayName', change.displayName]);
  if (change.email !== undefined) pairs.push(['emails[type eq "work"].value', change.email]);
  if (change.title !== undefined) pairs.push(['title', change.title]);
  if (change.department !== undefined) pairs.push([`${ENTERPRISE}:department`, change.department]);
  if (change.managerId !== undefined) pairs.push([`${ENTERPRISE}:manager`, { value: change.managerId }]);
  return pairs;
}

/** RFC 7644 as written: lower-case ops, JSON booleans, every change in one PATCH. */
const rfc: Dialect = {
  name: 'rfc',
  userAgent: 'scimsim (rfc dialect)',
  ignores: {},
  updateMethod: undefined,
  deactivation: undefined,
  pageSize: undefined,
  lookupQuery: '&count=1',
  memberPatchQuery: '?excludedAttributes=members',
  deletesUsers: true,
  disableBeforeDelete: false,
  lookupNotFoundIsNoMatch: false,
  referencesSeparately: false,
  listsTarget: true,
  createBody: userResource,
  changeOps: (change) => changePaths(change).map(([path, value]) => ({ op: 'replace', path, value })),
  activeOps: (active) => [{ op: 'replace', path: 'active', value: active }],
  memberOps: (kind, userId) =>
    kind === 'add' ? [{ op: 'add', path: 'members', value: [{ value: userId }] }] : [{ op: 'remove', path: `members[value eq "${userId}"]` }],
};

/**
 * Microsoft Entra ID in its default mode (learn.microsoft.com, "Tutorial: Develop and plan
 * provisioning for a SCIM endpoint", and "Known issues for provisioning": the aadOptscim062020
 * flag fixes what follows): capitalised ops ("Replace", "Add"), booleans as strings ("False"),
 * one operation per attribute, the manager as a bare id, member removal with the member in
 * `value`, users disabled before they are deleted. Entra always updates and deactivates with
 * PATCH: SCIM_UPDATE_METHOD and SCIM_DEACTIVATION_MODE have no effect.
 */
const entra: Dialect = {
  name: 'entra',
  userAgent: 'Azure Active Directory SCIM Client',
  ignores: {
    SCIM_UPDATE_METHOD: 'Entra ID always sends attribute changes as PATCH',
    SCIM_DEACTIVATION_MODE: 'Entra ID always deactivates with PATCH active "False" (and disables before it deletes)',
  },
  updateMethod: 'patch',
  deactivation: 'patch',
  pageSize: undefined,
  lookupQuery: '',
  memberPatchQuery: '',
  deletesUsers: true,
  // "How application provisioning works": a disable (soft delete) and a later hard delete are
  // separate events; reference attributes are updated in a separate step after the others;
  // each source user is matched by a filter, the target is never listed.
  disableBeforeDelete: true,
  lookupNotFoundIsNoMatch: false,
  referencesSeparately: true,
  listsTarget: false,
  createBody: userResource,
  changeOps: (change) =>
    changePaths(change).map(([path, value]) =>
      path.endsWith(':manager') && typeof value === 'object' && value !== null && !Array.isArray(value)
        ? { op: 'Add', path, value: value.value ?? null }
        : { op: 'Replace', path, value },
    ),
  activeOps: (active) => [{ op: 'Replace', path: 'active', value: active ? 'True' : 'False' }],
  memberOps: (kind, userId) => [{ op: kind === 'add' ? 'Add' : 'Remove', path: 'members', value: [{ value: userId }] }],
};

/**
 * Okta (developer.okta.com, "SCIM 2.0 protocol reference" and OIN SCIM requirements): a
 * lookup with startIndex=1&count=100 before create, profile updates as GET then PUT,
 * deactivation as a PATCH without path `{"op":"replace","value":{"active":false}}`, lists of
 * count=100, and users are never deleted, only deactivated. SCIM_UPDATE_METHOD,
 * SCIM_DEACTIVATION_MODE and SCIM_PAGE_SIZE have no effect.
 */
const okta: Dialect = {
  name: 'okta',
  userAgent: 'Okta SCIM Client 1.0.0',
  ignores: {
    SCIM_UPDATE_METHOD: 'Okta sends profile updates as GET then PUT',
    SCIM_DEACTIVATION_MODE: 'Okta deactivates with a path-less PATCH and never deletes users',
    SCIM_PAGE_SIZE: 'Okta lists with count=100',
  },
  updateMethod: 'put',
  deactivation: 'patch',
  pageSize: 100,
  lookupQuery: '&startIndex=1&count=100',
  memberPatchQuery: '',
  deletesUsers: false,
  disableBeforeDelete: false,
  // "SCIM 2.0 protocol reference": a 404 on the lookup before create means no match.
  lookupNotFoundIsNoMatch: true,
  referencesSeparately: false,
  listsTarget: true,
  createBody: (user) => ({ ...userResource(user), password: `Scimsim-${user.externalId}`, groups: [] }),
  changeOps: rfc.changeOps,
  activeOps: (active) => [{ op: 'replace', value: { active } }],
  memberOps: rfc.memberOps,
};

const DIALECTS: Record<DialectName, Dialect> = { rfc, entra, okta };

export function getDialect(name: DialectName): Dialect {
  return DIALECTS[name];
}
