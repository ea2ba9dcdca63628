import { SCHEMA, type JsonObject, type JsonValue } from '../scim/types.js';
import type { AccountBook } from './accounts.js';
import { pool } from '../scim/pool.js';
import { ACTIVE, CREATED, DELETED, STAGES, type Stage } from './ledger.js';
import { listAllUsers, listed, type ListedUser } from './list-all.js';

/**
 * After the scenario, reads the target's state back and compares it with the intended one:
 * this catches servers that answer 200 and apply nothing. Lists page by page; when listing
 * fails (the env's page size may be what fails), reads each account by id instead.
 */
export async function readBack(book: AccountBook, concurrency: number, sample?: Uint8Array): Promise<void> {
  const { ledger } = book;
  const inSample = (i: number): boolean => sample === undefined || sample[i] === 1;
  // Mismatches are few; keep them and block in account order, so examples are the lowest indices.
  const mismatches = new Map<number, { stage: Stage; detail: string }>();
  const check = (i: number, seen: ListedUser | null): void => {
    if (ledger.isBlocked(i) || !inSample(i)) return;
    const mismatch = compare(book, i, seen);
    if (mismatch) mismatches.set(i, mismatch);
  };
  const present = new Uint8Array(ledger.size);
  const listing = await listAllUsers(book.client, book.marker, ledger.size, (i, user) => {
    present[i] = 1;
    check(i, user);
  });
  if (listing.ok) {
    for (let i = 0; i < ledger.size; i++) if (present[i] === 0) check(i, null);
  } else {
    const ids: number[] = [];
    for (let i = 0; i < ledger.size; i++) if (ledger.ids[i] !== undefined && !ledger.isBlocked(i) && inSample(i)) ids.push(i);
    await pool(ids, concurrency, undefined, async (i) => {
      const outcome = await book.client.getUser(ledger.ids[i] as string);
      const body = outcome.body;
      if (outcome.ok && body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body.id === 'string') check(i, listed(body));
      else if (outcome.status === 404) check(i, null);
    });
  }
  for (const i of [...mismatches.keys()].sort((a, b) => a - b)) {
    const mismatch = mismatches.get(i) as { stage: Stage; detail: string };
    ledger.block(i, mismatch.stage, { error: 'state-mismatch', detail: mismatch.detail }, undefined, mismatch.detail);
  }
}

function compare(book: AccountBook, i: number, seen: ListedUser | null): { stage: Stage; detail: string } | undefined {
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
  const changed = book.changed(i);
  if (!changed) return undefined;
  const want = book.fields(i);
  const r = seen.resource;
  const checks: Array<[string, string | undefined, JsonValue | undefined]> = [
    ['userName', changed.userName === undefined ? undefined : want.userName, r.userName],
    ['title', changed.title === undefined ? undefined : want.title, r.title],
    ['displayName', changed.displayName === undefined ? undefined : want.displayName, r.displayName],
    ['department', changed.department === undefined ? undefined : want.department, enterprise(r).department],
    ['emails[type eq "work"].value', changed.email === undefined ? undefined : want.email, workEmail(r)],
  ];
  for (const [name, expected, actual] of checks) {
    if (expected !== undefined && expected !== actual) return { stage: 'update', detail: `${name} was not updated` };
  }
  return undefined;
}

function enterprise(resource: JsonObject): JsonObject {
  const ext = resource[SCHEMA.enterpriseUser];
  return ext !== null && typeof ext === 'object' && !Array.isArray(ext) ? ext : {};
}

function workEmail(resource: JsonObject): JsonValue | undefined {
  const emails = Array.isArray(resource.emails) ? resource.emails : [];
  const work = emails.find((e) => e !== null && typeof e === 'object' && !Array.isArray(e) && e.type === 'work');
  return work !== null && typeof work === 'object' && !Array.isArray(work) ? work.value : undefined;
}
