import type { JsonValue } from './types.js';

/** One ListResponse page as a pager needs it (RFC 7644 section 3.4.2). */
export interface Page {
  resources: JsonValue[];
  totalResults: number | undefined;
  itemsPerPage: number | undefined;
}

/** The page in a ListResponse body, or undefined when the body is not one. */
export function pageResources(body: JsonValue | undefined): Page | undefined {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const resources = body.Resources === undefined ? [] : body.Resources;
  if (!Array.isArray(resources)) return undefined;
  return {
    resources,
    totalResults: typeof body.totalResults === 'number' ? body.totalResults : undefined,
    itemsPerPage: typeof body.itemsPerPage === 'number' ? body.itemsPerPage : undefined,
  };
}

/**
 * Paging by what the server returned, never by what was asked: startIndex advances by the
 * resources received, paging stops once `totalResults` are in hand, and the ways servers lie are
 * noticed rather than trusted (a page cap with `itemsPerPage` echoing `count`, a page that
 * repeats, an empty page before `totalResults`, a total that moves). A pure state machine: the
 * caller fetches, so every listing (read-back, full sync, cleanup) pages the same way.
 */
export class Pager {
  startIndex = 1;
  done = false;
  /** Why the listing cannot prove absence, once the server contradicted itself. */
  unreliable: string | undefined;
  /** A lie that paging by received resources already survives (itemsPerPage echoing count). */
  note: string | undefined;
  #received = 0;
  #total: number | undefined;
  #previousFirst: string | undefined;
  #pages = 0;

  advance(page: Page): void {
    const n = page.resources.length;
    this.#pages++;
    if (page.itemsPerPage !== undefined && page.itemsPerPage !== n && this.note === undefined) {
      this.note = `itemsPerPage says ${page.itemsPerPage} but ${n} resources came`;
    }
    if (this.#total === undefined) this.#total = page.totalResults;
    else if (page.totalResults !== undefined && page.totalResults !== this.#total) this.#flag(`totalResults moved from ${this.#total} to ${page.totalResults} while paging`);
    const first = idOf(page.resources[0]);
    if (n > 0 && first !== undefined && first === this.#previousFirst) {
      // The server ignored startIndex: every further page would be this one again.
      this.#flag('a page repeated (startIndex ignored)');
      this.done = true;
      return;
    }
    this.#previousFirst = first;
    this.#received += n;
    const total = this.#total;
    if (n === 0) {
      if (total !== undefined && this.#received < total) this.#flag(`the server promised ${total} resources and stopped after ${this.#received}`);
      this.done = true;
      return;
    }
    this.startIndex += n;
    if (total !== undefined && this.#received >= total) {
      if (this.#received > total) this.#flag(`the server promised ${total} resources and sent ${this.#received}`);
      this.done = true;
    }
    // A server whose totalResults keeps growing must not keep us paging forever.
    if (this.#pages >= 1_000_000) this.done = true;
  }

  #flag(why: string): void {
    this.unreliable ??= why;
  }
}

function idOf(resource: JsonValue | undefined): string | undefined {
  return resource !== null && resource !== undefined && typeof resource === 'object' && !Array.isArray(resource) && typeof resource.id === 'string' ? resource.id : undefined;
}
