import type { Faker } from '@faker-js/faker';
import { unitHash } from './hash.js';
import { AWKWARD_FAMILY_NAMES, AWKWARD_GIVEN_NAMES, DEPARTMENTS, foldToAscii, localPart, plainName } from './names.js';
import type { SeededFaker } from './seeded-faker.js';
import { STREAM } from './streams.js';
import type { AwkwardRates, MoverChange, SyntheticUser, UpdatableAttribute } from './types.js';

interface MoverContext {
  faker: SeededFaker;
  seed: number;
  domain: string;
  population: number;
  rates: AwkwardRates;
  user: (index: number) => SyntheticUser;
}

type Mover = (index: number, stepIndex: number, attributes: readonly UpdatableAttribute[], current?: MoverChange) => MoverChange;

/** Share of name changes that change the family name (a marriage) rather than the given name (a preferred name). */
const FAMILY_NAME_SHARE = 0.7;

/**
 * Builds the mover of createUserFactory: new values per (seed, index, stepIndex), each checked
 * against the value before the step, because an update that sets what is already there tests
 * nothing (and a server may answer it with a no-op that hides a bug).
 */
export function createMover(context: MoverContext): Mover {
  const { faker, seed, rates } = context;
  return (index, stepIndex, attributes, current) => {
    const before: MoverChange = { ...pick(context.user(index)), ...current };
    const f = faker.at(seed >>> 0, Math.floor(seed / 4294967296), STREAM.mover, index, stepIndex);
    const change: MoverChange = {};
    const wants = new Set(attributes);
    if (wants.has('title')) change.title = differentDraw(() => f.person.jobTitle(), before.title) ?? `Senior ${before.title ?? 'Associate'}`;
    if (wants.has('department')) {
      const at = before.department === undefined ? -1 : DEPARTMENTS.indexOf(before.department);
      // A non-zero step around the list never lands where it started.
      change.department = DEPARTMENTS[(Math.max(at, 0) + f.number.int({ min: 1, max: DEPARTMENTS.length - 1 })) % DEPARTMENTS.length] ?? 'Operations';
    }
    if (wants.has('manager')) {
      const manager = newManager(f, index, before.managerIndex, context.population);
      if (manager !== undefined) change.managerIndex = manager;
    }
    if (wants.has('name')) {
      const unicode = unitHash(seed, STREAM.moverName, index, stepIndex) < rates.unicode;
      const given = before.givenName ?? '';
      const family = before.familyName ?? '';
      if (f.number.float() < FAMILY_NAME_SHARE) {
        change.familyName = differentDraw(() => (unicode ? f.helpers.arrayElement(AWKWARD_FAMILY_NAMES) : plainName(() => f.person.lastName())), family) ?? `${family}-${f.person.lastName()}`;
      } else {
        change.givenName = differentDraw(() => (unicode ? f.helpers.arrayElement(AWKWARD_GIVEN_NAMES) : plainName(() => f.person.firstName())), given) ?? `${given}-${f.person.firstName()}`;
      }
      const display = `${change.givenName ?? given} ${change.familyName ?? family}`;
      change.displayName = display === before.displayName ? `${display} (${index})` : display;
    }
    if (wants.has('email')) change.email = newEmail(index, stepIndex, { ...before, ...change }, before.email, context.domain);
    return change;
  };
}

function pick(user: SyntheticUser): MoverChange {
  const { title, department, managerIndex, email, givenName, familyName, displayName } = user;
  const out: MoverChange = { email, givenName, familyName, displayName };
  if (title !== undefined) out.title = title;
  if (department !== undefined) out.department = department;
  if (managerIndex !== undefined) out.managerIndex = managerIndex;
  return out;
}

/** A draw that differs from `previous`, or undefined after a few tries (a tiny list, or bad luck). */
function differentDraw(draw: () => string, previous: string | undefined): string | undefined {
  for (let attempt = 0; attempt < 8; attempt++) {
    const value = draw();
    if (value !== previous) return value;
  }
  return undefined;
}

/**
 * A manager other than the current one. A lower index keeps the reporting lines a tree; users 0
 * and 1 have no other lower index, so they move under a later user (a reorg can do that). A
 * population of one or two may have no other candidate at all: then no manager change.
 */
function newManager(f: Faker, index: number, previous: number | undefined, population: number): number | undefined {
  const lower = drawSkipping(f, 0, index, previous);
  return lower ?? drawSkipping(f, index + 1, population, previous);
}

/** A uniform draw from [start, end) other than `skip`; undefined when nothing else is there. */
function drawSkipping(f: Faker, start: number, end: number, skip: number | undefined): number | undefined {
  const inside = skip !== undefined && skip >= start && skip < end;
  const span = end - start - (inside ? 1 : 0);
  if (span <= 0) return undefined;
  const value = start + f.number.int(span - 1);
  return inside && value >= skip ? value + 1 : value;
}

/**
 * A new address in the domain of the old one: `a.lovelace.3@x` (an initial-style alias), then
 * `ada.lovelace.3@x` (after a name change), then one with the step in it (`a3.lovelace.3@x`). Compared ignoring
 * case, since a case-only change is not a new address.
 */
function newEmail(index: number, stepIndex: number, names: MoverChange, previous: string | undefined, fallbackDomain: string): string {
  const at = previous?.lastIndexOf('@') ?? -1;
  const domain = previous !== undefined && at !== -1 ? previous.slice(at + 1) : fallbackDomain;
  const given = names.givenName ?? '';
  const family = names.familyName ?? '';
  const initial = foldToAscii(given).slice(0, 1);
  const candidates = [localPart(initial, family, index), localPart(given, family, index), localPart(`${initial}${stepIndex}`, family, index)];
  const old = previous?.toLowerCase();
  const local = candidates.find((c) => `${c}@${domain}`.toLowerCase() !== old) ?? `moved.${index}.${stepIndex}`;
  return `${local}@${domain}`;
}
