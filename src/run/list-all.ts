import type { ScimClient } from '../scim/client/client.js';
import type { HttpOutcome } from '../scim/client/http.js';
import type { JsonObject, JsonValue } from '../scim/types.js';

/** One of this run's accounts as a listing or a read showed it; only alive while it is visited. */
export interface ListedUser {
  id: string;
  active: boolean;
  resource: JsonObject;
}

export type ListingResult = { ok: true } | { ok: false; outcome: HttpOutcome };

/** What a full sync saw per account: 0 absent, 1 present and inactive, 2 present and active. */
export type UserListing = { ok: true; seen: Uint8Array } | { ok: false; outcome: HttpOutcome };

export const SEEN_INACTIVE = 1;
export const SEEN_ACTIVE = 2;

/**
 * Lists every user page by page as a full sync does: startIndex from 1, count = the page size
 * (SCIM_PAGE_SIZE unless the dialect fixes it), startIndex advanced by count. Hands each of this
 * run's accounts (externalId `${marker}-${index}`) to `visit` while its page is in hand and keeps
 * nothing, so listing 100k accounts costs one page of memory. A failed page fails the listing.
 */
export async function listAllUsers(client: ScimClient, marker: string, size: number, visit: (index: number, user: ListedUser) => void): Promise<ListingResult> {
  const count = client.pageSize;
  const prefix = `${marker}-`;
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
    for (const resource of resources) {
      const index = indexOf(resource, prefix, size);
      if (index !== undefined) visit(index, listed(resource as JsonObject));
    }
    if (resources.length === 0) break;
    startIndex += count;
  }
  return { ok: true };
}

/** A full sync's view: which accounts exist on the target and whether they are active. */
export async function listActivity(client: ScimClient, marker: string, size: number): Promise<UserListing> {
  const seen = new Uint8Array(size);
  const result = await listAllUsers(client, marker, size, (index, user) => {
    seen[index] = user.active ? SEEN_ACTIVE : SEEN_INACTIVE;
  });
  return result.ok ? { ok: true, seen } : result;
}

/** `active` as servers send it: a boolean, or Entra-style "False". */
export function listed(resource: JsonObject): ListedUser {
  const active = resource.active;
  return { id: resource.id as string, active: active !== false && active !== 'False' && active !== 'false', resource };
}

function indexOf(resource: JsonValue, prefix: string, size: number): number | undefined {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) return undefined;
  const externalId = resource.externalId;
  if (typeof externalId !== 'string' || !externalId.startsWith(prefix) || typeof resource.id !== 'string') return undefined;
  const rest = externalId.slice(prefix.length);
  if (!/^\d+$/.test(rest)) return undefined;
  const index = Number(rest);
  return index < size ? index : undefined;
}
