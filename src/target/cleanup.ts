import type { ScimClient } from '../scim/client/client.js';
import type { HttpOutcome } from '../scim/client/http.js';
import { pageResources, Pager } from '../scim/pager.js';
import { pool } from '../scim/pool.js';
import type { JsonValue } from '../scim/types.js';
import type { JournalState, RunJournal } from './journal.js';

/** A resource of the run that is (or may be) still on the target, with why. */
export interface LeftBehind {
  kind: 'User' | 'Group';
  id?: string;
  /** userName (users) or displayName (groups), when the id is not known. */
  userName?: string;
  reason: string;
}

export interface CleanupResult {
  users: { removed: number; deactivated: number; gone: number };
  groups: { removed: number; gone: number };
  /** True only once it was verified that nothing carrying the run marker is left. */
  clean: boolean;
  /** Exactly what could not be removed, or not verified gone. */
  left: LeftBehind[];
}

export function emptyCleanup(): CleanupResult {
  return { users: { removed: 0, deactivated: 0, gone: 0 }, groups: { removed: 0, gone: 0 }, clean: true, left: [] };
}

/**
 * Removes a run's resources: groups first (so no membership points at a removed user), then
 * users with DELETE, or deactivation where the server refuses DELETE (405/501). Every write goes
 * through the client's marker guard, so only resources it owns can be touched; a 404 counts as
 * already gone, which makes a second cleanup a no-op. Each removal is journalled.
 */
export async function removeRunResources(
  client: ScimClient,
  users: readonly string[],
  groups: readonly string[],
  journal: RunJournal | undefined,
  concurrency: number,
): Promise<CleanupResult> {
  const result = emptyCleanup();
  for (const id of groups) {
    const outcome = await client.http.send({ method: 'DELETE', path: `/Groups/${id}` });
    if (outcome.ok || outcome.status === 404) {
      if (outcome.ok) result.groups.removed++;
      else result.groups.gone++;
      journal?.write({ op: 'removed', kind: 'Group', id, how: outcome.ok ? 'deleted' : 'gone' });
    } else result.left.push({ kind: 'Group', id, reason: reasonOf(outcome) });
  }
  await pool(Array.from(users.keys()), concurrency, undefined, async (k) => {
    const id = users[k] as string;
    const deleted = await client.http.send({ method: 'DELETE', path: `/Users/${id}` });
    if (deleted.ok || deleted.status === 404) {
      if (deleted.ok) result.users.removed++;
      else result.users.gone++;
      journal?.write({ op: 'removed', kind: 'User', id, how: deleted.ok ? 'deleted' : 'gone' });
      return;
    }
    if (deleted.status !== 405 && deleted.status !== 501) {
      result.left.push({ kind: 'User', id, reason: reasonOf(deleted) });
      return;
    }
    const { outcome } = await client.setActive(id, false);
    if (!outcome.ok) {
      result.left.push({ kind: 'User', id, reason: `DELETE ${deleted.status}, deactivation ${reasonOf(outcome)}` });
      return;
    }
    result.users.deactivated++;
    journal?.write({ op: 'removed', kind: 'User', id, how: 'deactivated' });
  });
  result.clean = result.left.length === 0;
  return result;
}

export interface CleanUpOptions {
  client: ScimClient;
  /** The run's journal as read back: ids it created, creates it never learnt the id of. */
  state: JournalState;
  journal: RunJournal;
  concurrency: number;
  /** What the user should know besides the result (a refused search, an id now someone else's). */
  note?: (text: string) => void;
}

/**
 * Brings a target back to where it was before a run: every journalled id, every create whose
 * id was never learnt (found by `eq` on userName and externalId, or displayName, so a server
 * without `sw` is no obstacle), and whatever a marker search finds; then verifies that nothing
 * carrying the marker is left before it journals `clean: true`. Ids the client does not own yet
 * are read first and removed only when they carry the marker. Idempotent.
 */
export async function cleanUpRun(options: CleanUpOptions): Promise<CleanupResult> {
  const { client, state, journal } = options;
  const note = options.note ?? (() => undefined);
  const left: LeftBehind[] = [];
  const users = new Set<string>();
  const groups = new Set<string>();
  const gone = { users: 0, groups: 0 };
  let notOurs = 0;
  // Every create is journalled before it is sent: a journal without one means the run put nothing
  // on the target, and there is nothing to search for (a throttled or interrupted run stops here).
  if (state.users.length === 0 && state.groups.length === 0 && state.open.length === 0) {
    journal.write({ op: 'end', clean: true, at: new Date().toISOString() });
    return { users: { removed: 0, deactivated: 0, gone: 0 }, groups: { removed: 0, gone: 0 }, clean: true, left };
  }
  // The marker search finds creates in flight at a crash at once, where the server can do it.
  // A server that answers an `sw` it does not support with an empty list would make absence
  // look proven: the search counts only once it found one of the ids the journal knows.
  let search = await searchMarked(client, state.marker);
  if (search.ok) {
    const found = new Set([...search.users, ...search.groups].map(idOf));
    if (![...state.users, ...state.groups].some((id) => found.has(id))) search = { ok: false, why: 'it found none of the journalled ids' };
  }
  if (search.ok) {
    for (const r of search.users) addAdopted(client, r, users);
    for (const r of search.groups) addAdopted(client, r, groups);
  }
  // Journalled ids: owned already when this is the run's own client; else absent from a
  // trustworthy marker search means gone, and without one each is read and adopted.
  for (const [kind, ids, into] of [['User', state.users, users], ['Group', state.groups, groups]] as const) {
    for (const id of ids) {
      if (client.owns(id)) {
        into.add(id);
        continue;
      }
      if (search.ok) {
        if (kind === 'User') gone.users++;
        else gone.groups++;
        journal.write({ op: 'removed', kind, id, how: 'gone' });
        continue;
      }
      const outcome = await client.http.send({ method: 'GET', path: `/${kind}s/${encodeURIComponent(id)}` });
      if (outcome.status === 404) {
        if (kind === 'User') gone.users++;
        else gone.groups++;
        journal.write({ op: 'removed', kind, id, how: 'gone' });
      } else if (outcome.ok && client.adopt(outcome.body) !== undefined) into.add(id);
      else if (outcome.ok) notOurs++;
      else left.push({ kind, id, reason: `could not be read: ${reasonOf(outcome)}` });
    }
  }
  if (!search.ok) {
    if (state.users.length + state.groups.length > 0) note(`the target cannot search for the run marker (${search.why}); each create without a known id is looked up by eq instead.`);
    for (const intent of state.open) {
      const found = intent.kind === 'User' ? await client.lookupUser({ userName: intent.name, externalId: intent.externalId }) : await client.lookupGroup(intent.name);
      if (found.kind === 'ours') (intent.kind === 'User' ? users : groups).add(found.id);
      else if (found.kind === 'failed') left.push({ kind: intent.kind, userName: intent.name, reason: `could not be looked up: ${reasonOf(found.outcome)}` });
    }
  }
  if (notOurs > 0) note(`${notOurs} journalled id(s) now hold resources without the run marker; left alone.`);
  const removed = await removeRunResources(client, [...users], [...groups], journal, options.concurrency);
  // Verify: a marker search must come back empty but for what the server only let us deactivate.
  if (!search.ok) left.push(...removed.left);
  else {
    const after = await searchMarked(client, state.marker);
    if (!after.ok) left.push(...removed.left, { kind: 'User', reason: `could not verify that nothing marked is left: ${after.why}` });
    else {
      const still = new Set([...after.users, ...after.groups].map(idOf));
      for (const l of removed.left) {
        if (still.has(l.id)) left.push(l);
        // A removal whose answer was lost (a timeout) did happen: the search no longer finds it.
        else if (l.kind === 'User') removed.users.gone++;
        else removed.groups.gone++;
      }
      const listed = new Set(left.map((l) => l.id));
      for (const [kind, found] of [['Group', after.groups], ['User', after.users]] as const) {
        for (const r of found) {
          const id = idOf(r);
          if (id === undefined || listed.has(id) || (kind === 'User' && isInactive(r) && users.has(id))) continue;
          left.push({ kind, id, reason: 'still carries the run marker after cleanup' });
        }
      }
    }
  }
  const result: CleanupResult = {
    users: { removed: removed.users.removed, deactivated: removed.users.deactivated, gone: removed.users.gone + gone.users },
    groups: { removed: removed.groups.removed, gone: removed.groups.gone + gone.groups },
    clean: left.length === 0,
    left,
  };
  journal.write({ op: 'end', clean: result.clean, at: new Date().toISOString() });
  return result;
}

type Search = { ok: true; users: JsonValue[]; groups: JsonValue[] } | { ok: false; why: string };

/** Every user and group whose externalId or displayName starts with the marker (`sw`). */
async function searchMarked(client: ScimClient, marker: string): Promise<Search> {
  const users = await searchAll(client, `/Users?filter=${encodeURIComponent(`externalId sw "${marker}-"`)}`);
  if (!Array.isArray(users)) return { ok: false, why: users };
  const groups = await searchAll(client, `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName sw "${marker}-"`)}`);
  if (!Array.isArray(groups)) return { ok: false, why: groups };
  return { ok: true, users, groups };
}

/** Every resource a filtered list returns, paged by what came back; a reason when it cannot be trusted. */
async function searchAll(client: ScimClient, query: string): Promise<JsonValue[] | string> {
  const all: JsonValue[] = [];
  const pager = new Pager();
  const count = Math.min(100, client.pageSize);
  while (!pager.done) {
    const outcome = await client.http.send({ method: 'GET', path: `${query}&startIndex=${pager.startIndex}&count=${count}` });
    if (!outcome.ok) return `${query.split('?')[0] ?? ''} answered ${reasonOf(outcome)}`;
    const page = pageResources(outcome.body);
    if (page === undefined) return `${query.split('?')[0] ?? ''} answered something that is not a list`;
    // A server that ignores the filter lists everyone: keep only what carries the marker.
    all.push(...page.resources.filter((r) => client.carriesMarker(r)));
    pager.advance(page);
  }
  return pager.unreliable === undefined ? all : `the listing cannot be trusted: ${pager.unreliable}`;
}

function addAdopted(client: ScimClient, resource: JsonValue, into: Set<string>): void {
  const id = client.adopt(resource);
  if (id !== undefined) into.add(id);
}

function idOf(resource: JsonValue): string | undefined {
  return resource !== null && typeof resource === 'object' && !Array.isArray(resource) && typeof resource.id === 'string' ? resource.id : undefined;
}

function isInactive(resource: JsonValue): boolean {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return false;
  return resource.active === false || resource.active === 'False' || resource.active === 'false';
}

function reasonOf(outcome: Pick<HttpOutcome, 'status' | 'error' | 'scimType'>): string {
  return outcome.error ?? [outcome.status, outcome.scimType].filter((x) => x !== undefined && x !== 0).join(' ');
}

/** `removed 120 users and 5 groups` (+ deactivated, left), for reports and notes. */
export function describeCleanup(result: CleanupResult): string {
  const parts = [`removed ${result.users.removed} user${result.users.removed === 1 ? '' : 's'} and ${result.groups.removed} group${result.groups.removed === 1 ? '' : 's'}`];
  if (result.users.deactivated > 0) parts.push(`deactivated ${result.users.deactivated} the server would not let us DELETE`);
  if (result.users.gone + result.groups.gone > 0) parts.push(`${result.users.gone + result.groups.gone} already gone`);
  if (result.left.length > 0) parts.push(`${result.left.length} left on the target (${result.left.slice(0, 3).map((f) => `${f.kind} ${f.id ?? f.userName ?? ''}: ${f.reason}`).join('; ')})`);
  else if (!result.clean) parts.push('not verified clean');
  return parts.join(', ');
}
