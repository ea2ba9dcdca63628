import type { ScimClient } from '../scim/client/client.js';
import type { HttpOutcome } from '../scim/client/http.js';
import type { JsonObject, JsonValue } from '../scim/types.js';
import { pageResources, Pager } from '../scim/pager.js';

/** One of this run's accounts as a listing or a read showed it; only alive while it is visited. */
export interface ListedUser {
  id: string;
  active: boolean;
  resource: JsonObject;
}

/**
 * A listing that answered. `reliable` is false when the server contradicted itself (a page
 * repeated, fewer resources than `totalResults` promised, more than it promised): an account
 * absent from such a listing may still be there, so absence proves nothing.
 */
export type ListingResult = { ok: true; reliable: boolean; why?: string } | { ok: false; outcome: HttpOutcome };

/** What a full sync saw per account: 0 absent, 1 present and inactive, 2 present and active. */
export type UserListing = { ok: true; seen: Uint8Array; reliable: boolean } | { ok: false; outcome: HttpOutcome };

export const SEEN_INACTIVE = 1;
export const SEEN_ACTIVE = 2;

/**
 * Lists every user page by page as a full sync does: startIndex from 1, count = the page size
 * (SCIM_PAGE_SIZE unless the dialect fixes it), startIndex advanced by the resources the server
 * actually returned (a server may cap pages below count, RFC 7644 section 3.4.2.4, and some echo
 * count in itemsPerPage). Hands each of this run's accounts (externalId `${marker}-${index}`) to
 * `visit` while its page is in hand and keeps nothing else, so listing 100k accounts costs one
 * page of memory. A failed page fails the listing.
 */
export async function listAllUsers(
  client: ScimClient,
  marker: string,
  size: number,
  visit: (index: number, user: ListedUser) => void,
  known?: ReadonlyMap<string, number>,
): Promise<ListingResult> {
  const count = client.pageSize;
  const prefix = `${marker}-`;
  const seen = new Uint8Array(size);
  const pager = new Pager();
  let repeated = false;
  while (!pager.done) {
    const outcome = await client.listUsers(pager.startIndex, count);
    if (!outcome.ok) return { ok: false, outcome };
    const page = pageResources(outcome.body);
    if (page === undefined) return { ok: false, outcome: { ...outcome, ok: false, error: 'not-a-list-response' } };
    for (const resource of page.resources) {
      const index = indexOf(resource, prefix, size) ?? knownIndex(resource, known);
      if (index === undefined) continue;
      // Listing order is not assumed stable: an account met twice means a page overlapped.
      if (seen[index] === 1) {
        repeated = true;
        continue;
      }
      seen[index] = 1;
      visit(index, listed(resource as JsonObject));
    }
    pager.advance(page);
  }
  const why = pager.unreliable ?? (repeated ? 'the same account came on two pages' : undefined);
  return why === undefined ? { ok: true, reliable: true } : { ok: true, reliable: false, why };
}

/** A full sync's view: which accounts exist on the target and whether they are active. */
export async function listActivity(client: ScimClient, marker: string, size: number, known?: ReadonlyMap<string, number>): Promise<UserListing> {
  const seen = new Uint8Array(size);
  const result = await listAllUsers(
    client,
    marker,
    size,
    (index, user) => {
      seen[index] = user.active ? SEEN_ACTIVE : SEEN_INACTIVE;
    },
    known,
  );
  return result.ok ? { ok: true, seen, reliable: result.reliable } : result;
}

/** `active` as servers send it: a boolean, or Entra-style "False". */
export function listed(resource: JsonObject): ListedUser {
  const active = resource.active;
  return { id: resource.id as string, active: active !== false && active !== 'False' && active !== 'false', resource };
}

/**
 * A run's own account that carries no marker: one the world held before the run and the run
 * adopted (embedded mock only), known by id.
 */
function knownIndex(resource: JsonValue, known: ReadonlyMap<string, number> | undefined): number | undefined {
  if (known === undefined || known.size === 0 || resource === null || typeof resource !== 'object' || Array.isArray(resource)) return undefined;
  return typeof resource.id === 'string' ? known.get(resource.id) : undefined;
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
