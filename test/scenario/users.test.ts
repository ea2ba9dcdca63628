import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors/user-error.js';
import { DEFAULT_AWKWARD_RATES, type SyntheticUser } from '../../src/scenario/types.js';
import { createUserFactory } from '../../src/scenario/users.js';

const SEED = 20240611;
const base = { seed: SEED, marker: 'scimsim-t1', domain: 'acme.example', population: 20_000 };
const factory = createUserFactory(base);
const users: SyntheticUser[] = Array.from({ length: base.population }, (_, i) => factory.user(i));

const share = (predicate: (u: SyntheticUser) => boolean): number => users.filter(predicate).length / users.length;
const lowerCounts = (names: string[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n.toLowerCase(), (counts.get(n.toLowerCase()) ?? 0) + 1);
  return counts;
};

describe('synthetic users', () => {
  it('gives the same user for the same (seed, index), whatever was generated before and however many users exist', () => {
    const other = createUserFactory({ ...base, population: 50 });
    const picks = [19_999, 7, 4_242, 0, 7];
    expect(picks.map((i) => other.user(i))).toEqual(picks.map((i) => users[i]));
    expect(createUserFactory({ ...base, seed: SEED + 1 }).user(7).userName).not.toBe(users[7]?.userName);
  });

  it('hands out users nobody can change, and the same user again after others took its place', () => {
    const fresh = createUserFactory(base);
    const first = fresh.user(7);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => Object.assign(first, { userName: 'changed@acme.example' })).toThrow(TypeError);
    for (let k = 1; k <= 3; k++) fresh.user(7 + k * 4096);
    expect(fresh.user(7)).toEqual(users[7]);
    expect(fresh.user(7 + 4096)).toEqual(users[7 + 4096]);
  });

  it('marks every account with the run marker and keeps userNames lower-case ASCII with a short local part', () => {
    expect(users[42]?.externalId).toBe('scimsim-t1-42');
    expect(users.every((u) => u.externalId === `scimsim-t1-${u.index}`)).toBe(true);
    expect(users.filter((u) => !/^[a-z0-9.-]{1,64}@acme\.example$/.test(u.userName)).map((u) => u.userName)).toEqual([]);
  });

  it('never lets two of 20,000 userNames collide, even ignoring case, at the default rates', () => {
    expect(lowerCounts(users.map((u) => u.userName)).size).toBe(users.length);
  });

  it('gives every user but the first a manager with a lower index', () => {
    expect(users[0]?.managerIndex).toBeUndefined();
    expect(users.slice(1).every((u) => u.managerIndex !== undefined && u.managerIndex < u.index)).toBe(true);
  });

  it('honours the default awkward-case rates roughly over 20,000 users', () => {
    const unicode = share((u) => /[^\x00-\x7f]|'/.test(u.givenName + u.familyName));
    const apostrophes = share((u) => (u.givenName + u.familyName).includes("'"));
    const long = share((u) => u.familyName.length > 64 && u.displayName.length > 64);
    const sharedEmail = share((u) => u.email !== u.userName);
    const missing = share((u) => u.title === undefined && u.department === undefined && u.phone === undefined);
    expect(unicode).toBeGreaterThan(DEFAULT_AWKWARD_RATES.unicode * 0.7);
    expect(unicode).toBeLessThan(DEFAULT_AWKWARD_RATES.unicode * 1.3);
    expect(apostrophes).toBeGreaterThan(0.005);
    expect(long).toBeGreaterThan(DEFAULT_AWKWARD_RATES.longNames * 0.6);
    expect(long).toBeLessThan(DEFAULT_AWKWARD_RATES.longNames * 1.4);
    expect(sharedEmail).toBeGreaterThan(DEFAULT_AWKWARD_RATES.duplicateEmails * 0.6);
    expect(sharedEmail).toBeLessThan(DEFAULT_AWKWARD_RATES.duplicateEmails * 1.4);
    expect(missing).toBeGreaterThan(DEFAULT_AWKWARD_RATES.missingOptional * 0.8);
    expect(missing).toBeLessThan(DEFAULT_AWKWARD_RATES.missingOptional * 1.2);
  });

  it('reuses a real address for a duplicate email: another user has it as their own', () => {
    const owned = new Set(users.filter((u) => u.email === u.userName).map((u) => u.email));
    const shared = users.filter((u) => u.email !== u.userName);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.filter((u) => !owned.has(u.email))).toEqual([]);
  });

  it('follows the rates it is given: none at zero, about half at one half', () => {
    const none = createUserFactory({ ...base, rates: { unicode: 0, longNames: 0, duplicateEmails: 0, missingOptional: 0 } });
    const half = createUserFactory({ ...base, rates: { unicode: 0.5, longNames: 0.5, duplicateEmails: 0.5, missingOptional: 0.5 } });
    const sample = (f: typeof factory): SyntheticUser[] => Array.from({ length: 2_000 }, (_, i) => f.user(i));
    const plain = sample(none);
    expect(plain.filter((u) => u.familyName.length > 64 || u.email !== u.userName || u.title === undefined)).toEqual([]);
    expect(plain.filter((u) => !/^[A-Za-z -]+$/.test(u.displayName))).toEqual([]);
    const awkward = sample(half);
    for (const rate of [awkward.filter((u) => u.familyName.length > 64).length, awkward.filter((u) => u.title === undefined).length]) {
      expect(rate / 2_000).toBeGreaterThan(0.45);
      expect(rate / 2_000).toBeLessThan(0.55);
    }
  });
});

describe('userName collisions', () => {
  it('makes exactly the last K users differ only in case from an earlier user', () => {
    const colliding = createUserFactory({ ...base, population: 5_000, collisions: 25 });
    const names = Array.from({ length: 5_000 }, (_, i) => colliding.user(i).userName);
    const counts = lowerCounts(names);
    expect(names.length - counts.size).toBe(25);
    expect(new Set(names).size).toBe(5_000);
    const collided = names.flatMap((n, i) => ((counts.get(n.toLowerCase()) ?? 0) > 1 && n !== n.toLowerCase() ? [i] : []));
    expect(collided).toEqual(Array.from({ length: 25 }, (_, k) => 4_975 + k));
    expect(names[4_975]).toMatch(/^[A-Z][a-z]*\./);
  });

  it('still collides exactly K times, never repeating a spelling, when most users collide', () => {
    const crowded = createUserFactory({ ...base, population: 40, collisions: 30 });
    const names = Array.from({ length: 40 }, (_, i) => crowded.user(i).userName);
    expect(names.length - lowerCounts(names).size).toBe(30);
    expect(new Set(names).size).toBe(40);
  });

  it('refuses more collisions than there are earlier users', () => {
    expect(() => createUserFactory({ ...base, population: 10, collisions: 10 })).toThrow(UserError);
  });
});

describe('movers and renames', () => {
  const all = ['title', 'department', 'manager', 'email', 'name'] as const;

  it('gives every mover new values that differ from the previous ones, the same each time', () => {
    for (let i = 0; i < 2_000; i += 7) {
      const before = users[i];
      if (before === undefined) throw new Error('no user');
      const change = factory.mover(i, 3, all);
      expect(change).toEqual(factory.mover(i, 3, all));
      expect(change.title).not.toBe(before.title);
      expect(change.department).not.toBe(before.department);
      expect(change.email?.toLowerCase()).not.toBe(before.email.toLowerCase());
      expect(change.displayName).not.toBe(before.displayName);
      expect(change.familyName === undefined ? change.givenName !== before.givenName : change.familyName !== before.familyName).toBe(true);
      if (i > 0) expect(change.managerIndex).not.toBe(before.managerIndex);
    }
  });

  it('differs from the current values a planner passes in, not only from the generated ones', () => {
    const first = factory.mover(10, 1, all);
    const second = factory.mover(10, 2, all, first);
    expect(second.title).not.toBe(first.title);
    expect(second.department).not.toBe(first.department);
    expect(second.managerIndex).not.toBe(first.managerIndex);
    expect(second.email).not.toBe(first.email);
    expect(second.displayName).not.toBe(first.displayName);
    expect(factory.mover(1, 1, ['manager'])).toEqual({ managerIndex: expect.any(Number) });
    expect(factory.mover(1, 1, ['manager']).managerIndex).not.toBe(0);
  });

  it('changes only what the step asks for', () => {
    expect(Object.keys(factory.mover(5, 1, ['department']))).toEqual(['department']);
  });

  it('renames to a new domain keeping the local part, or changes only letter case', () => {
    const name = users[5]?.userName ?? '';
    expect(factory.renamed(5, 1, { domain: 'newco.example' }, name)).toBe(name.replace('@acme.example', '@newco.example'));
    for (let i = 0; i < 500; i++) {
      const current = users[i]?.userName ?? '';
      const once = factory.renamed(i, 2, { caseOnly: true }, current);
      const twice = factory.renamed(i, 4, { caseOnly: true }, once);
      expect([once.toLowerCase(), twice.toLowerCase()]).toEqual([current, current]);
      expect(once).not.toBe(current);
      expect(twice).not.toBe(once);
    }
  });
});
