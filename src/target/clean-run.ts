import type { ScimSettings } from '../env/settings.js';
import type { ScimClient } from '../scim/client/client.js';
import type { JsonValue } from '../scim/types.js';
import { emptyCleanup, removeRunResources, type CleanupResult } from './cleanup.js';
import { RunJournal, type JournalState } from './journal.js';
import { openCleanupClient } from './session.js';

/**
 * Cleans up one journalled run: the journalled ids, then a search for the run's marker (creates
 * in flight at a crash have no journalled id), each resource read first and removed only when it
 * carries the marker. Idempotent: what is gone answers 404 and counts as gone. `note` receives
 * what the user should know (a refused search, ids now held by someone else).
 */
export async function cleanJournalledRun(settings: ScimSettings, state: JournalState, cwd: string, note: (text: string) => void): Promise<CleanupResult> {
  const { client, close } = openCleanupClient(settings, state.marker, `cleanup:${state.runId}`);
  const journal = new RunJournal(cwd, state.runId);
  try {
    const result = emptyCleanup();
    const users = new Set<string>();
    const groups = new Set<string>();
    let notOurs = 0;
    // The marker search first: it finds journalled ids and creates that were in flight at once.
    const searches: Array<[string, Set<string>]> = [
      [`/Users?filter=${encodeURIComponent(`externalId sw "${state.marker}-"`)}`, users],
      [`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName sw "${state.marker}-"`)}`, groups],
    ];
    for (const [query, into] of searches) {
      const found = await searchAll(client, query);
      if (found === undefined) {
        note(`the target refused a search for the marker (${query.split('?')[0]}); only journalled ids were checked.`);
        continue;
      }
      for (const resource of found) {
        const id = client.adopt(resource);
        if (id !== undefined) into.add(id);
      }
    }
    for (const [kind, ids, into] of [['Users', state.users, users], ['Groups', state.groups, groups]] as const) {
      for (const id of ids) {
        if (into.has(id)) continue; // found by the marker search already
        const outcome = await client.http.send({ method: 'GET', path: `/${kind}/${encodeURIComponent(id)}` });
        if (outcome.status === 404) {
          if (kind === 'Users') result.users.gone++;
          else result.groups.gone++;
          journal.write({ op: 'removed', kind: kind === 'Users' ? 'User' : 'Group', id, how: 'gone' });
        } else if (outcome.ok && client.adopt(outcome.body) !== undefined) into.add(id);
        else if (outcome.ok) notOurs++;
        else result.failed.push({ kind: kind === 'Users' ? 'User' : 'Group', id, reason: outcome.error ?? String(outcome.status) });
      }
    }
    if (notOurs > 0) note(`${notOurs} journalled id(s) now hold resources without the run marker; left alone.`);
    const removed = await removeRunResources(client, [...users], [...groups], journal, settings.maxConcurrency);
    journal.write({ op: 'end', clean: removed.failed.length === 0 && result.failed.length === 0, at: new Date().toISOString() });
    return {
      users: { removed: removed.users.removed, deactivated: removed.users.deactivated, gone: removed.users.gone + result.users.gone },
      groups: { removed: removed.groups.removed, gone: removed.groups.gone + result.groups.gone },
      failed: [...result.failed, ...removed.failed],
    };
  } finally {
    await close();
  }
}

/** Every resource a filtered list returns, page by page; undefined when the server refuses the filter. */
async function searchAll(client: ScimClient, query: string): Promise<JsonValue[] | undefined> {
  const all: JsonValue[] = [];
  for (let startIndex = 1; startIndex < 1_000_000; ) {
    const outcome = await client.http.send({ method: 'GET', path: `${query}&startIndex=${startIndex}&count=100` });
    if (!outcome.ok) return outcome.status === 400 || outcome.status === 501 || outcome.status === 403 ? undefined : all;
    const body = outcome.body;
    const resources = body !== null && typeof body === 'object' && !Array.isArray(body) && Array.isArray(body.Resources) ? body.Resources : [];
    all.push(...resources);
    const total = body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body.totalResults === 'number' ? body.totalResults : 0;
    if (resources.length === 0 || startIndex + resources.length > total) break;
    startIndex += resources.length;
  }
  return all;
}
