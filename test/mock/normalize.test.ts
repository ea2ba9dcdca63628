import { describe, expect, it } from 'vitest';
import { normalizeResource } from '../../src/mock/core/normalize.js';
import { resourceTypeByName } from '../../src/scim/schema.js';
import { SCHEMA, type JsonObject } from '../../src/scim/types.js';
import { failure } from '../helpers/scim-failure.js';

const User = resourceTypeByName('User');
const Group = resourceTypeByName('Group');
const ENTERPRISE = SCHEMA.enterpriseUser;


describe('normalizeResource', () => {
  it('stores attribute names in their canonical case, sub-attributes included', () => {
    const input: JsonObject = {
      SCHEMAS: [SCHEMA.user],
      USERNAME: 'bjensen',
      Name: { GivenName: 'Barbara', FAMILYNAME: 'Jensen' },
      Emails: [{ Value: 'b@example.com', TYPE: 'work', Primary: true }],
      nickname: 'Babs',
    };
    expect(normalizeResource(input, User)).toEqual({
      schemas: [SCHEMA.user],
      userName: 'bjensen',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'b@example.com', type: 'work', primary: true }],
      nickName: 'Babs',
    });
  });

  it('keys extension data by its canonical URN, from an object or URN-prefixed attributes', () => {
    const input: JsonObject = {
      userName: 'b',
      [ENTERPRISE.toUpperCase()]: { EmployeeNumber: '701984', manager: { value: 'm1', displayName: 'Boss' } },
      [`${ENTERPRISE}:Department`]: 'Tours',
    };
    expect(normalizeResource(input, User)).toEqual({
      userName: 'b',
      [ENTERPRISE]: { employeeNumber: '701984', manager: { value: 'm1' }, department: 'Tours' },
    });
  });

  it('takes the enterprise manager as a bare id, as Entra ID sends it', () => {
    expect(normalizeResource({ userName: 'b', [ENTERPRISE]: { manager: 'm1' } }, User)).toEqual({ userName: 'b', [ENTERPRISE]: { manager: { value: 'm1' } } });
  });

  it('coerces string booleans, at the top level and in sub-attributes', () => {
    const result = normalizeResource({ userName: 'b', active: 'False', emails: [{ value: 'b@x', primary: 'TRUE' }] }, User);
    expect(result).toEqual({ userName: 'b', active: false, emails: [{ value: 'b@x', primary: true }] });
  });

  it('rejects string booleans with invalidValue under rejectStringBooleans, naming the attribute', () => {
    const error = failure(() => normalizeResource({ userName: 'b', active: 'False' }, User, { rejectStringBooleans: true }));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error.message).toBe('active must be a boolean: got the string "False", send true or false without quotes');
  });

  it.each<[string, JsonObject, RegExp]>([
    ['a number for a string', { userName: 5 }, /userName must be a string \(string\), got the number 5/],
    ['a string for a complex attribute', { userName: 'b', name: 'Barbara' }, /name must be an object of sub-attributes/],
    ['a word for a boolean', { userName: 'b', active: 'yes' }, /active must be a boolean, got the string "yes"/],
    ['an array for a single value', { userName: 'b', title: ['a', 'b'] }, /title must be a single string value, got an array/],
    ['a bare string for an email', { userName: 'b', emails: ['b@x'] }, /emails\[0\] must be an object/],
    ['two primary emails', { userName: 'b', emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: 'true' }] }, /emails has 2 values with primary true/],
    ['an extension that is not an object', { userName: 'b', [ENTERPRISE]: 'x' }, /must be an object of EnterpriseUser attributes/],
    ['schemas that are not strings', { schemas: [1], userName: 'b' }, /schemas must be an array/],
  ])('rejects %s with invalidValue', (_, input, message) => {
    const error = failure(() => normalizeResource(input, User));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error.message).toMatch(message);
  });

  it('drops the readOnly attributes a client sent (id, meta, groups) and unknown ones', () => {
    const input: JsonObject = {
      schemas: [SCHEMA.user],
      id: 'client-chosen',
      meta: { created: '2020-01-01T00:00:00Z' },
      groups: [{ value: 'g1' }],
      userName: 'b',
      favoriteColor: 'blue',
      name: { givenName: 'B', nickname: 'x' },
      'name.familyName': 'J',
    };
    expect(normalizeResource(input, User)).toEqual({ schemas: [SCHEMA.user], userName: 'b', name: { givenName: 'B' } });
  });

  it('drops unassigned values: null, empty lists and empty objects', () => {
    expect(normalizeResource({ userName: 'b', title: null, emails: [], name: {}, addresses: [null] }, User)).toEqual({ userName: 'b' });
  });

  it('keeps group members and does not modify its input', () => {
    const input: JsonObject = { schemas: [SCHEMA.group], displayName: 'Staff', members: [{ value: 'u1', Display: 'Ann' }] };
    const snapshot = structuredClone(input);
    const result = normalizeResource(input, Group);
    expect(result).toEqual({ schemas: [SCHEMA.group], displayName: 'Staff', members: [{ value: 'u1', display: 'Ann' }] });
    expect(input).toEqual(snapshot);
    expect(result.members).not.toBe(input.members);
  });
});
