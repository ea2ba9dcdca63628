import { SCHEMA, type JsonObject } from './types.js';

/** RFC 7643 section 2.3 attribute types. */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

/** RFC 7643 section 7 attribute characteristics, reduced to what the provider acts on. */
export interface AttributeDef {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  description: string;
  subAttributes?: AttributeDef[];
  canonicalValues?: string[];
  referenceTypes?: string[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

type Options = Partial<Omit<AttributeDef, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttributeType, description: string, options: Options = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    description,
    ...options,
  };
}

/** The sub-attributes every multi-valued attribute of RFC 7643 section 2.4 carries. */
function multi(name: string, description: string, valueType: AttributeType, types: string[], extra: AttributeDef[] = []): AttributeDef {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attr('value', valueType, `The ${name} value.`),
      attr('display', 'string', 'A human-readable name.'),
      attr('type', 'string', 'A label indicating the function.', { canonicalValues: types }),
      attr('primary', 'boolean', 'Indicates the primary value; at most one may be true.'),
      ...extra,
    ],
  });
}

const userSchema: SchemaDef = {
  id: SCHEMA.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    attr('userName', 'string', 'Unique identifier for the User.', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', 'The components of the user’s real name.', {
      subAttributes: [
        attr('formatted', 'string', 'The full name.'),
        attr('familyName', 'string', 'The family name.'),
        attr('givenName', 'string', 'The given name.'),
        attr('middleName', 'string', 'The middle name(s).'),
        attr('honorificPrefix', 'string', 'The honorific prefix(es).'),
        attr('honorificSuffix', 'string', 'The honorific suffix(es).'),
      ],
    }),
    attr('displayName', 'string', 'The name of the User, suitable for display.'),
    attr('nickName', 'string', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', 'A URI of the user’s online profile.', { referenceTypes: ['external'] }),
    attr('title', 'string', 'The user’s title.'),
    attr('userType', 'string', 'The relationship between the organization and the user.'),
    attr('preferredLanguage', 'string', 'The preferred written or spoken language.'),
    attr('locale', 'string', 'The default location of the user.'),
    attr('timezone', 'string', 'The time zone, in IANA format.'),
    attr('active', 'boolean', 'The user’s administrative status.'),
    attr('password', 'string', 'The user’s cleartext password.', { mutability: 'writeOnly', returned: 'never' }),
    multi('emails', 'Email addresses for the user.', 'string', ['work', 'home', 'other']),
    multi('phoneNumbers', 'Phone numbers for the user.', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multi('ims', 'Instant messaging addresses.', 'string', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    multi('photos', 'URLs of photos of the user.', 'reference', ['photo', 'thumbnail']),
    attr('addresses', 'complex', 'A physical mailing address for this user.', {
      multiValued: true,
      subAttributes: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type']
        .map((n) => attr(n, 'string', `The ${n} component.`))
        .concat([attr('primary', 'boolean', 'Indicates the primary address.')]),
    }),
    attr('groups', 'complex', 'Groups the user belongs to.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'string', 'The group’s id.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group.', { mutability: 'readOnly', referenceTypes: ['Group'] }),
        attr('display', 'string', 'The group’s display name.', { mutability: 'readOnly' }),
        attr('type', 'string', 'direct or indirect.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multi('entitlements', 'Entitlements of the user.', 'string', []),
    multi('roles', 'Roles of the user.', 'string', []),
    multi('x509Certificates', 'Certificates of the user.', 'binary', []),
  ],
};

const enterpriseUserSchema: SchemaDef = {
  id: SCHEMA.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attr('employeeNumber', 'string', 'Identifier assigned by the organization.'),
    attr('costCenter', 'string', 'Name of a cost center.'),
    attr('organization', 'string', 'Name of an organization.'),
    attr('division', 'string', 'Name of a division.'),
    attr('department', 'string', 'Name of a department.'),
    attr('manager', 'complex', 'The user’s manager.', {
      subAttributes: [
        attr('value', 'string', 'The id of the manager.'),
        attr('$ref', 'reference', 'The URI of the manager.', { referenceTypes: ['User'] }),
        attr('displayName', 'string', 'The manager’s display name.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

const groupSchema: SchemaDef = {
  id: SCHEMA.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    attr('displayName', 'string', 'A human-readable name for the Group.', { required: true }),
    attr('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'Identifier of the member.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the member.', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        attr('display', 'string', 'The member’s display name.', { mutability: 'immutable' }),
        attr('type', 'string', 'User or Group.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
    }),
  ],
};

/** Attributes every resource has (RFC 7643 section 3.1), looked up before the schema's own. */
export const COMMON_ATTRIBUTES: AttributeDef[] = [
  attr('id', 'string', 'Unique identifier assigned by the service provider.', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attr('externalId', 'string', 'Identifier assigned by the provisioning client.', { caseExact: true }),
  attr('meta', 'complex', 'Resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attr('resourceType', 'string', 'The resource type.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'When the resource was last modified.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource.', { caseExact: true, mutability: 'readOnly' }),
      attr('version', 'string', 'The version (ETag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export const SCHEMAS: readonly SchemaDef[] = [userSchema, enterpriseUserSchema, groupSchema];

/** A resource type: its core schema and the extensions it may carry (RFC 7643 section 6). */
export interface ResourceTypeDef {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  schema: SchemaDef;
  extensions: SchemaDef[];
}

export const RESOURCE_TYPES: readonly ResourceTypeDef[] = [
  { name: 'User', endpoint: '/Users', schema: userSchema, extensions: [enterpriseUserSchema] },
  { name: 'Group', endpoint: '/Groups', schema: groupSchema, extensions: [] },
];

/** The schema document of RFC 7643 section 7 for /Schemas. */
export function schemaDocument(schema: SchemaDef, location: string): JsonObject {
  return {
    schemas: [SCHEMA.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location },
  };
}

function attributeDocument(a: AttributeDef): JsonObject {
  const doc: JsonObject = {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
  };
  if (a.subAttributes) doc.subAttributes = a.subAttributes.map(attributeDocument);
  if (a.canonicalValues) doc.canonicalValues = a.canonicalValues;
  if (a.referenceTypes) doc.referenceTypes = a.referenceTypes;
  return doc;
}

/**
 * Resolves an attribute path (`userName`, `name.givenName`, `emails.value`,
 * `urn:...:enterprise:2.0:User:manager.value`) against a resource type, case-insensitively as
 * RFC 7643 section 2.1 requires. Returns the canonical path segments, the extension schema URN
 * when the path lives in one, and the definition; undefined for unknown attributes.
 */
export function resolveAttribute(
  type: ResourceTypeDef,
  path: string,
): { schema: string | undefined; segments: string[]; def: AttributeDef; parent?: AttributeDef } | undefined {
  let rest = path;
  let schema: SchemaDef = type.schema;
  let extension: string | undefined;
  for (const candidate of [type.schema, ...type.extensions]) {
    if (rest.toLowerCase().startsWith(`${candidate.id.toLowerCase()}:`)) {
      schema = candidate;
      extension = candidate === type.schema ? undefined : candidate.id;
      rest = rest.slice(candidate.id.length + 1);
    }
  }
  const [first, ...more] = rest.split('.');
  if (first === undefined || more.length > 1) return undefined;
  const top = findAttribute(extension === undefined ? [...COMMON_ATTRIBUTES, ...schema.attributes] : schema.attributes, first);
  if (!top) return undefined;
  if (more.length === 0) return { schema: extension, segments: [top.name], def: top };
  const sub = findAttribute(top.subAttributes ?? [], more[0] ?? '');
  if (!sub) return undefined;
  return { schema: extension, segments: [top.name, sub.name], def: sub, parent: top };
}

/** Case-insensitive lookup of an attribute by name. */
export function findAttribute(defs: readonly AttributeDef[], name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return defs.find((d) => d.name.toLowerCase() === lower);
}

export function resourceTypeByName(name: 'User' | 'Group'): ResourceTypeDef {
  const found = RESOURCE_TYPES.find((t) => t.name === name);
  if (!found) throw new Error(`unknown resource type ${name}`);
  return found;
}
