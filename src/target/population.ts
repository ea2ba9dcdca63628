import type { ScimStore } from '../mock/core/store.js';
import { normalizeResource } from '../mock/core/normalize.js';
import type { ResolvedProfile } from '../mock/profile/resolve-profile.js';
import { createUserFactory } from '../scenario/users.js';
import { resourceTypeByName } from '../scim/schema.js';
import { SCHEMA, type JsonObject } from '../scim/types.js';

/** What a world needs to hold the run's pre-existing accounts. */
export interface PopulationRequest {
  seed: number;
  /** The run marker: the source's externalIds are `${marker}-${index}`. */
  marker: string;
  users: number;
  collisions: number;
  /** The userName domain of the env set the world is built for, unless the profile names one. */
  domain: string;
}

/**
 * Which of the run's users already exist: `count` of them spread evenly over the users that are
 * not deliberate collisions (a namesake cannot have been provisioned beside its original).
 */
export function preexistingIndexes(count: number, users: number, collisions: number): number[] {
  const eligible = Math.max(0, users - collisions);
  const n = Math.min(count, eligible);
  return Array.from({ length: n }, (_, k) => Math.floor((k * eligible) / n));
}

/**
 * Puts the profile's pre-existing accounts into a fresh world's store, before the run, as an
 * earlier provisioning left them: the same generated users the run's source holds (same seed,
 * same awkward cases), active, with userNames at the world's domain, and the source's externalId
 * only when they were matched by externalId. Returns run index -> id. Inserted directly, so
 * seeding spends none of the world's rate limit and meets none of its faults.
 */
export function seedPopulation(store: ScimStore, population: ResolvedProfile['population'], request: PopulationRequest): Map<number, string> {
  const seeded = new Map<number, string>();
  if (population.count === 0) return seeded;
  const domain = population.domain ?? request.domain;
  const factory = createUserFactory({ seed: request.seed, marker: request.marker, domain, population: request.users, collisions: request.collisions });
  const type = resourceTypeByName('User');
  for (const index of preexistingIndexes(population.count, request.users, request.collisions)) {
    const user = factory.user(index);
    const body: JsonObject = {
      schemas: [SCHEMA.user],
      userName: user.userName,
      name: { givenName: user.givenName, familyName: user.familyName },
      displayName: user.displayName,
      emails: [{ value: user.email, type: 'work', primary: true }],
      active: true,
    };
    if (population.matchedBy === 'externalId') body.externalId = user.externalId;
    if (user.title !== undefined) body.title = user.title;
    if (user.phone !== undefined) body.phoneNumbers = [{ value: user.phone, type: 'work' }];
    if (user.department !== undefined) {
      body.schemas = [SCHEMA.user, SCHEMA.enterpriseUser];
      body[SCHEMA.enterpriseUser] = { department: user.department };
    }
    // A userName taken already (a duplicate email is not a duplicate userName, so this is rare) stays one account.
    if (store.findUserByUserName(user.userName)) continue;
    const data = normalizeResource(body, type, { rejectStringBooleans: false });
    seeded.set(index, store.insert('User', store.nextId('User', user.userName), data, 0).id);
  }
  return seeded;
}
