import type { Faker } from '@faker-js/faker';
import { UserError } from '../errors/user-error.js';
import { unitHash } from './hash.js';
import { createMover } from './movers.js';
import { AWKWARD_FAMILY_NAMES, AWKWARD_GIVEN_NAMES, DEPARTMENTS, caseVariant, flipCase, localPart, plainName } from './names.js';
import { createSeededFaker } from './seeded-faker.js';
import { STREAM } from './streams.js';
import { DEFAULT_AWKWARD_RATES, type AwkwardRates, type MoverChange, type SyntheticUser, type UpdatableAttribute } from './types.js';

export interface UserFactoryOptions {
  /** The same seed gives the same users, in any order and for any population. */
  seed: number;
  /** The run marker: every externalId is `${marker}-${index}`. */
  marker: string;
  /** The userName and email domain, e.g. `scimsim.example`. */
  domain: string;
  /** How many users the run has; only decides where the collisions sit (its last `collisions` indexes). */
  population: number;
  /** Awkward-case rates; DEFAULT_AWKWARD_RATES when left out. */
  rates?: AwkwardRates;
  /** Users whose userName differs only in case from an earlier user's: a correct server rejects each with 409. */
  collisions?: number;
}

export interface UserFactory {
  /** User `index` (0-based), the same whichever users were asked for before. */
  user(index: number): SyntheticUser;
  /**
   * New values for a mover in update step `stepIndex`, one per requested attribute, each
   * different from the user's value before the step: `current` when given (the planner's view
   * after earlier steps), else the generated user's.
   */
  mover(index: number, stepIndex: number, attributes: readonly UpdatableAttribute[], current?: MoverChange): MoverChange;
  /**
   * The userName after a rename: a new domain keeps the local part; caseOnly changes only
   * letter case (`ada.lovelace.3@x` -> `Ada.Lovelace.3@x`, or back to lower case) and always
   * differs from `currentUserName`.
   */
  renamed(index: number, stepIndex: number, rename: { domain?: string; caseOnly?: boolean }, currentUserName: string): string;
}

interface Identity {
  givenName: string;
  familyName: string;
  userName: string;
}

/**
 * Synthetic users generated on demand from (seed, index): nothing is held per user, so 100k
 * users cost no more memory than ten. userNames are `given.family.<index>@domain`, lower-case
 * ASCII and unique even ignoring case, except for the deliberate `collisions`. The awkward
 * cases (unicode and apostrophes, names past 64 characters, duplicate emails, missing optional
 * attributes) each hit a user when a hash of (seed, index) falls below the rate, so every rate
 * is honoured on average and each user's fate is fixed by its index alone.
 */
export function createUserFactory(options: UserFactoryOptions): UserFactory {
  const { seed, marker, domain, population } = options;
  const rates = options.rates ?? DEFAULT_AWKWARD_RATES;
  const collisions = options.collisions ?? 0;
  checkOptions(seed, population, rates, collisions);
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / 4294967296);
  const faker = createSeededFaker();
  const flag = (stream: number, index: number, rate: number): boolean => rate > 0 && unitHash(seed, stream, index) < rate;
  const isCollision = (index: number): boolean => collisions > 0 && index >= population - collisions && index < population;
  const isDuplicateEmail = (index: number): boolean => index > 0 && flag(STREAM.duplicateEmail, index, rates.duplicateEmails);

  const identity = (index: number): Identity => {
    const f = faker.at(seedLo, seedHi, STREAM.names, index);
    // Faker's own names include a few (O'Hara); drawing plain ones keeps the unicode rate the only source.
    let givenName = plainName(() => f.person.firstName());
    let familyName = plainName(() => f.person.lastName());
    if (flag(STREAM.unicode, index, rates.unicode)) {
      const which = f.number.int(2);
      if (which !== 1) givenName = f.helpers.arrayElement(AWKWARD_GIVEN_NAMES);
      if (which !== 0) familyName = f.helpers.arrayElement(AWKWARD_FAMILY_NAMES);
    }
    if (flag(STREAM.longName, index, rates.longNames)) familyName = lengthen(f, familyName);
    return { givenName, familyName, userName: `${localPart(givenName, familyName, index)}@${domain}` };
  };

  // Collision users are namesakes of the users before them, spread evenly: with at most half the
  // population colliding no two share a namesake; with more, those sharing one take case variants 1, 2, ...
  const originals = population - collisions;
  const collisionOf = (index: number): { target: number; variant: number } => {
    const c = index - originals;
    const target = Math.floor((c * originals) / collisions);
    return { target, variant: c - Math.ceil((target * collisions) / originals) + 1 };
  };

  // The owner of a shared email is an earlier user whose email is their own userName.
  const emailOwner = (index: number): number => {
    let owner = Math.floor(unitHash(seed, STREAM.emailOwner, index) * index);
    while (owner > 0 && (isDuplicateEmail(owner) || isCollision(owner))) owner--;
    return owner;
  };

  // A run asks for the same user several times within a step (the create, the mover's
  // "before", read-back): the last few thousand are kept, by index, frozen so none can change.
  const recent: Array<SyntheticUser | undefined> = new Array<SyntheticUser | undefined>(RECENT_USERS);
  const user = (index: number): SyntheticUser => {
    const slot = index & (RECENT_USERS - 1);
    const kept = recent[slot];
    if (kept !== undefined && kept.index === index) return kept;
    const made = Object.freeze(generate(index));
    recent[slot] = made;
    return made;
  };

  const generate = (index: number): SyntheticUser => {
    checkIndex(index);
    const collision = isCollision(index) ? collisionOf(index) : undefined;
    const { givenName, familyName, userName: plain } = identity(collision?.target ?? index);
    const userName = collision === undefined ? plain : caseVariant(plain, collision.variant);
    const email = isDuplicateEmail(index) ? identity(emailOwner(index)).userName : userName;
    const result: SyntheticUser = {
      index,
      externalId: `${marker}-${index}`,
      userName,
      givenName,
      familyName,
      displayName: `${givenName} ${familyName}`,
      email,
    };
    if (!flag(STREAM.missingOptional, index, rates.missingOptional)) {
      const f = faker.at(seedLo, seedHi, STREAM.attributes, index);
      result.title = f.person.jobTitle();
      result.department = f.helpers.arrayElement(DEPARTMENTS);
      result.phone = f.phone.number({ style: 'international' });
    }
    // A lower index keeps the reporting lines a tree: nobody manages their own manager.
    if (index > 0) result.managerIndex = Math.floor(unitHash(seed, STREAM.manager, index) * index);
    return result;
  };

  const renamed: UserFactory['renamed'] = (index, stepIndex, rename, currentUserName) => {
    const at = currentUserName.lastIndexOf('@');
    const local = at === -1 ? currentUserName : currentUserName.slice(0, at);
    const next = rename.domain === undefined ? currentUserName : `${local}@${rename.domain}`;
    if (rename.caseOnly !== true) return next;
    // Most case fixes capitalise the names; some directories shout the whole local part.
    return flipCase(next, unitHash(seed, STREAM.rename, index, stepIndex) < 0.2);
  };

  const mover = createMover({ faker, seed, domain, population, rates, user });
  return { user, mover, renamed };
}

/** How many generated users a factory keeps (a power of two: the slot is the index's low bits). */
const RECENT_USERS = 4096;

/** Appends family names until the name passes 64 characters, as double-barrelled names grow. */
function lengthen(f: Faker, familyName: string): string {
  let name = familyName;
  while (name.length <= 64) name = `${name}-${plainName(() => f.person.lastName())}`;
  return name;
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`Bug in scimsim: user index must be a non-negative integer, got ${index}.`);
}

function checkOptions(seed: number, population: number, rates: AwkwardRates, collisions: number): void {
  if (!Number.isSafeInteger(seed)) throw new UserError('seed-invalid', `Failed to generate users: the seed must be an integer, got ${seed}.`, { hint: 'Pass a whole number, e.g. --seed 42.' });
  if (!Number.isSafeInteger(population) || population < 0) throw new Error(`Bug in scimsim: population must be a non-negative integer, got ${population}.`);
  for (const [name, rate] of Object.entries(rates)) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
      throw new UserError('rate-invalid', `Failed to generate users: the ${name} rate must be between 0 and 1, got ${String(rate)}.`, { hint: 'A rate is a share of the users: 0.05 means 5%.' });
    }
  }
  if (!Number.isSafeInteger(collisions) || collisions < 0 || (collisions > 0 && collisions >= population)) {
    throw new UserError('collisions-invalid', `Failed to generate users: ${collisions} collisions do not fit in ${population} users.`, {
      hint: 'Each collision is a namesake of an earlier user, so ask for a whole number below the number of users.',
    });
  }
}
