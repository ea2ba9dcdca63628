import type { ScimClient } from '../scim/client/client.js';
import { SCHEMA, type JsonObject, type JsonValue } from '../scim/types.js';
import type { AccountBook } from './accounts.js';
import { pool } from '../scim/pool.js';
import { ACTIVE, CREATED, DELETED, STAGES, type Stage } from './ledger.js';
import { listAllUsers, listed, type ListedUser } from './list-all.js';
import { verifyGroups } from './verify-groups.js';

/**
 * After the scenario, reads the target's state back and compares it with the intended one:
 * this catches servers that answer 200 and apply nothing. Lists page by page; an account the
 * listing did not show is read by id when the listing failed or contradicted itself (absence
 * from an unreliable listing proves nothing). An account that cannot be read is unverified,
 * never fine. Group memberships are verified group by group afterwards.
 */
export async function readBack(book: AccountBook, reader: ScimClient, concurrency: number, sample?: Uint8Array): Promise<void> {
  const { ledger } = book;
  const inSample = (i: number): boolean => sample === undefined || sample[i] === 1;
  // Mismatches are few; keep them and block in account order, so examples are the lowest indices.
  const mismatches = new Map<number, { stage: Stage; detail: string }>();
  const check = (i: number, seen: ListedUser | null): void => {
    if (ledger.isBlocked(i) || !inSample(i)) return;
    const mismatch = compareAccount(book, i, seen);
    if (mismatch) mismatches.set(i, mismatch);
  };
  const present = new Uint8Array(ledger.size);
  const listing = await listAllUsers(
    reader,
    book.marker,
    ledger.size,
    (i, user) => {
      present[i] = 1;
      check(i, user);
    },
    book.preexistingById,
  );
  const toRead: number[] = [];
  for (let i = 0; i < ledger.size; i++) {
    if (present[i] === 1 || ledger.isBlocked(i) || !inSample(i) || ((ledger.intended[i] ?? 0) & CREATED) === 0) continue;
    // Listing order is not assumed stable: an account a listing skipped is read by id before it is
    // called missing (few are, so this costs little); one meant to be gone is trusted gone.
    const meantGone = ((ledger.intended[i] ?? 0) & DELETED) !== 0;
    if (listing.ok && listing.reliable && (meantGone || ledger.ids[i] === undefined)) check(i, null);
    else if (ledger.ids[i] !== undefined) toRead.push(i);
    else ledger.unverified[i] = 1;
  }
  await pool(toRead, concurrency, undefined, async (i) => {
    const outcome = await reader.getUser(ledger.ids[i] as string);
    const body = outcome.body;
    if (outcome.ok && body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body.id === 'string') check(i, listed(body));
    else if (outcome.status === 404) check(i, null);
    else ledger.unverified[i] = 1;
  });
  for (const i of [...mismatches.keys()].sort((a, b) => a - b)) {
    const mismatch = mismatches.get(i) as { stage: Stage; detail: string };
    ledger.block(i, mismatch.stage, { error: 'state-mismatch', detail: mismatch.detail }, undefined, mismatch.detail);
  }
  await verifyGroups(book, reader, inSample);
}

/**
 * One account against its intended state: existence, `active`, and every attribute the scenario
 * set. A mismatch is blamed on the stage that last set what differs: `update` for what a mover
 * changed, `create` for what only the create sent.
 */
export function compareAccount(book: AccountBook, i: number, seen: ListedUser | null): { stage: Stage; detail: string } | undefined {
  const { ledger } = book;
  const flags = ledger.intended[i] ?? 0;
  const last = STAGES[(ledger.lastStage[i] ?? 1) - 1] ?? 'create';
  if ((flags & CREATED) === 0) return undefined;
  if ((flags & DELETED) !== 0) {
    return seen === null ? undefined : { stage: last === 'deactivate' ? 'deactivate' : 'delete', detail: 'the account should be gone but is still there' };
  }
  if (seen === null) return { stage: last, detail: 'the account is missing on the target' };
  const wantActive = (flags & ACTIVE) !== 0;
  if (seen.active !== wantActive) {
    return { stage: wantActive ? (last === 'reactivate' ? 'reactivate' : 'create') : 'deactivate', detail: `active is ${seen.active}, expected ${wantActive}` };
  }
  const changed = book.changed(i) ?? {};
  const want = book.fields(i);
  const r = seen.resource;
  const name = isObject(r.name) ? r.name : {};
  const ext = isObject(r[SCHEMA.enterpriseUser]) ? (r[SCHEMA.enterpriseUser] as JsonObject) : {};
  const manager = isObject(ext.manager) ? ext.manager.value : undefined;
  // [attribute, changed by a mover, expected, actual, compare case-insensitively]
  const checks: Array<[string, boolean, string | undefined, JsonValue | undefined, boolean]> = [
    // userName is caseExact false (RFC 7643 section 4.1.1) unless a case-only rename is the point.
    ['userName', changed.userName !== undefined, want.userName, r.userName, changed.userName === undefined],
    ['name.givenName', changed.givenName !== undefined, want.givenName, name.givenName, false],
    ['name.familyName', changed.familyName !== undefined, want.familyName, name.familyName, false],
    ['displayName', changed.displayName !== undefined, want.displayName, r.displayName, false],
    ['emails[type eq "work"].value', changed.email !== undefined, want.email, typedValue(r.emails, 'work'), true],
    ['title', changed.title !== undefined, want.title, r.title, false],
    ['department', changed.department !== undefined, want.department, ext.department, false],
    ['manager', changed.managerIndex !== undefined, book.managerSent[i], manager, false],
    ['phoneNumbers[type eq "work"].value', false, want.phone, typedValue(r.phoneNumbers, 'work'), false],
  ];
  for (const [attribute, moved, expected, actual, folded] of checks) {
    if (expected === undefined) continue;
    const same = folded && typeof actual === 'string' ? actual.toLowerCase() === expected.toLowerCase() : actual === expected;
    if (!same) return { stage: moved ? 'update' : 'create', detail: `${attribute} is ${actual === undefined ? 'missing' : JSON.stringify(actual)}, expected ${JSON.stringify(expected)}` };
  }
  return undefined;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** The value of a multi-valued attribute's entry of one type (emails, phoneNumbers). */
function typedValue(values: JsonValue | undefined, type: string): JsonValue | undefined {
  if (!Array.isArray(values)) return undefined;
  const entry = values.find((e) => isObject(e) && e.type === type);
  return isObject(entry) ? entry.value : undefined;
}
