import type { ScimSettings } from '../env/settings.js';
import { selectUsers } from '../scenario/select.js';
import type { Scenario, Step } from '../scenario/types.js';
import { createUserFactory } from '../scenario/users.js';
import type { ScimClient } from '../scim/client/client.js';
import { ACTIVE, CREATED, DELETED, Ledger, type Stage } from './ledger.js';
import { AccountBook, type ExpectedAccount } from './accounts.js';
import { readBack } from './read-back.js';
import { listActivity, type UserListing } from './list-all.js';
import { pool } from '../scim/pool.js';

export interface EngineOptions {
  settings: ScimSettings;
  client: ScimClient;
  scenario: Scenario;
  users: number;
  seed: number;
  /** The run marker: every synthetic externalId starts with it. */
  marker: string;
  collisions?: number;
  /** Called after each account operation, with done / total for the current step. */
  onProgress?: (step: Step, done: number, total: number) => void;
  /** Set to stop starting new operations (SIGINT); in-flight ones finish. */
  signal?: AbortSignal;
  /**
   * A scoped replay: only accounts marked 1 are sent to the target and read back. Every account still
   * moves through its intended states, so each step picks exactly the accounts it would pick in
   * the full run, and a sampled account sees the same operations it would see there.
   */
  sample?: Uint8Array;
  /**
   * Send nothing more for an account once it is blocked (a cause search's replay, which asks
   * only whether each account gets blocked: its first failure decides, and later operations
   * could not undo it). Intended states still move on, as for unsent accounts of a scoped replay.
   */
  skipBlocked?: boolean;
  /** Embedded mock: run users the world held before the run (index -> id), matched rather than created. */
  preexisting?: ReadonlyMap<number, string>;
  /** Reads the target back after the scenario (default `client`), with this many reads in flight. */
  verifier?: ScimClient;
  verifyConcurrency?: number;
}

export interface EngineResult {
  ledger: Ledger;
  /** Ids of the groups the run created on the target. */
  groupIds: string[];
  /** True when the run stopped early; accounts not reached keep their last state. */
  partial: boolean;
  /** What the scenario intends for account i (the state read-back compares with). */
  expected: (i: number) => ExpectedAccount;
}

/**
 * Replays a scenario: each step selects accounts from their intended state (never from what
 * the target did, so two env sets replay the same intentions), runs one lifecycle operation
 * per selected account with SCIM_MAX_CONCURRENCY workers, and records every outcome in the
 * ledger. A read-back then compares the target's state with the intended one.
 */
export async function runScenario(options: EngineOptions): Promise<EngineResult> {
  const { settings, client, scenario, users, seed, marker } = options;
  const ledger = new Ledger(users);
  const factory = createUserFactory({ seed, marker, domain: settings.usernameDomain, population: users, collisions: options.collisions ?? 0 });
  const book = new AccountBook(factory, ledger, client, marker, options.preexisting);
  const deleteMode = client.deactivationMode === 'delete';
  for (let s = 0; s < scenario.steps.length; s++) {
    if (options.signal?.aborted) return { ledger, groupIds: created(book), partial: true, expected: (i) => book.expected(i) };
    const step = scenario.steps[s] as Step;
    let selected = selectUsers(step, s, seed, users, (i) => eligibleFor(ledger.intended[i] ?? 0, step));
    const sample = options.sample;
    const skipBlocked = options.skipBlocked === true;
    if (sample || skipBlocked) {
      const sent = (i: number): boolean => (sample === undefined || sample[i] === 1) && !(skipBlocked && ledger.isBlocked(i));
      for (const i of selected) if (!sent(i)) ledger.intended[i] = intendedAfter(step, ledger.intended[i] ?? 0, deleteMode, client.dialect.deletesUsers);
      selected = selected.filter(sent);
    }
    const off = settings.stagesOff?.find((o) => o.stage === stageOf(step));
    if (off) {
      // The client sends nothing for this stage, yet the scenario still intends it: every account
      // it would have changed ends up other than intended, blocked at the stage with the switch named.
      const detail = `nothing sent: ${off.variable}=${off.value} turns the ${off.stage} stage off, so the account is not ${INTENDED[off.stage]}`;
      for (const i of selected) {
        ledger.intended[i] = intendedAfter(step, ledger.intended[i] ?? 0, deleteMode, client.dialect.deletesUsers);
        if (!ledger.isBlocked(i)) ledger.block(i, off.stage, { error: 'stage-off', detail }, undefined, detail);
      }
      continue;
    }
    if (step.kind === 'group') await book.prepareGroups(step.groups?.count ?? 1);
    let listing: UserListing | undefined;
    // Entra never lists the target: its sync matches each leaver by a filter (AccountBook.reconcileLeaver).
    if (step.kind === 'reconcile' && client.dialect.listsTarget) listing = await listActivity(client, marker, users, book.preexistingById);
    let done = 0;
    await pool(selected, settings.maxConcurrency, options.signal, async (i) => {
      await runStep(book, step, s, i, deleteMode, listing);
      options.onProgress?.(step, ++done, selected.length);
    });
  }
  if (options.signal?.aborted) return { ledger, groupIds: created(book), partial: true, expected: (i) => book.expected(i) };
  await readBack(book, options.verifier ?? client, options.verifier ? options.verifyConcurrency ?? settings.maxConcurrency : settings.maxConcurrency, options.sample);
  return { ledger, groupIds: created(book), partial: false, expected: (i) => book.expected(i) };
}

/** The stage a step's failures are reported at. */
export function stageOf(step: Step): Stage {
  switch (step.kind) {
    case 'rename':
      return 'update';
    case 'reconcile':
      return 'deactivate';
    default:
      return step.kind;
  }
}

/** What a switched-off stage leaves undone, for the blocked account's detail. */
const INTENDED: Record<Stage, string> = {
  create: 'created',
  update: 'updated',
  deactivate: 'deactivated',
  reactivate: 'reactivated',
  delete: 'deleted',
  group: 'in the group the scenario puts it in',
};

function created(book: AccountBook): string[] {
  return book.groupIds.filter((id): id is string => id !== undefined);
}

/** Which accounts a step may pick, from intended state only. */
export function eligibleFor(flags: number, step: Step): boolean {
  const created = (flags & CREATED) !== 0;
  const deleted = (flags & DELETED) !== 0;
  const active = (flags & ACTIVE) !== 0;
  switch (step.selector.of) {
    case 'all':
      return step.kind === 'create' ? !created : true;
    case 'active':
      return created && !deleted && active;
    case 'inactive':
      return created && !active;
    case 'existing':
      return created && !deleted;
    default:
      return step.kind === 'create' ? !created : created && !deleted && active;
  }
}

/** An account's intended state after a step, whatever the target does. */
export function intendedAfter(step: Step, flags: number, deleteMode: boolean, deletesUsers: boolean): number {
  switch (step.kind) {
    case 'create':
      return CREATED | ACTIVE;
    case 'deactivate':
    case 'reconcile':
      return deleteMode ? (flags & ~ACTIVE) | DELETED : flags & ~ACTIVE;
    case 'reactivate':
      return (flags | ACTIVE) & ~DELETED;
    case 'delete':
      return deletesUsers ? (flags & ~ACTIVE) | DELETED : flags & ~ACTIVE;
    default:
      return flags;
  }
}

async function runStep(book: AccountBook, step: Step, s: number, i: number, deleteMode: boolean, listing: UserListing | undefined): Promise<void> {
  const ledger = book.ledger;
  const flags = ledger.intended[i] ?? 0;
  ledger.intended[i] = intendedAfter(step, flags, deleteMode, book.client.dialect.deletesUsers);
  switch (step.kind) {
    case 'create':
      return book.create(i, 'create');
    case 'update':
      return book.update(i, s, step.attributes ?? ['title', 'department', 'manager', 'email', 'name']);
    case 'rename':
      return book.rename(i, s, step.rename ?? { caseOnly: true });
    case 'deactivate':
      return book.deactivate(i, 'deactivate');
    case 'reactivate':
      return (flags & DELETED) !== 0 ? book.create(i, 'reactivate') : book.reactivate(i);
    case 'delete':
      return book.remove(i);
    case 'group':
      return book.group(i, s, step.groups?.remove ?? 0);
    case 'reconcile':
      return book.reconcileLeaver(i, listing);
  }
}
