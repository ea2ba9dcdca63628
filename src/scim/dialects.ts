import { SCHEMA, type JsonObject, type JsonValue, type PatchOperation } from './types.js';

export type DialectName = 'rfc' | 'entra' | 'entra-flagged' | 'okta' | 'okta-aiw';

export const DIALECT_NAMES: readonly DialectName[] = ['rfc', 'entra', 'entra-flagged', 'okta', 'okta-aiw'];

/** A membership change's group and member, with the names some IdPs send along. */
export interface Membership {
  groupId: string;
  groupName: string;
  userId: string;
  /** The member's `display` (its userName), which Okta sends with each member. */
  userDisplay: string;
}

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
  /** How group memberships are changed: PATCH, or GET then PUT of the whole group (Okta AIW). */
  membership: 'patch' | 'put';
  /** Whether a GET-then-PUT sends back the `groups` and `meta` it read (Okta) or drops them. */
  putKeepsReadOnly: boolean;
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
  /** Whether its connection test probes a group as well as a user (Entra's Test Connection). */
  probesGroups: boolean;
  createBody(user: UserFields): JsonObject;
  groupBody(displayName: string): JsonObject;
  /** PATCH operations for attribute changes. */
  changeOps(change: UserChange): PatchOperation[];
  /** PATCH operations that set `active`. */
  activeOps(active: boolean): PatchOperation[];
  memberOps(kind: 'add' | 'remove', membership: Membership): PatchOperation[];
  /** A member as a PUT of the whole group lists it. */
  member(membership: Membership): JsonObject;
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
  membership: 'patch',
  putKeepsReadOnly: false,
  memberPatchQuery: '?excludedAttributes=members',
  deletesUsers: true,
  disableBeforeDelete: false,
  lookupNotFoundIsNoMatch: false,
  referencesSeparately: false,
  listsTarget: true,
  probesGroups: false,
  createBody: userResource,
  groupBody: (displayName) => ({ schemas: [SCHEMA.group], displayName, members: [] }),
  changeOps: (change) => changePaths(change).map(([path, value]) => ({ op: 'replace', path, value })),
  activeOps: (active) => [{ op: 'replace', path: 'active', value: active }],
  memberOps: (kind, { userId }) =>
    kind === 'add' ? [{ op: 'add', path: 'members', value: [{ value: userId }] }] : [{ op: 'remove', path: `members[value eq "${userId}"]` }],
  member: ({ userId }) => ({ value: userId }),
};

/** Entra's own group schema, which it lists beside the core one when it creates a group. */
const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

const ENTRA_IGNORES = {
  SCIM_UPDATE_METHOD: 'Entra ID always sends attribute changes as PATCH',
  SCIM_DEACTIVATION_MODE: 'Entra ID always deactivates with PATCH (and disables before it deletes)',
};

/**
 * What both Entra modes share (learn.microsoft.com). "How application provisioning works":
 * each source user is matched by a filter and the target is never listed; reference attributes
 * (manager) are updated in a separate step after the others; a disable and a later hard delete
 * are separate events. "Tutorial: Develop and plan provisioning for a SCIM endpoint": groups
 * are created with Entra's group schema and an `externalId` (Entra's object id; here the
 * group's name, which carries the run marker), and members are sent with `$ref`.
 */
const entraCommon = {
  ignores: ENTRA_IGNORES,
  updateMethod: 'patch',
  deactivation: 'patch',
  pageSize: undefined,
  lookupQuery: '',
  membership: 'patch',
  putKeepsReadOnly: false,
  memberPatchQuery: '',
  deletesUsers: true,
  disableBeforeDelete: true,
  lookupNotFoundIsNoMatch: false,
  referencesSeparately: true,
  listsTarget: false,
  probesGroups: true,
  createBody: userResource,
  groupBody: (displayName: string): JsonObject => ({ schemas: [SCHEMA.group, ENTRA_GROUP_SCHEMA], externalId: displayName, displayName, members: [] }),
  member: ({ userId }: Membership): JsonObject => ({ $ref: null, value: userId }),
} as const satisfies Partial<Dialect>;

/** The manager's id, pulled out of the `{ value }` changePaths gives it: Entra sends the bare id. */
function bareManager(path: string, value: JsonValue): JsonValue | undefined {
  if (!path.endsWith(':manager') || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value.value ?? null;
}

/**
 * Microsoft Entra ID in its default mode ("Known issues and resolutions with SCIM 2.0 protocol
 * compliance of the Microsoft Entra user provisioning service"): capitalised ops ("Replace",
 * "Add"), booleans as strings (`"False"`), one operation per attribute, the manager as a bare
 * id, member removal with the member in `value`. The tutorial's Disable User sample sends a
 * boolean `false`; the known-issues page, which this mode follows, says the default sends
 * `"False"`.
 */
const entra: Dialect = {
  ...entraCommon,
  name: 'entra',
  userAgent: 'Azure Active Directory SCIM Client',
  changeOps: (change) =>
    changePaths(change).map(([path, value]) => {
      const manager = bareManager(path, value);
      return manager === undefined ? { op: 'Replace', path, value } : { op: 'Add', path, value: manager };
    }),
  activeOps: (active) => [{ op: 'Replace', path: 'active', value: active ? 'True' : 'False' }],
  memberOps: (kind, membership) => [{ op: kind === 'add' ? 'Add' : 'Remove', path: 'members', value: [entraCommon.member(membership)] }],
};

/**
 * Microsoft Entra ID with the `aadOptscim062020` feature flag ("Known issues and resolutions
 * with SCIM 2.0 protocol compliance of the Microsoft Entra user provisioning service"):
 * lower-case ops, JSON booleans, the attribute changes as one path-less `replace` whose value
 * has dotted keys (`name.givenName`), and member removal by `members[value eq "…"]`. The
 * manager keeps its own PATCH (a reference attribute, "How application provisioning works").
 */
const entraFlagged: Dialect = {
  ...entraCommon,
  name: 'entra-flagged',
  userAgent: 'Azure Active Directory SCIM Client',
  changeOps: (change) => {
    const value: JsonObject = {};
    const ops: PatchOperation[] = [];
    for (const [path, v] of changePaths(change)) {
      const manager = bareManager(path, v);
      if (manager === undefined) value[path] = v;
      else ops.push({ op: 'add', path, value: manager });
    }
    return Object.keys(value).length === 0 ? ops : [{ op: 'replace', value }, ...ops];
  },
  activeOps: (active) => [{ op: 'replace', path: 'active', value: active }],
  memberOps: (kind, membership) =>
    kind === 'add' ? [{ op: 'add', path: 'members', value: [entraCommon.member(membership)] }] : [{ op: 'remove', path: `members[value eq "${membership.userId}"]` }],
};

/**
 * Okta, integrations from the Okta Integration Network (developer.okta.com, "SCIM 2.0 protocol
 * reference"): a lookup with startIndex=1&count=100 before create, where a 404 means no match;
 * a create carrying a password and `groups: []`; profile updates as GET then PUT, the PUT keeping
 * the `groups` and `meta` it read; deactivation as a path-less PATCH
 * `{"op":"replace","value":{"active":false}}`; lists of count=100; users never deleted, only
 * deactivated; each membership change a PATCH that replaces the group's `{id, displayName}` and
 * sends the member with its `display`.
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
  membership: 'patch',
  putKeepsReadOnly: true,
  memberPatchQuery: '',
  deletesUsers: false,
  disableBeforeDelete: false,
  lookupNotFoundIsNoMatch: true,
  referencesSeparately: false,
  listsTarget: true,
  probesGroups: false,
  createBody: (user) => ({ ...userResource(user), password: `Scimsim-${user.externalId}`, groups: [] }),
  groupBody: rfc.groupBody,
  changeOps: rfc.changeOps,
  activeOps: (active) => [{ op: 'replace', value: { active } }],
  memberOps: (kind, membership) => [
    { op: 'replace', value: { id: membership.groupId, displayName: membership.groupName } },
    kind === 'add'
      ? { op: 'add', path: 'members', value: [{ value: membership.userId, display: membership.userDisplay }] }
      : { op: 'remove', path: `members[value eq "${membership.userId}"]` },
  ],
  member: ({ userId, userDisplay }) => ({ value: userId, display: userDisplay }),
};

/**
 * Okta, integrations built with the App Integration Wizard ("SCIM 2.0 protocol reference"):
 * as OIN, except that deactivation and group memberships are sent as PUT (GET then PUT of the
 * whole user or group, keeping `groups` and `meta`).
 */
const oktaAiw: Dialect = {
  ...okta,
  name: 'okta-aiw',
  ignores: { ...okta.ignores, SCIM_DEACTIVATION_MODE: 'Okta App Integration Wizard apps deactivate with a PUT of active false and never delete users' },
  deactivation: 'put',
  membership: 'put',
};

const DIALECTS: Record<DialectName, Dialect> = { rfc, entra, 'entra-flagged': entraFlagged, okta, 'okta-aiw': oktaAiw };

export function getDialect(name: DialectName): Dialect {
  return DIALECTS[name];
}
