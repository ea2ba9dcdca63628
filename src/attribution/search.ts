import { ddmin, split } from './ddmin.js';

/**
 * One replay's answer: whether it blocks an account, and whether it could not tell (the
 * account's state could not be read back); or the mix is not a valid env set.
 */
export type Replayed = { invalid: true } | { invalid?: false; blocks: (account: number) => boolean; unknown?: (account: number) => boolean };

/** Why a newly blocked account has no cause set. */
export type UnexplainedReason =
  /** The replay budget ended before the search reached it. */
  | 'budget'
  /** Blocked in the candidate's own run, not when the candidate was replayed for the search. */
  | 'not-reproducible'
  /** Blocked by the whole candidate, and no smaller mix of its changes was a valid env set. */
  | 'inseparable'
  /** A replay the explanation rests on could not read the account back. */
  | 'unverified';

export interface CauseSearchInput {
  /** Unit ids in a stable order (the report's order). */
  units: readonly string[];
  /** Accounts the candidate blocks and the baseline does not. */
  newly: readonly number[];
  /**
   * Replays the baseline with the units of `subset` taken from the candidate, and says which
   * accounts it blocks. Never called for the empty set (the baseline blocks none of `newly`).
   */
  replay: (subset: readonly string[]) => Promise<Replayed>;
  /** Distinct replays the search may start; accounts it cannot reach are unexplained (`budget`). */
  maxRuns: number;
  /**
   * Units the evidence points at (the variables the failures' hints name). Only the order of
   * replays depends on them: the first split puts them apart from the rest, so a right guess
   * costs two replays (the suspect, and everything else, which is also its fix check).
   */
  suspects?: readonly string[];
}

/** Accounts with the same cause sets. */
export interface CauseRow {
  /**
   * Each set alone, applied on top of the baseline, blocks every account of the row, and no set
   * does with one of its units left out. Several sets: any one of them blocks the accounts.
   */
  causes: string[][];
  /** Ascending. */
  accounts: number[];
}

export interface CauseSearchResult {
  /** Disjoint, most accounts first. */
  rows: CauseRow[];
  unexplained: Record<UnexplainedReason, number[]>;
  /** Distinct replays started. */
  runs: number;
  budgetExhausted: boolean;
}

class OutOfBudget extends Error {}

/**
 * The cause search over the changes of a candidate env set, with the replay as its oracle.
 *
 * 1. Single units, by adaptive group testing: each half of a set that blocks accounts is
 *    replayed on its own, down to single units (2(n-1) replays at most, about 2c·log2(n) when c
 *    of n units block). A half that blocks none of the accounts is not split further.
 * 2. The fix check: the candidate without an account's single causes is replayed; an account it
 *    still blocks has another cause among the remaining units.
 * 3. Accounts no single unit blocks, and those the fix check leaves blocked, are searched with
 *    ddmin over every remaining unit, blamed elsewhere or not, until a replay of what is left
 *    blocks them no more (then reverting the row's cause sets unblocks them, as replayed).
 *
 * Every newly blocked account ends in exactly one row or in `unexplained`. Deterministic: the
 * same oracle gives the same rows, runs and order of replays.
 */
export async function searchCauses(input: CauseSearchInput): Promise<CauseSearchResult> {
  const order = new Map(input.units.map((u, k) => [u, k]));
  const rank = (u: string): number => order.get(u) ?? Number.MAX_SAFE_INTEGER;
  const normal = (subset: readonly string[]): string[] => [...new Set(subset)].sort((a, b) => rank(a) - rank(b));
  const keyOf = (subset: readonly string[]): string => normal(subset).join('\u0000');
  const full = normal(input.units);
  const cache = new Map<string, Promise<Replayed>>();
  let runs = 0;
  let exhausted = false;

  const replay = (subset: readonly string[]): Promise<Replayed> => {
    const units = normal(subset);
    const key = units.join('\u0000');
    const known = cache.get(key);
    if (known) return known;
    if (runs >= input.maxRuns) {
      exhausted = true;
      // Several replays of one level may be refused before the first refusal is awaited; the
      // rest are never awaited, so each is marked handled here (the awaited one still throws).
      const refused = Promise.reject(new OutOfBudget());
      refused.catch(() => undefined);
      return refused;
    }
    runs++;
    const started = input.replay(units);
    cache.set(key, started);
    return started;
  };

  const causes = new Map<number, string[][]>();
  const addCause = (account: number, set: readonly string[]): void => {
    const list = causes.get(account) ?? [];
    list.push(normal(set));
    causes.set(account, list);
  };
  /** Settled accounts: explained (their causes, reverted together, unblock them as replayed) or not. */
  const settled = new Map<number, 'explained' | UnexplainedReason>();
  const leave = (account: number, reason: UnexplainedReason): void => {
    settled.set(account, reason);
  };
  const done = (account: number): void => {
    settled.set(account, 'explained');
  };

  /** Accounts still to explain, by the units left to search (the candidate less causes found). */
  const queue = new Map<string, { universe: string[]; accounts: number[] }>();
  const enqueue = (universe: readonly string[], account: number): void => {
    const key = keyOf(universe);
    const entry = queue.get(key) ?? { universe: normal(universe), accounts: [] };
    entry.accounts.push(account);
    queue.set(key, entry);
  };

  try {
    // 1. Single units, level by level so that the order of replays does not depend on timing.
    const suspected = new Set(input.suspects ?? []);
    const first = full.filter((u) => suspected.has(u));
    const firstSplit = first.length > 0 && first.length < full.length ? [first, full.filter((u) => !suspected.has(u))] : undefined;
    let level: Array<{ units: string[]; accounts: number[] }> = [{ units: full, accounts: [...input.newly] }];
    while (level.length > 0) {
      const next: Array<{ units: string[]; accounts: number[] }> = [];
      const tests: Array<{ units: string[]; accounts: number[]; answer: Promise<Replayed> }> = [];
      for (const node of level) {
        if (node.accounts.length === 0) continue;
        if (node.units.length === 1) {
          for (const account of node.accounts) addCause(account, node.units);
          continue;
        }
        const halves = node.units === full && firstSplit ? firstSplit : split(node.units, 2);
        for (const half of halves) tests.push({ units: half, accounts: node.accounts, answer: replay(half) });
      }
      for (const test of tests) {
        const answer = await test.answer;
        // A mix that is no valid env set says nothing; its units are left to the combination search.
        if (answer.invalid) continue;
        next.push({ units: test.units, accounts: test.accounts.filter((i) => answer.blocks(i)) });
      }
      level = next;
    }
    // 2. Fix checks, and 3. the accounts no single unit explains.
    for (const account of input.newly) {
      const singles = causes.get(account) ?? [];
      const blamed = new Set(singles.flat());
      enqueue(full.filter((u) => !blamed.has(u)), account);
    }
    for (;;) {
      // Widest universe first, then the report's order: deterministic.
      const entry = [...queue.values()].sort((a, b) => b.universe.length - a.universe.length || compareSets(a.universe, b.universe, rank))[0];
      if (!entry) break;
      queue.delete(keyOf(entry.universe));
      await explain(entry.universe, entry.accounts.filter((i) => !settled.has(i)));
    }
  } catch (error) {
    if (!(error instanceof OutOfBudget)) throw error;
    for (const account of input.newly) if (!settled.has(account)) leave(account, 'budget');
  }

  const rows = new Map<string, CauseRow>();
  const unexplained: Record<UnexplainedReason, number[]> = { budget: [], 'not-reproducible': [], inseparable: [], unverified: [] };
  for (const account of [...input.newly].sort((a, b) => a - b)) {
    const state = settled.get(account) ?? 'budget';
    if (state !== 'explained') {
      unexplained[state].push(account);
      continue;
    }
    const list = (causes.get(account) ?? []).sort((a, b) => a.length - b.length || compareSets(a, b, rank));
    const key = list.map((set) => set.join('+')).join('|');
    const row = rows.get(key) ?? { causes: list, accounts: [] };
    row.accounts.push(account);
    rows.set(key, row);
  }
  return {
    rows: [...rows.values()].sort((a, b) => b.accounts.length - a.accounts.length || compareSets(a.causes.flat(), b.causes.flat(), rank)),
    unexplained,
    runs,
    budgetExhausted: exhausted,
  };

  async function explain(universe: string[], accounts: number[]): Promise<void> {
    if (accounts.length === 0) return;
    if (universe.length === 0) {
      // Every unit is in a cause set: reverting them all is the baseline, which blocks none of them.
      for (const account of accounts) done(account);
      return;
    }
    const whole = await replay(universe);
    const isCandidate = universe.length === full.length;
    let pending: number[] = [];
    for (const account of accounts) {
      if (whole.invalid) done(account);
      // Reverting the causes found cannot be shown to unblock an account the replay could not read.
      else if (whole.unknown?.(account) === true) leave(account, 'unverified');
      else if (whole.blocks(account)) pending.push(account);
      else if (isCandidate) leave(account, 'not-reproducible');
      else done(account);
    }
    while (pending.length > 0) {
      let sawInvalid = false;
      const among = pending;
      const found = await ddmin(universe, async (subset) => {
        const answer = await replay(subset);
        if (answer.invalid) {
          sawInvalid = true;
          return 'unresolved';
        }
        return among.some((i) => answer.blocks(i)) ? 'fail' : 'pass';
      });
      const answer = await replay(found);
      const hit = answer.invalid ? [] : among.filter((i) => answer.blocks(i));
      if (hit.length === 0) {
        // Cannot happen with a deterministic oracle; never loop on one that is not.
        for (const account of among) leave(account, 'not-reproducible');
        return;
      }
      const inseparable = found.length === universe.length && isCandidate && sawInvalid && found.length > 1;
      for (const account of hit) {
        if (inseparable) leave(account, 'inseparable');
        else {
          addCause(account, found);
          const rest = universe.filter((u) => !found.includes(u));
          enqueue(rest, account);
        }
      }
      const hitSet = new Set(hit);
      pending = among.filter((i) => !hitSet.has(i));
    }
  }
}

function compareSets(a: readonly string[], b: readonly string[], rank: (u: string) => number): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const d = rank(a[k] as string) - rank(b[k] as string);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
