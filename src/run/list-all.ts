import type { ScimClient } from '../scim/client/client.js';
import type { HttpOutcome } from '../scim/client/http.js';
import type { JsonObject, JsonValue } from '../scim/types.js';
import type { Ledger } from './ledger.js';

/** What a full listing of the target saw of this run's accounts, keyed by externalId. */
export type UserListing =
  | { ok: true; users: Map<string, ListedUser> }
  | { ok: false; outcome: HttpOutcome };

export interface ListedUser {
  id: string;
  active: boolean;
  resource: JsonObject;
}

/**
 * Lists every user page by page as a full sync does: startIndex from 1, count = the page size
 * (SCIM_PAGE_SIZE unless the dialect fixes it), startIndex advanced by count. Keeps only this
 * run's accounts (externalId starts with the marker). A failed page fails the listing.
 */
export async function listAllUsers(client: ScimClient, _ledger: Ledger, marker: string): Promise<UserListing> {
  const count = client.pageSize;
  const users = new Map<string, ListedUser>();
  let startIndex = 1;
  let total = Infinity;
  // A server that misreports totalResults must not keep us paging forever.
  for (let page = 0; startIndex <= total && page < 1_000_000; page++) {
    const outcome = await client.listUsers(startIndex, count);
    if (!outcome.ok) return { ok: false, outcome };
    const body = outcome.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, outcome: { ...outcome, ok: false, error: 'not-a-list-response' } };
    const resources = Array.isArray(body.Resources) ? body.Resources : [];
    total = typeof body.totalResults === 'number' ? body.totalResults : 0;
    for (const resource of resources) collect(resource, marker, users);
    if (resources.length === 0) break;
    startIndex += count;
  }
  return { ok: true, users };
}

function collect(resource: JsonValue, marker: string, users: Map<string, ListedUser>): void {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return;
  const externalId = resource.externalId;
  if (typeof externalId !== 'string' || !externalId.startsWith(`${marker}-`) || typeof resource.id !== 'string') return;
  users.set(externalId, { id: resource.id, active: resource.active !== false && resource.active !== 'False' && resource.active !== 'false', resource });
}
