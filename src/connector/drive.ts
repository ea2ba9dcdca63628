import { AccountBook } from '../run/accounts.js';
import { eligibleFor, intendedAfter, stageOf } from '../run/engine.js';
import { CREATED, DELETED, Ledger, STAGES, type Stage } from '../run/ledger.js';
import { listAllUsers } from '../run/list-all.js';
import { readBack } from '../run/read-back.js';
import { selectUsers } from '../scenario/select.js';
import type { Scenario, Step } from '../scenario/types.js';
import { createUserFactory } from '../scenario/users.js';
import type { ScimClient } from '../scim/client/client.js';
import type { UserFields } from '../scim/dialects.js';
import type { ConnectorEvent, ConnectorEventType, DesiredState, SourceRecord } from './types.js';

/** An error the connector threw or printed: for an account when it is known, else for the step. */
export interface ConnectorError {
  account?: number;
  message: string;
}

/**
 * How one connector takes a step's changes: the events of the step (each for one account), and
 * the desired directory after it, built only when asked for. It answers with the errors it saw.
 */
export type Deliver = (step: { index: number; name: string }, events: ReadonlyArray<{ account: number; event: ConnectorEvent }>, desired: () => DesiredState) => Promise<ConnectorError[]>;

export interface DriveOptions {
  scenario: Scenario;
  users: number;
  seed: number;
  marker: string;
  domain: string;
  collisions?: number;
  /** Whether a delete step removes the account (the dialect's `deletesUsers`). */
  deletesUsers: boolean;
  /** Run users the world held before the run (index -> id). */
  preexisting?: ReadonlyMap<number, string>;
  deliver: Deliver;
  /**
   * The client that reads the world back after the last step (known-good settings): the book's
   * client, which sends nothing while the connector makes the changes.
   */
  reader: ScimClient;
  /** Redacts every message before it reaches the ledger. */
  scrub: (text: string) => string;
  signal?: AbortSignal;
}

export interface DriveResult {
  ledger: Ledger;
  book: AccountBook;
  /** Errors no account could be named for, at most a few (redacted). */
  unattributed: string[];
  partial: boolean;
}

const UNATTRIBUTED_KEPT = 5;

/**
 * Replays a scenario through a team's connector instead of scimsim's client: each step selects
 * accounts from their intended state exactly as `run` does (so the same accounts move), turns
 * each selected account's change into a source event, and hands the step to the connector. An
 * account whose event made the connector throw or print an error is blocked at the step's stage
 * with `connector-error`; everything else is left to the read-back of the world's final state.
 */
export async function driveScenario(options: DriveOptions): Promise<DriveResult> {
  const { scenario, users, seed, marker } = options;
  const ledger = new Ledger(users);
  const factory = createUserFactory({ seed, marker, domain: options.domain, population: users, collisions: options.collisions ?? 0 });
  // The book keeps the intended states, memberships and movers' changes; the connector sends.
  const book = new AccountBook(factory, ledger, options.reader, marker, options.preexisting);
  const unattributed: string[] = [];
  for (let s = 0; s < scenario.steps.length; s++) {
    if (options.signal?.aborted) return { ledger, book, unattributed, partial: true };
    const step = scenario.steps[s] as Step;
    const stage = stageOf(step);
    const selected = selectUsers(step, s, seed, users, (i) => eligibleFor(ledger.intended[i] ?? 0, step));
    if (step.kind === 'group') while (book.groupIds.length < (step.groups?.count ?? 1)) book.groupIds.push(undefined);
    const events: Array<{ account: number; event: ConnectorEvent }> = [];
    const stepRef = { index: s, name: step.name };
    for (const i of selected) {
      const flags = ledger.intended[i] ?? 0;
      ledger.intended[i] = intendedAfter(step, flags, false, options.deletesUsers);
      const made = eventFor(book, step, s, i, flags);
      if (made === undefined) continue;
      ledger.lastStage[i] = STAGES.indexOf(made.stage) + 1;
      events.push({ account: i, event: { id: `${s}:${made.type}:${i}`, type: made.type, step: stepRef, user: sourceRecord(book, i), ...made.extra } });
    }
    if (events.length === 0) continue;
    const errors = await options.deliver(stepRef, events, () => desiredState(book, stepRef));
    for (const error of errors) {
      const message = options.scrub(error.message);
      if (error.account === undefined) {
        if (unattributed.length < UNATTRIBUTED_KEPT && !unattributed.includes(message)) unattributed.push(message);
        continue;
      }
      // At the stage of the account's latest change: this step's event, or (a sync naming an
      // account the step did not change) the change the sync failed to keep.
      const last = ledger.lastStage[error.account] ?? 0;
      ledger.block(error.account, last === 0 ? stage : (STAGES[last - 1] as Stage), { error: 'connector-error', detail: message }, undefined, message);
    }
  }
  return { ledger, book, unattributed, partial: false };
}

/**
 * Reads the world's final state back with known-good settings, as `run` does: finds the ids the
 * connector gave the run's accounts and groups, then compares every account (and membership)
 * with its intended state. What the connector did not do shows here, whatever it said.
 */
export async function readBackWorld(result: DriveResult, concurrency: number): Promise<void> {
  const { ledger, book } = result;
  const reader = book.client;
  await listAllUsers(reader, book.marker, ledger.size, (i, user) => {
    ledger.ids[i] = user.id;
  }, book.preexistingById);
  for (let g = 0; g < book.groupIds.length; g++) book.groupIds[g] = await findGroup(reader, `${book.marker}-group-${g + 1}`);
  await readBack(book, reader, concurrency);
}

/** The id of the run's group of this name in the world, if the connector created it. */
async function findGroup(reader: ScimClient, displayName: string): Promise<string | undefined> {
  const found = await reader.lookupGroup(displayName);
  return found.kind === 'ours' ? found.id : undefined;
}

function eventFor(book: AccountBook, step: Step, s: number, i: number, flags: number): { type: ConnectorEventType; stage: Stage; extra?: Partial<ConnectorEvent> } | undefined {
  switch (step.kind) {
    case 'create':
      return { type: 'create', stage: 'create' };
    case 'update': {
      const change = book.intendMover(i, s, step.attributes ?? ['title', 'department', 'manager', 'email', 'name']);
      const { managerIndex, ...rest } = change;
      return { type: 'update', stage: 'update', extra: { changes: managerIndex === undefined ? rest : { ...rest, managerExternalId: `${book.marker}-${managerIndex}` } } };
    }
    case 'rename':
      return { type: 'update', stage: 'update', extra: { changes: book.intendRename(i, s, step.rename ?? { caseOnly: true }) } };
    case 'deactivate':
    case 'reconcile':
      return { type: 'deactivate', stage: 'deactivate' };
    case 'reactivate':
      return (flags & DELETED) !== 0 ? { type: 'create', stage: 'reactivate' } : { type: 'reactivate', stage: 'reactivate' };
    case 'delete':
      return { type: 'delete', stage: 'delete' };
    case 'group': {
      const decided = book.intendGroup(i, s, step.groups?.remove ?? 0);
      if (decided === undefined) return undefined;
      book.groupTouched[i] = 1;
      return { type: decided.kind === 'add' ? 'group-add' : 'group-remove', stage: 'group', extra: { group: { displayName: `${book.marker}-group-${decided.group + 1}` } } };
    }
  }
}

/** The account as the source holds it now. */
function sourceRecord(book: AccountBook, i: number): SourceRecord {
  const fields: UserFields = book.fields(i);
  const manager = book.managerOf(i);
  const record: SourceRecord = {
    externalId: fields.externalId,
    userName: fields.userName,
    givenName: fields.givenName,
    familyName: fields.familyName,
    displayName: fields.displayName,
    email: fields.email,
    active: fields.active,
  };
  if (fields.title !== undefined) record.title = fields.title;
  if (fields.department !== undefined) record.department = fields.department;
  if (fields.phone !== undefined) record.phone = fields.phone;
  if (manager !== undefined) record.managerExternalId = `${book.marker}-${manager}`;
  return record;
}

/** Everyone the source wants on the target after a step, and every group with its members. */
function desiredState(book: AccountBook, step: { index: number; name: string }): DesiredState {
  const { ledger } = book;
  const users: SourceRecord[] = [];
  const groups = book.groupIds.map((_, g) => ({ displayName: `${book.marker}-group-${g + 1}`, members: [] as string[] }));
  for (let i = 0; i < ledger.size; i++) {
    const flags = ledger.intended[i] ?? 0;
    if ((flags & CREATED) === 0 || (flags & DELETED) !== 0) continue;
    const record = sourceRecord(book, i);
    users.push(record);
    const group = book.membership[i] ?? 0;
    if (group !== 0) groups[group - 1]?.members.push(record.externalId);
  }
  return { step, users, groups };
}

