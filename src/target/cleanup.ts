import type { ScimClient } from '../scim/client/client.js';
import { pool } from '../scim/pool.js';
import type { RunJournal } from './journal.js';

export interface CleanupResult {
  users: { removed: number; deactivated: number; gone: number };
  groups: { removed: number; gone: number };
  /** Resources that stay on the target, with why. */
  failed: Array<{ kind: 'User' | 'Group'; id: string; reason: string }>;
}

export function emptyCleanup(): CleanupResult {
  return { users: { removed: 0, deactivated: 0, gone: 0 }, groups: { removed: 0, gone: 0 }, failed: [] };
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
    } else result.failed.push({ kind: 'Group', id, reason: reasonOf(outcome) });
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
      result.failed.push({ kind: 'User', id, reason: reasonOf(deleted) });
      return;
    }
    const { outcome } = await client.setActive(id, false);
    if (!outcome.ok) {
      result.failed.push({ kind: 'User', id, reason: `DELETE ${deleted.status}, deactivation ${reasonOf(outcome)}` });
      return;
    }
    result.users.deactivated++;
    journal?.write({ op: 'removed', kind: 'User', id, how: 'deactivated' });
  });
  return result;
}

function reasonOf(outcome: { status: number; error?: string; scimType?: string }): string {
  return outcome.error ?? [outcome.status, outcome.scimType].filter((x) => x !== undefined && x !== 0).join(' ');
}

/** `removed 120 users and 5 groups` (+ deactivated, failed), for reports and notes. */
export function describeCleanup(result: CleanupResult): string {
  const parts = [`removed ${result.users.removed} user${result.users.removed === 1 ? '' : 's'} and ${result.groups.removed} group${result.groups.removed === 1 ? '' : 's'}`];
  if (result.users.deactivated > 0) parts.push(`deactivated ${result.users.deactivated} the server would not let us DELETE`);
  if (result.users.gone + result.groups.gone > 0) parts.push(`${result.users.gone + result.groups.gone} already gone`);
  if (result.failed.length > 0) parts.push(`${result.failed.length} could not be removed (${result.failed.slice(0, 3).map((f) => `${f.kind} ${f.id}: ${f.reason}`).join('; ')})`);
  return parts.join(', ');
}
