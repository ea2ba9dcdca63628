import type { ScimClient } from '../scim/client/client.js';
import type { AccountBook } from './accounts.js';
import { DELETED } from './ledger.js';

/**
 * Verifies every membership the scenario changed: for each group the run created, the members
 * on the target must be exactly the run's accounts intended in it (a server that replaces the
 * member list on an add keeps only the last one). A mismatch blocks the account at `group`
 * with `state-mismatch` naming `members`; a group that cannot be read leaves its accounts
 * unverified. Members that are not the run's are none of its business.
 */
export async function verifyGroups(book: AccountBook, reader: ScimClient, inSample: (i: number) => boolean): Promise<void> {
  const { ledger } = book;
  const touched: number[] = [];
  for (let i = 0; i < ledger.size; i++) if (book.groupTouched[i] === 1 && ledger.ids[i] !== undefined && !ledger.isBlocked(i) && inSample(i)) touched.push(i);
  if (touched.length === 0) return;
  const byId = new Map<string, number>();
  for (const i of touched) byId.set(ledger.ids[i] as string, i);
  /** 0 = in no group the run created, else 1 + group index; 255 = in two of them. */
  const actual = new Uint8Array(ledger.size);
  const unreadable = new Set<number>();
  for (let g = 0; g < book.groupIds.length; g++) {
    const groupId = book.groupIds[g];
    if (groupId === undefined) continue;
    const outcome = await reader.getGroup(groupId);
    const body = outcome.body;
    if (!outcome.ok || body === null || typeof body !== 'object' || Array.isArray(body)) {
      unreadable.add(g + 1);
      continue;
    }
    const members = Array.isArray(body.members) ? body.members : [];
    for (const member of members) {
      const value = member !== null && typeof member === 'object' && !Array.isArray(member) ? member.value : undefined;
      const i = typeof value === 'string' ? byId.get(value) : undefined;
      if (i !== undefined) actual[i] = actual[i] === 0 ? g + 1 : 255;
    }
  }
  for (const i of touched) {
    // A deleted account's memberships go with it; read-back already checks it is gone.
    if (((ledger.intended[i] ?? 0) & DELETED) !== 0) continue;
    const want = book.membership[i] ?? 0;
    const got = actual[i] ?? 0;
    if (unreadable.size > 0 && (unreadable.has(want) || got === 0)) {
      ledger.unverified[i] = 1;
      continue;
    }
    if (want === got) continue;
    const detail =
      got === 255
        ? 'members: the account is a member of more than one of the run’s groups'
        : want === 0
          ? `members: the account is still a member of ${groupName(book, got)} after its removal`
          : `members: the account is missing from ${groupName(book, want)}${got === 0 ? '' : ` (found in ${groupName(book, got)})`}`;
    ledger.block(i, 'group', { error: 'state-mismatch', detail }, undefined, detail);
  }
}

function groupName(book: AccountBook, code: number): string {
  return `${book.marker}-group-${code}`;
}
