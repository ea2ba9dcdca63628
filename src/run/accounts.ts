import type { MoverChange, UpdatableAttribute } from '../scenario/types.js';
import type { createUserFactory } from '../scenario/users.js';
import type { ScimClient } from '../scim/client/client.js';
import type { UserChange, UserFields } from '../scim/dialects.js';
import { ACTIVE, CREATED, DELETED, type Ledger, type Stage } from './ledger.js';
import type { HttpOutcome } from '../scim/client/http.js';
import { SEEN_ACTIVE, listed, type UserListing } from './list-all.js';

type Factory = ReturnType<typeof createUserFactory>;

/** What a mover or rename changed of an account, on top of its generated self. */
type Overrides = MoverChange & { userName?: string };

/** What the scenario intends for one account: whether it exists, its fields, its group's displayName. */
export interface ExpectedAccount {
  exists: boolean;
  fields: UserFields;
  group: string | undefined;
}

/**
 * The accounts of one run and the operations on them: generated users plus the changes the
 * scenario made (kept only for accounts that changed), group ids and memberships, and the
 * ledger every outcome goes to.
 */
export class AccountBook {
  readonly ledger: Ledger;
  readonly client: ScimClient;
  readonly marker: string;
  readonly #factory: Factory;
  readonly #overrides = new Map<number, Overrides>();
  /** 0 = in no group, else 1 + group index. */
  readonly membership: Uint8Array;
  /** 1 = a membership change was sent for the account: its group is read back. */
  readonly groupTouched: Uint8Array;
  /** The manager id last sent for each account, which read-back expects to find. */
  readonly managerSent: Array<string | undefined>;
  groupIds: Array<string | undefined> = [];
  /** Run users the world held before the run (index -> id), and the same by id. */
  readonly preexisting: ReadonlyMap<number, string>;
  readonly preexistingById: ReadonlyMap<string, number>;
  #groupFailure: Parameters<Ledger['record']>[3] | undefined;

  constructor(factory: Factory, ledger: Ledger, client: ScimClient, marker: string, preexisting: ReadonlyMap<number, string> = new Map()) {
    this.preexisting = preexisting;
    this.preexistingById = new Map([...preexisting].map(([index, id]) => [id, index]));
    this.#factory = factory;
    this.ledger = ledger;
    this.client = client;
    this.marker = marker;
    this.membership = new Uint8Array(ledger.size);
    this.groupTouched = new Uint8Array(ledger.size);
    this.managerSent = new Array<string | undefined>(ledger.size);
  }

  /** The account as the identity source intends it now. */
  fields(i: number): UserFields {
    const user = this.#factory.user(i);
    const o = this.#overrides.get(i) ?? {};
    const managerIndex = o.managerIndex ?? user.managerIndex;
    return {
      userName: o.userName ?? user.userName,
      externalId: user.externalId,
      givenName: o.givenName ?? user.givenName,
      familyName: o.familyName ?? user.familyName,
      displayName: o.displayName ?? user.displayName,
      email: o.email ?? user.email,
      title: o.title ?? user.title,
      department: o.department ?? user.department,
      phone: user.phone,
      managerId: managerIndex === undefined ? undefined : this.ledger.ids[managerIndex],
      active: ((this.ledger.intended[i] ?? 0) & ACTIVE) !== 0,
    };
  }

  /** The state the scenario intends for an account on the target, for checks outside the run. */
  expected(i: number): ExpectedAccount {
    const flags = this.ledger.intended[i] ?? 0;
    const group = this.membership[i] ?? 0;
    return {
      exists: (flags & CREATED) !== 0 && (flags & DELETED) === 0,
      fields: this.fields(i),
      group: group === 0 ? undefined : `${this.marker}-group-${group}`,
    };
  }

  /** The index of the account's manager as the source holds it now, if it has one. */
  managerOf(i: number): number | undefined {
    return this.#overrides.get(i)?.managerIndex ?? this.#factory.user(i).managerIndex;
  }

  /** Which attributes the scenario changed, for read-back. */
  changed(i: number): Overrides | undefined {
    return this.#overrides.get(i);
  }

  async create(i: number, stage: Stage): Promise<void> {
    const fields = this.fields(i);
    const result = await this.client.createUser(fields);
    this.ledger.record(i, stage, 'POST', result.outcome);
    if (result.id !== undefined) {
      this.ledger.ids[i] = result.id;
      this.managerSent[i] = fields.managerId;
    }
    const existing = stage === 'create' ? this.preexisting.get(i) : undefined;
    if (existing === undefined || result.id === undefined) return;
    if (result.id !== existing) {
      // The account was already there and the match missed it: the source now has two.
      const detail = `the account already on the target (id ${existing}) was not matched by ${this.client.matchAttribute}, so a second one was created`;
      this.ledger.block(i, 'create', { error: 'duplicate-account', detail }, undefined, detail);
      return;
    }
    // Matched: the earlier provisioning could not know the manager's id, so the sync sends it now.
    if (fields.managerId !== undefined) {
      this.ledger.record(i, 'create', this.client.updateMethod === 'put' ? 'PUT' : 'PATCH', (await this.client.updateUser(result.id, { managerId: fields.managerId })).outcome);
    }
  }

  /**
   * A mover's change, as the identity source makes it: recorded as the account's intended state
   * and returned (what a connector is told, what the client sends).
   */
  intendMover(i: number, stepIndex: number, attributes: readonly UpdatableAttribute[]): MoverChange {
    const change = this.#factory.mover(i, stepIndex, attributes, this.#overrides.get(i));
    const { managerIndex, ...rest } = change;
    this.#merge(i, managerIndex === undefined ? rest : { ...rest, managerIndex });
    return change;
  }

  /** A rename, recorded as the account's intended state and returned: the new userName, and email with a domain change. */
  intendRename(i: number, stepIndex: number, rename: { domain?: string; caseOnly?: boolean }): { userName: string; email?: string } {
    const userName = this.#factory.renamed(i, stepIndex, rename, this.fields(i).userName);
    const email = rename.domain === undefined ? undefined : userName;
    const change = email === undefined ? { userName } : { userName, email };
    this.#merge(i, change);
    return change;
  }

  /**
   * A group step's decision for one account (a member leaves with probability `remove`, others
   * join one group), recorded as its intended membership; undefined when nothing changes.
   */
  intendGroup(i: number, stepIndex: number, remove: number): { kind: 'add' | 'remove'; group: number } | undefined {
    const current = this.membership[i] ?? 0;
    const roll = mix(this.ledger.size, stepIndex, i);
    const leaving = current !== 0 && roll < remove;
    const target = current !== 0 ? current - 1 : Math.floor(roll * this.groupIds.length) % Math.max(1, this.groupIds.length);
    if (current !== 0 && !leaving) return undefined;
    this.membership[i] = leaving ? 0 : target + 1;
    return { kind: leaving ? 'remove' : 'add', group: target };
  }

  async update(i: number, stepIndex: number, attributes: readonly UpdatableAttribute[]): Promise<void> {
    const { managerIndex, ...rest } = this.intendMover(i, stepIndex, attributes);
    const id = this.ledger.ids[i];
    if (id === undefined) return;
    const wire: UserChange = { ...rest };
    const managerId = managerIndex === undefined ? undefined : this.ledger.ids[managerIndex];
    if (managerId !== undefined) {
      wire.managerId = managerId;
      this.managerSent[i] = managerId;
    }
    this.ledger.record(i, 'update', this.client.updateMethod === 'put' ? 'PUT' : 'PATCH', (await this.client.updateUser(id, wire)).outcome);
  }

  async rename(i: number, stepIndex: number, rename: { domain?: string; caseOnly?: boolean }): Promise<void> {
    const change: UserChange = this.intendRename(i, stepIndex, rename);
    const id = this.ledger.ids[i];
    if (id === undefined) return;
    this.ledger.record(i, 'update', this.client.updateMethod === 'put' ? 'PUT' : 'PATCH', (await this.client.updateUser(id, change)).outcome);
  }

  async deactivate(i: number, stage: Stage): Promise<void> {
    const id = this.ledger.ids[i];
    if (id === undefined) return;
    const result = await this.client.setActive(id, false);
    const mode = this.client.deactivationMode;
    const deleting = mode === 'delete';
    this.ledger.record(i, stage, deleting ? 'DELETE' : mode === 'put' ? 'PUT' : 'PATCH', deleting ? goneIsDone(result.outcome) : result.outcome);
  }

  async reactivate(i: number): Promise<void> {
    const id = this.ledger.ids[i];
    if (id === undefined) return;
    this.ledger.record(i, 'reactivate', this.client.deactivationMode === 'put' ? 'PUT' : 'PATCH', (await this.client.setActive(id, true)).outcome);
  }

  async remove(i: number): Promise<void> {
    const id = this.ledger.ids[i];
    if (id === undefined) return;
    const { outcome } = await this.client.deleteUser(id);
    this.ledger.record(i, 'delete', 'DELETE', this.client.dialect.deletesUsers ? goneIsDone(outcome) : outcome);
  }

  /** Creates (or finds) the run's groups once, before a group step. */
  async prepareGroups(count: number): Promise<void> {
    for (let g = this.groupIds.length; g < count; g++) {
      const result = await this.client.ensureGroup(`${this.marker}-group-${g + 1}`);
      this.groupIds.push(result.id);
      if (!result.outcome.ok) this.#groupFailure ??= result.outcome;
    }
  }

  /** A member leaves its group with probability `remove`; others join one. */
  async group(i: number, stepIndex: number, remove: number): Promise<void> {
    const userId = this.ledger.ids[i];
    const decided = this.intendGroup(i, stepIndex, remove);
    if (decided === undefined) return;
    const leaving = decided.kind === 'remove';
    const target = decided.group;
    if (userId === undefined) return;
    const groupId = this.groupIds[target];
    if (groupId === undefined) {
      if (this.#groupFailure) this.ledger.record(i, 'group', 'POST', this.#groupFailure);
      return;
    }
    this.groupTouched[i] = 1;
    const membership = { groupId, groupName: `${this.marker}-group-${target + 1}`, userId, userDisplay: this.fields(i).userName };
    const method = this.client.dialect.membership === 'put' ? 'PUT' : 'PATCH';
    this.ledger.record(i, 'group', method, (await this.client.changeMembership(leaving ? 'remove' : 'add', membership)).outcome);
  }

  /**
   * A leaver found by a full sync: deactivated only when the listing found it active. A dialect
   * that never lists the target (Entra) matches the leaver by a filter instead.
   */
  async reconcileLeaver(i: number, listing: UserListing | undefined): Promise<void> {
    if (!listing) {
      if (!this.client.dialect.listsTarget) await this.#matchLeaver(i);
      return;
    }
    if (!listing.ok) {
      this.ledger.record(i, 'deactivate', 'GET', listing.outcome);
      return;
    }
    let seen = listing.seen[i];
    const id = this.ledger.ids[i];
    if (seen === 0 && !listing.reliable && id !== undefined) {
      // The listing contradicted itself, so absence from it proves nothing: read the account.
      const read = await this.client.getUser(id);
      if (!read.ok && read.status !== 404) {
        this.ledger.record(i, 'deactivate', 'GET', read);
        return;
      }
      const body = read.body;
      if (read.ok && body !== null && typeof body === 'object' && !Array.isArray(body)) seen = listed(body).active ? SEEN_ACTIVE : 0;
    }
    if (seen === SEEN_ACTIVE) await this.deactivate(i, 'deactivate');
  }

  /** Entra's way: GET /Users?filter=<match attribute> eq "…", then disable the account if it is active. */
  async #matchLeaver(i: number): Promise<void> {
    if (this.ledger.ids[i] === undefined) return;
    const found = await this.client.findUser(this.fields(i));
    if (!found.outcome.ok) {
      this.ledger.record(i, 'deactivate', 'GET', found.outcome);
      return;
    }
    const resource = found.resource;
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource) || !listed(resource).active) return;
    await this.deactivate(i, 'deactivate');
  }

  #merge(i: number, change: Overrides): void {
    this.#overrides.set(i, { ...this.#overrides.get(i), ...change });
  }
}

/**
 * A DELETE answered 404: the account is already gone, which is the state the scenario intends
 * (a retried DELETE whose first reply was lost meets exactly this). Read-back still checks it.
 */
function goneIsDone(outcome: HttpOutcome): HttpOutcome {
  return outcome.status === 404 ? { ...outcome, ok: true } : outcome;
}

/** A deterministic number in [0, 1) from three integers (splitmix-style finaliser). */
function mix(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ Math.imul(c + 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
