import { describe, expect, it } from 'vitest';
import { compileFilter, equalityLookup, filterAttributes, parseFilter, type FilterOptions } from '../../src/mock/core/filter/index.js';
import { resourceTypeByName } from '../../src/scim/schema.js';
import { SCHEMA, type JsonObject } from '../../src/scim/types.js';
import { failure } from '../helpers/scim-failure.js';

const User = resourceTypeByName('User');
const ENTERPRISE = SCHEMA.enterpriseUser;

// Four users as the wire shows them (with meta), built so each RFC example selects a distinct set.
const bjensen: JsonObject = {
  schemas: [SCHEMA.user, ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'ABC-1',
  userName: 'bjensen',
  name: { familyName: "O'Malley", givenName: 'Barbara' },
  title: 'Tour Guide',
  userType: 'Employee',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  ims: [{ value: 'babs@foo.com', type: 'xmpp' }],
  [ENTERPRISE]: { employeeNumber: '701984' },
  meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34Z' },
};
const jsmith: JsonObject = {
  schemas: [SCHEMA.user],
  id: 'u2',
  userName: 'JSmith',
  userType: 'Intern',
  active: false,
  emails: [{ value: 'jsmith@example.org', type: 'home' }],
  meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:35Z' },
};
const carla: JsonObject = {
  schemas: [SCHEMA.user],
  id: 'u3',
  userName: 'carla',
  title: 'Engineer',
  userType: 'Contractor',
  active: true,
  emails: [
    { value: 'carla@other.net', type: 'work' },
    { value: 'carla@home.net', type: 'home' },
  ],
  ims: [{ value: 'carla@foo.com', type: 'xmpp' }],
  meta: { resourceType: 'User', lastModified: '2010-01-01T00:00:00Z' },
};
// dave's example.com address is his home one: only a same-element check keeps him out of work filters.
const dave: JsonObject = {
  schemas: [SCHEMA.user],
  id: 'u4',
  userName: 'dave',
  userType: 'Employee',
  emails: [
    { value: 'dave@example.org', type: 'work' },
    { value: 'dave@example.com', type: 'home' },
  ],
  meta: { resourceType: 'User', lastModified: '2011-05-13T04:42:34.000Z' },
};
const users = [bjensen, jsmith, carla, dave];

function matching(filter: string, options: FilterOptions = {}): unknown[] {
  const matches = compileFilter(parseFilter(filter), User, options);
  return users.filter(matches).map((u) => u.userName);
}


describe('filters: the examples of RFC 7644 section 3.4.2.2', () => {
  it.each([
    ['userName eq "bjensen"', ['bjensen']],
    [`name.familyName co "O'Malley"`, ['bjensen']],
    ['userName sw "J"', ['JSmith']],
    [`${SCHEMA.user}:userName sw "J"`, ['JSmith']],
    ['title pr', ['bjensen', 'carla']],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['JSmith']],
    ['title pr and userType eq "Employee"', ['bjensen']],
    ['title pr or userType eq "Intern"', ['bjensen', 'JSmith', 'carla']],
    [`schemas eq "${ENTERPRISE}"`, ['bjensen']],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen', 'dave']],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['carla']],
    ['userType eq "Employee" and (emails.type eq "work")', ['bjensen', 'dave']],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['bjensen']],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['bjensen', 'carla']],
  ])('%s', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });
});

describe('filters: evaluation', () => {
  it('compares userName case-insensitively (caseExact false), unless the profile says otherwise', () => {
    expect(matching('userName eq "BJensen"')).toEqual(['bjensen']);
    expect(matching('userName eq "BJensen"', { caseSensitiveUserName: true })).toEqual([]);
    expect(matching('userName eq "bjensen"', { caseSensitiveUserName: true })).toEqual(['bjensen']);
  });

  it('compares caseExact attributes exactly', () => {
    expect(matching('externalId eq "ABC-1"')).toEqual(['bjensen']);
    expect(matching('externalId eq "abc-1"')).toEqual([]);
  });

  it('reads attribute names, keywords and operators in any case', () => {
    expect(matching('USERNAME EQ "bjensen" AND NOT (TITLE PR)')).toEqual([]);
    expect(matching('Emails[TYPE Eq "work"] Or userName Eq "carla"')).toEqual(['bjensen', 'carla', 'dave']);
  });

  it('makes one element satisfy both halves of the Entra form emails[type eq "work"].value eq ...', () => {
    expect(matching('emails[type eq "work"].value eq "dave@example.com"')).toEqual([]);
    expect(matching('emails[type eq "work"].value eq "dave@example.org"')).toEqual(['dave']);
    expect(matching('emails[type eq "home"].value co "@example"')).toEqual(['JSmith', 'dave']);
  });

  it('binds not tighter than and, and and tighter than or', () => {
    expect(matching('userName eq "JSmith" or userName eq "carla" and title pr')).toEqual(['JSmith', 'carla']);
    expect(matching('(userName eq "JSmith" or userName eq "carla") and title pr')).toEqual(['carla']);
    expect(matching('not (title pr) and userType eq "Employee"')).toEqual(['dave']);
  });

  it('matches nothing on an attribute no schema defines, so its negation matches everything', () => {
    expect(matching('favoriteColor eq "blue"')).toEqual([]);
    expect(matching('favoriteColor pr')).toEqual([]);
    expect(matching('not (favoriteColor eq "blue")')).toEqual(['bjensen', 'JSmith', 'carla', 'dave']);
  });

  it('reads extension attributes under their URN', () => {
    expect(matching(`${ENTERPRISE}:employeeNumber eq "701984"`)).toEqual(['bjensen']);
    expect(matching(`${ENTERPRISE.toLowerCase()}:EMPLOYEENUMBER pr`)).toEqual(['bjensen']);
  });

  it('compares booleans, null and strings by their type', () => {
    expect(matching('active eq false')).toEqual(['JSmith']);
    expect(matching('active ne false')).toEqual(['bjensen', 'carla']);
    expect(matching('title eq null')).toEqual(['JSmith', 'dave']);
    expect(matching('userName ge "c"')).toEqual(['JSmith', 'carla', 'dave']);
    expect(matching('userName lt "c"')).toEqual(['bjensen']);
    expect(matching('emails.value ew ".ORG"')).toEqual(['bjensen', 'JSmith', 'dave']);
    expect(matching('meta.lastModified le "2011-05-13T04:42:34Z"')).toEqual(['bjensen', 'carla', 'dave']);
  });

  it('decodes JSON escapes in strings', () => {
    expect(matching('name.familyName eq "O\\u0027Malley"')).toEqual(['bjensen']);
    expect(matching('name.givenName eq "Barb\\"ara"')).toEqual([]);
  });

  it.each([
    ['active gt true', /gt is not defined for booleans/],
    ['active eq "true"', /compare it with true or false/],
    ['userName eq 5', /quoted string/],
    ['name eq "Barbara"', /name is complex/],
    ['meta.lastModified gt "yesterday"', /not an xsd:dateTime/],
    ['title co null', /co null is not a comparison/],
    ['emails[urn:x:type eq "work"]', /drop the schema URN/],
  ])('refuses the comparison %s with invalidFilter', (filter, message) => {
    const error = failure(() => compileFilter(parseFilter(filter), User));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(error.message).toMatch(message);
  });
});

describe('filters: syntax errors', () => {
  it.each([
    ['userName eq', /expected a value .* after eq, found the end of the text at position 12/],
    ['userName eq bjensen', /strings must be in double quotes at position 13/],
    ['userName xx "a"', /expected an operator .* at position 10/],
    ['(userName eq "a"', /expected "\)" to close the "\(" at position 1/],
    ['userName eq "a")', /unexpected "\)" at position 16/],
    ['userName eq "unterminated', /unterminated string at position 13/],
    ['emails[type eq "work"', /expected "]" to close the "\[" at position 7/],
    ['emails[type eq "work" and ims[type eq "x"]]', /cannot contain another "\["/],
    ['not userName eq "a"', /expected "\(" after not/],
    ['userName eq "a" and', /expected an attribute name/],
    ['', /expected an attribute name/],
    ['userName eq "a" # x', /unexpected character "#"/],
    ['name.givenName.x eq "a"', /invalid attribute path/],
    ['userName eq "\\q"', /invalid escape/],
    ['emails[type eq "work"] .value eq "x"', /unexpected "\.value"/],
  ])('rejects %j with invalidFilter', (filter, message) => {
    const error = failure(() => parseFilter(filter));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(error.message).toMatch(message);
  });
});

describe('equalityLookup', () => {
  it.each([
    ['userName eq "bjensen"', { attribute: 'userName', value: 'bjensen' }],
    ['USERNAME eq "BJensen"', { attribute: 'userName', value: 'BJensen' }],
    [`${SCHEMA.user}:userName eq "x"`, { attribute: 'userName', value: 'x' }],
    ['externalId eq "E1"', { attribute: 'externalId', value: 'E1' }],
    ['id eq "2819c223"', { attribute: 'id', value: '2819c223' }],
    ['displayName eq "Staff"', { attribute: 'displayName', value: 'Staff' }],
  ])('answers %s from an index', (filter, expected) => {
    expect(equalityLookup(parseFilter(filter))).toEqual(expected);
  });

  it.each(['userName eq "a" and title pr', 'userName co "a"', 'title eq "x"', 'externalId eq 5', 'name.givenName eq "x"', `${ENTERPRISE}:userName eq "x"`])(
    'leaves %s to the scan',
    (filter) => {
      expect(equalityLookup(parseFilter(filter))).toBeUndefined();
    },
  );
});

describe('filterAttributes', () => {
  it('lists the canonical paths a filter uses, once each', () => {
    const node = parseFilter(
      `USERNAME eq "a" and emails[type eq "work"].value co "x" or ${ENTERPRISE}:EMPLOYEENUMBER pr or meta.lastmodified gt "2011-01-01T00:00:00Z" or ${SCHEMA.user}:userName eq "b"`,
    );
    expect(filterAttributes(node)).toEqual(['userName', 'emails.type', 'emails.value', `${ENTERPRISE}:employeeNumber`, 'meta.lastModified']);
  });

  it('keeps unknown attributes as written, so a restricted profile can refuse them', () => {
    expect(filterAttributes(parseFilter('favoriteColor eq "blue" and not (members.value pr)'))).toEqual(['favoriteColor', 'members.value']);
  });
});
