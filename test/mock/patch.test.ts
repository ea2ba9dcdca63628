import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../../src/mock/core/filter/values.js';
import { applyPatch, type PatchOptions } from '../../src/mock/core/patch/index.js';
import { resourceTypeByName } from '../../src/scim/schema.js';
import { SCHEMA, type JsonObject, type PatchOperation } from '../../src/scim/types.js';
import { failure } from '../helpers/scim-failure.js';

const User = resourceTypeByName('User');
const Group = resourceTypeByName('Group');
const ENTERPRISE = SCHEMA.enterpriseUser;
const BABS = '2819c223-7f76-453a-919d-413861904646';

const HOME_ADDRESS = { type: 'home', streetAddress: '456 Hollywood Blvd', locality: 'Hollywood' };
const MEMBERS = [{ value: 'u1', display: 'Ann' }, { value: 'u2' }, { value: 'u3' }];

const user = (): JsonObject => ({
  schemas: [SCHEMA.user],
  id: BABS,
  userName: 'bjensen',
  active: true,
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [
    { type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true },
    { ...HOME_ADDRESS },
  ],
});
const group = (): JsonObject => ({ schemas: [SCHEMA.group], id: 'g1', displayName: 'Tour Guides', members: structuredClone(MEMBERS) });

/** The `primary` of each email, to check that at most one is true. */
const primaries = (resource: JsonObject) => (Array.isArray(resource.emails) ? resource.emails : []).map((e) => (isJsonObject(e) ? e.primary : 'not an object'));
const patchUser = (operations: PatchOperation[], options: PatchOptions = {}, base = user()) => applyPatch(base, operations, User, options);
const patchGroup = (...operations: PatchOperation[]) => applyPatch(group(), operations, Group);


describe('PATCH: the examples of RFC 7644 section 3.5.2', () => {
  it('adds a member (3.5.2.1)', () => {
    const member = { display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${BABS}`, value: BABS };
    expect(patchGroup({ op: 'add', path: 'members', value: [member] }).members).toEqual([...MEMBERS, member]);
  });

  it('adds without a path, keeping names canonical and values unduplicated (3.5.2.1)', () => {
    const result = patchUser([{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }]);
    expect(result).toMatchObject({ nickName: 'Babs', emails: user().emails });
    expect(result).not.toHaveProperty('nickname');
  });

  it('removes one member by filter (3.5.2.2)', () => {
    expect(patchGroup({ op: 'remove', path: 'members[value eq "u2"]' }).members).toEqual([{ value: 'u1', display: 'Ann' }, { value: 'u3' }]);
  });

  it('removes all members (3.5.2.2)', () => {
    expect(patchGroup({ op: 'remove', path: 'members' })).not.toHaveProperty('members');
  });

  it('replaces all members with remove then add (3.5.2.2)', () => {
    const result = patchGroup({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: 'u8' }, { value: 'u9' }] });
    expect(result.members).toEqual([{ value: 'u8' }, { value: 'u9' }]);
  });

  it('removes several members by an or filter (3.5.2.2)', () => {
    expect(patchGroup({ op: 'remove', path: 'members[value eq "u1" or value eq "u3"]' }).members).toEqual([{ value: 'u2' }]);
  });

  it('replaces the members (3.5.2.3)', () => {
    expect(patchGroup({ op: 'replace', path: 'members', value: [{ value: 'u9', display: 'Ida' }] }).members).toEqual([{ value: 'u9', display: 'Ida' }]);
  });

  it('replaces the work address selected by a filter (3.5.2.3)', () => {
    const work = { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US', primary: true };
    expect(patchUser([{ op: 'replace', path: 'addresses[type eq "work"]', value: work }]).addresses).toEqual([work, HOME_ADDRESS]);
  });

  it('replaces one sub-attribute of the filtered value (3.5.2.3)', () => {
    const result = patchUser([{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }]);
    expect(result.addresses).toEqual([{ type: 'work', streetAddress: '1010 Broadway Ave', locality: 'Hollywood', primary: true }, HOME_ADDRESS]);
  });

  it('replaces emails[type eq "work"] and its value', () => {
    const whole = patchUser([{ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'babs@example.com', type: 'work' } }]);
    expect(whole.emails).toEqual([{ value: 'babs@example.com', type: 'work' }, { value: 'babs@jensen.org', type: 'home' }]);
    const value = patchUser([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'b2@example.com' }]);
    expect(value.emails).toEqual([{ value: 'b2@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }]);
  });

  it('replaces without a path, the list wholesale and complex values by merging (3.5.2.3)', () => {
    const emails = [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@example.org', type: 'home' }];
    const result = patchUser([{ op: 'replace', value: { emails, nickname: 'Babs', name: { familyName: 'Jensen-Smith' } } }]);
    expect(result).toMatchObject({ emails, nickName: 'Babs', name: { givenName: 'Barbara', familyName: 'Jensen-Smith' } });
  });
});

describe('PATCH: what Entra ID and Okta send', () => {
  it('removes only the members listed in the value (azure-docs#30826)', () => {
    expect(patchGroup({ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'u3' }] }).members).toEqual([{ value: 'u2' }]);
  });

  it('takes "Replace" and the string "False"', () => {
    expect(patchUser([{ op: 'Replace', path: 'active', value: 'False' }]).active).toBe(false);
  });

  it('reads path-less dotted, value-path and URN-prefixed keys (aadOptscim062020)', () => {
    const result = patchUser([
      { op: 'replace', value: { 'name.givenName': 'Babs', 'emails[type eq "work"].value': 'w@example.com', [`${ENTERPRISE}:department`]: 'Tours' } },
    ]);
    expect(result).toMatchObject({ name: { givenName: 'Babs', familyName: 'Jensen' }, emails: [{ value: 'w@example.com', type: 'work', primary: true }, {}], [ENTERPRISE]: { department: 'Tours' } });
    expect(result.schemas).toEqual([SCHEMA.user, ENTERPRISE]);
  });

  it('reads an extension URN key whose value is an object, and the manager as a bare id', () => {
    const result = patchUser([
      { op: 'add', value: { [ENTERPRISE.toLowerCase()]: { EmployeeNumber: '42' } } },
      { op: 'Add', path: `${ENTERPRISE}:manager`, value: 'm1' },
    ]);
    expect(result[ENTERPRISE]).toEqual({ employeeNumber: '42', manager: { value: 'm1' } });
  });

  it('creates the value a filtered add describes when none matches', () => {
    const base = { ...user(), emails: [{ value: 'babs@jensen.org', type: 'home' }] };
    const result = patchUser([{ op: 'Add', path: 'emails[type eq "work"].value', value: 'w@example.com' }], {}, base);
    expect(result.emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }, { type: 'work', value: 'w@example.com' }]);
  });

  it('accepts Okta sending the unchanged id back in a path-less replace', () => {
    expect(patchGroup({ op: 'replace', value: { id: 'g1', displayName: 'Guides' } })).toMatchObject({ id: 'g1', displayName: 'Guides' });
  });
});

describe('PATCH: rules', () => {
  it('resolves names case-insensitively and stores them canonically', () => {
    const result = patchUser([{ op: 'replace', path: 'Active', value: false }, { op: 'replace', path: 'NAME.GIVENNAME', value: 'B' }]);
    expect(result).toMatchObject({ active: false, name: { givenName: 'B', familyName: 'Jensen' } });
    expect(Object.keys(result)).not.toContain('Active');
  });

  it('keeps primary unique: a new primary value clears the old one', () => {
    const added = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'other', primary: true }] }]);
    expect(primaries(added)).toEqual([false, undefined, true]);
    const flagged = patchUser([{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
    expect(primaries(flagged)).toEqual([false, true]);
  });

  it('succeeds when the values equal what is stored, and never modifies its input', () => {
    const base = user();
    const result = patchUser([{ op: 'replace', path: 'active', value: true }, { op: 'add', path: 'emails', value: base.emails ?? null }], {}, base);
    expect(result).toEqual(user());
    const removed = patchUser([{ op: 'remove', path: 'emails[type eq "fax"]' }, { op: 'remove', path: 'title' }], {}, base);
    expect(removed).toEqual(user());
    patchUser([{ op: 'remove', path: 'emails' }], {}, base);
    expect(base).toEqual(user());
  });

  it('drops the extension and its URN once its last attribute is removed', () => {
    const base = { ...user(), schemas: [SCHEMA.user, ENTERPRISE], [ENTERPRISE]: { department: 'Tours' } };
    const result = patchUser([{ op: 'remove', path: `${ENTERPRISE}:department` }], {}, base);
    expect(result).not.toHaveProperty([ENTERPRISE]);
    expect(result.schemas).toEqual([SCHEMA.user]);
  });

  it.each<[string, PatchOperation, PatchOptions, string, RegExp]>([
    ['an unknown op', { op: 'merge', path: 'title', value: 'x' }, {}, 'invalidSyntax', /unknown op "merge"/],
    ['add without a value', { op: 'add', path: 'title' }, {}, 'invalidValue', /add needs a value/],
    ['a replace whose filter matches nothing', { op: 'replace', path: 'emails[type eq "fax"].value', value: 'x' }, {}, 'noTarget', /matches no value of emails/],
    ['a remove without a path', { op: 'remove' }, {}, 'noTarget', /remove needs a path/],
    ['a remove of userName', { op: 'remove', path: 'userName' }, {}, 'mutability', /userName is required/],
    ['a change of id', { op: 'replace', path: 'id', value: 'other' }, {}, 'mutability', /id is readOnly/],
    ['an add to groups', { op: 'add', path: 'groups', value: [{ value: 'g1' }] }, {}, 'mutability', /groups is readOnly/],
    ['a string boolean under rejectStringBooleans', { op: 'replace', path: 'active', value: 'False' }, { rejectStringBooleans: true }, 'invalidValue', /active must be a boolean/],
    ['an object for a string', { op: 'replace', path: 'userName', value: { a: 1 } }, {}, 'invalidValue', /userName must be a string/],
    ['a word for a boolean', { op: 'replace', path: 'active', value: 'yes' }, {}, 'invalidValue', /active must be a boolean, got the string "yes"/],
    ['a string boolean in a sub-attribute under rejectStringBooleans', { op: 'add', path: 'emails', value: [{ value: 'a@b', primary: 'True' }] }, { rejectStringBooleans: true }, 'invalidValue', /emails\[0\]\.primary/],
    ['an unknown attribute', { op: 'replace', path: 'favoriteColor', value: 'blue' }, {}, 'invalidPath', /favoriteColor is not an attribute of User/],
    ['an unknown path-less key', { op: 'replace', value: { favoriteColor: 'blue' } }, {}, 'invalidPath', /favoriteColor is not an attribute/],
    ['a path that does not parse', { op: 'replace', path: 'emails[type eq', value: 'x' }, {}, 'invalidPath', /Failed to parse PATCH path/],
    ['a value filter on a simple attribute', { op: 'remove', path: 'title[value eq "x"]' }, {}, 'invalidPath', /cannot take a value filter/],
  ])('answers %s with 400', (_, operation, options, scimType, message) => {
    const error = failure(() => patchUser([{ op: 'replace', path: 'title', value: 'Boss' }, operation], options));
    expect(error).toMatchObject({ status: 400, scimType });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^Operations\[1\]/);
  });
});
