import { describe, expect, it } from 'vitest';
import { ddmin } from '../../src/attribution/ddmin.js';
import { searchCauses, type CauseSearchResult, type Replayed } from '../../src/attribution/search.js';

/** An account's ground truth: blocked by a mix when some clause's units are all in it and none of its maskers. */
interface Clause {
  all: string[];
  none?: string[];
}
type Truth = Clause[][];

function blocks(clauses: Clause[], mix: ReadonlySet<string>): boolean {
  return clauses.some((c) => c.all.every((u) => mix.has(u)) && !(c.none ?? []).some((u) => mix.has(u)));
}

/** The oracle a rehearsal would be: replay a mix, see which accounts it blocks; records every replay. */
function oracle(truth: Truth, invalid: (mix: readonly string[]) => boolean = () => false) {
  const calls: string[][] = [];
  const replay = async (subset: readonly string[]): Promise<Replayed> => {
    calls.push([...subset]);
    if (invalid(subset)) return { invalid: true };
    const mix = new Set(subset);
    return { blocks: (i) => blocks(truth[i] ?? [], mix) };
  };
  return { replay, calls };
}

function newlyOf(truth: Truth, units: readonly string[]): number[] {
  const all = new Set(units);
  return truth.flatMap((clauses, i) => (blocks(clauses, all) && !blocks(clauses, new Set()) ? [i] : []));
}

async function search(truth: Truth, units: string[], maxRuns = 1000, invalid?: (mix: readonly string[]) => boolean, suspects?: string[]) {
  const { replay, calls } = oracle(truth, invalid);
  const newly = newlyOf(truth, units);
  const result = await searchCauses({ units, newly, replay, maxRuns, ...(suspects ? { suspects } : {}) });
  return { result, calls, newly };
}

/** Account -> its row's cause sets, as `A|B+C` (cause sets by size, then unit order). */
function assignment(result: CauseSearchResult): Map<number, string> {
  const map = new Map<number, string>();
  for (const row of result.rows) for (const i of row.accounts) map.set(i, row.causes.map((c) => c.join('+')).join('|'));
  return map;
}

/** A seeded generator (mulberry32), so every property run is the same. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < k && pool.length > 0) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0] as T);
  return out;
}

const UNITS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/** Checks the claims every row makes, against the ground truth itself. */
function expectHonest(truth: Truth, units: string[], newly: number[], result: CauseSearchResult): void {
  const placed = [...result.rows.flatMap((r) => r.accounts), ...Object.values(result.unexplained).flat()];
  // Every newly blocked account in exactly one place.
  expect(placed.sort((a, b) => a - b)).toEqual([...newly].sort((a, b) => a - b));
  for (const row of result.rows) {
    expect(row.causes.length).toBeGreaterThan(0);
    const reverted = new Set(row.causes.flat());
    for (const i of row.accounts) {
      for (const set of row.causes) {
        // Each cause set blocks the account on top of the baseline ...
        expect(blocks(truth[i] ?? [], new Set(set))).toBe(true);
        // ... and is 1-minimal.
        for (const u of set) expect(blocks(truth[i] ?? [], new Set(set.filter((x) => x !== u)))).toBe(false);
      }
      // Reverting every unit of the row unblocks it.
      expect(blocks(truth[i] ?? [], new Set(units.filter((u) => !reverted.has(u))))).toBe(false);
    }
  }
}

describe('the cause search', () => {
  it('finds a single culprit among eight units in 2·log2(8) replays, the fix check served from them', async () => {
    const truth: Truth = [...Array.from({ length: 40 }, () => [{ all: ['F'] }]), ...Array.from({ length: 10 }, () => [])];
    const { result, calls } = await search(truth, UNITS);
    expect(result.rows).toEqual([{ causes: [['F']], accounts: Array.from({ length: 40 }, (_, i) => i) }]);
    expect(Object.values(result.unexplained).flat()).toEqual([]);
    // {A..D} {E..H} | {E,F} {G,H} | {E} {F} | fix check: all but F.
    expect(result.runs).toBe(7);
    expect(calls).toHaveLength(7);
  });

  it('needs two replays when the lone culprit is the first half of three units', async () => {
    const { result } = await search([[{ all: ['A'] }], [{ all: ['A'] }], []], ['A', 'B', 'C']);
    expect(result.rows).toEqual([{ causes: [['A']], accounts: [0, 1] }]);
    expect(result.runs).toBe(2);
  });

  it('needs two replays for a lone culprit the evidence points at, wherever it stands, and the same rows for a wrong guess', async () => {
    const truth: Truth = [[{ all: ['C'] }], [{ all: ['C'] }], []];
    const right = await search(truth, ['A', 'B', 'C'], 1000, undefined, ['C']);
    expect(right.result.rows).toEqual([{ causes: [['C']], accounts: [0, 1] }]);
    expect(right.calls).toEqual([['C'], ['A', 'B']]);
    const wrong = await search(truth, ['A', 'B', 'C'], 1000, undefined, ['A']);
    expect(wrong.result.rows).toEqual(right.result.rows);
    expect(wrong.result.runs).toBeGreaterThan(2);
  });

  it('a lone unit is blamed without a replay', async () => {
    const { result } = await search([[{ all: ['A'] }]], ['A']);
    expect(result.rows).toEqual([{ causes: [['A']], accounts: [0] }]);
    expect(result.runs).toBe(0);
  });

  it('searches combinations with a unit already blamed for other accounts (retries alone, and retries with the rate cap)', async () => {
    const truth: Truth = [
      ...Array.from({ length: 5 }, () => [{ all: ['retries'] }]),
      ...Array.from({ length: 7 }, () => [{ all: ['rate', 'retries'] }]),
      [],
    ];
    const units = ['page', 'concurrency', 'rate', 'timeout', 'retries', 'update'];
    const { result, newly } = await search(truth, units);
    const by = assignment(result);
    expect([0, 1, 2, 3, 4].map((i) => by.get(i))).toEqual(Array(5).fill('retries'));
    expect([5, 6, 7, 8, 9, 10, 11].map((i) => by.get(i))).toEqual(Array(7).fill('rate+retries'));
    expect(Object.values(result.unexplained).flat()).toEqual([]);
    expectHonest(truth, units, newly, result);
  });

  it('shows an account blocked by either of two causes once, under a row naming both', async () => {
    const truth: Truth = [
      [{ all: ['B'] }, { all: ['D'] }],
      [{ all: ['B'] }, { all: ['C', 'E'] }],
      [{ all: ['B'] }],
    ];
    const { result, newly } = await search(truth, ['A', 'B', 'C', 'D', 'E']);
    const by = assignment(result);
    expect(by.get(0)).toBe('B|D');
    expect(by.get(1)).toBe('B|C+E');
    expect(by.get(2)).toBe('B');
    expect(result.rows.map((r) => r.accounts.length).reduce((a, b) => a + b, 0)).toBe(3);
    expectHonest(truth, ['A', 'B', 'C', 'D', 'E'], newly, result);
  });

  it('does not blame a change whose harm another change of the candidate hides', async () => {
    // A blocks account 0 only without B; the candidate has both, so nothing of A shows.
    const truth: Truth = [[{ all: ['A'], none: ['B'] }], [{ all: ['C'] }]];
    const { result, newly } = await search(truth, ['A', 'B', 'C']);
    expect(newly).toEqual([1]);
    expect(result.rows).toEqual([{ causes: [['C']], accounts: [1] }]);
    expect(result.rows.flatMap((r) => r.causes.flat())).not.toContain('A');
  });

  it('recovers every generated monotone ground truth exactly: singles, pairs, triples and alternatives', async () => {
    const rand = random(7);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(rand() * 8);
      const units = UNITS.slice(0, n);
      // A few culprit sets shared by accounts, as env changes are.
      const culprits: string[][] = [];
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) culprits.push(pick(rand, units, 1 + Math.floor(rand() * Math.min(3, n))));
      const truth: Truth = Array.from({ length: 30 }, () => {
        if (rand() < 0.3) return [];
        // An account's alternatives are disjoint (see the README: overlapping ones report one of them).
        const chosen: string[][] = [];
        for (const c of pick(rand, culprits, 1 + Math.floor(rand() * 2))) if (chosen.every((d) => !d.some((u) => c.includes(u)))) chosen.push(c);
        // A cause that contains another of the same account is not minimal: keep the smaller.
        return chosen.map((all) => ({ all }));
      });
      // Suspects only change the order of replays, never the answer.
      const suspects = rand() < 0.5 ? pick(rand, units, 1 + Math.floor(rand() * 2)) : undefined;
      const { result, newly } = await search(truth, units, 1000, undefined, suspects);
      const by = assignment(result);
      for (const i of newly) {
        const expected = (truth[i] ?? [])
          .map((c) => [...c.all].sort((a, b) => units.indexOf(a) - units.indexOf(b)))
          .sort((a, b) => a.length - b.length || units.indexOf(a[0] as string) - units.indexOf(b[0] as string))
          .map((c) => c.join('+'))
          .join('|');
        expect(by.get(i), `round ${round}, account ${i}, units ${n}`).toBe(expected);
      }
      expectHonest(truth, units, newly, result);
      // The budget as the README states it: 2(n-1) for singles, one fix check per row, n²+3n per combination.
      const combos = new Set(result.rows.flatMap((r) => r.causes.filter((c) => c.length > 1).map((c) => c.join('+')))).size;
      expect(result.runs).toBeLessThanOrEqual(2 * (n - 1) + result.rows.length + combos * (n * n + 3 * n));
    }
  });

  it('keeps every claim it makes on generated ground truths with masking', async () => {
    const rand = random(11);
    for (let round = 0; round < 300; round++) {
      const n = 2 + Math.floor(rand() * 6);
      const units = UNITS.slice(0, n);
      const truth: Truth = Array.from({ length: 20 }, () =>
        Array.from({ length: Math.floor(rand() * 3) }, () => {
          const all = pick(rand, units, 1 + Math.floor(rand() * 3));
          const none = rand() < 0.4 ? pick(rand, units.filter((u) => !all.includes(u)), 1) : [];
          return { all, none };
        }),
      );
      const { result, newly } = await search(truth, units);
      expectHonest(truth, units, newly, result);
      expect(result.unexplained.budget).toEqual([]);
    }
  });

  it('counts what the budget leaves unexplained, and never more replays than allowed', async () => {
    const truth: Truth = [[{ all: ['B', 'E'] }], [{ all: ['A'] }], [{ all: ['C', 'D', 'F'] }]];
    const units = ['A', 'B', 'C', 'D', 'E', 'F'];
    const { result, calls, newly } = await search(truth, units, 6);
    expect(calls.length).toBe(6);
    expect(result.runs).toBe(6);
    expect(result.budgetExhausted).toBe(true);
    expect(result.unexplained.budget.length).toBeGreaterThan(0);
    expectHonest(truth, units, newly, result);
  });

  it('is deterministic: the same oracle gives the same rows, runs and order of replays', async () => {
    const truth: Truth = [[{ all: ['B', 'E'] }], [{ all: ['A'] }, { all: ['C', 'D'] }], [{ all: ['F'] }]];
    const first = await search(truth, ['A', 'B', 'C', 'D', 'E', 'F']);
    const second = await search(truth, ['A', 'B', 'C', 'D', 'E', 'F']);
    expect(second.result).toEqual(first.result);
    expect(second.calls).toEqual(first.calls);
  });

  it('says so when a replay of the candidate no longer blocks an account', async () => {
    // The candidate's own run blocked account 1; replays do not (a flaky target, or a narrower replay).
    const truth: Truth = [[{ all: ['A', 'B'] }], []];
    const { replay } = oracle(truth);
    const result = await searchCauses({ units: ['A', 'B'], newly: [0, 1], replay, maxRuns: 100 });
    expect(result.rows).toEqual([{ causes: [['A', 'B']], accounts: [0] }]);
    expect(result.unexplained['not-reproducible']).toEqual([1]);
  });

  it('never settles an account on a replay that could not read it back', async () => {
    // The fix check (the candidate without A) cannot read account 0 back: reverting A is not shown to help.
    const truth: Truth = [[{ all: ['A'] }], [{ all: ['A'] }]];
    const replay = async (subset: readonly string[]): Promise<Replayed> => {
      const mix = new Set(subset);
      return { blocks: (i) => blocks(truth[i] ?? [], mix), unknown: (i) => i === 0 && !mix.has('A') };
    };
    const result = await searchCauses({ units: ['A', 'B', 'C'], newly: [0, 1], replay, maxRuns: 100 });
    expect(result.rows).toEqual([{ causes: [['A']], accounts: [1] }]);
    expect(result.unexplained.unverified).toEqual([0]);
  });

  it('calls a block that no valid smaller mix reproduces inseparable, not a cause', async () => {
    const truth: Truth = [[{ all: ['A', 'B', 'C'] }]];
    const { result } = await search(truth, ['A', 'B', 'C'], 100, (mix) => mix.length === 2);
    expect(result.rows).toEqual([]);
    expect(result.unexplained.inseparable).toEqual([0]);
  });
});

describe('ddmin', () => {
  it('isolates a failing pair among eight changes, and a lone culprit', async () => {
    const calls: string[] = [];
    const pair = await ddmin([1, 2, 3, 4, 5, 6, 7, 8], async (subset) => {
      calls.push(subset.join());
      return subset.includes(3) && subset.includes(6) ? 'fail' : 'pass';
    });
    expect(pair).toEqual([3, 6]);
    expect(await ddmin(['a', 'b', 'c', 'd'], async (s) => (s.includes('c') ? 'fail' : 'pass'))).toEqual(['c']);
    expect(calls.length).toBeLessThanOrEqual(8 * 8 + 3 * 8);
  });

  it('steps over unresolved subsets (mixes that are not valid env sets)', async () => {
    const result = await ddmin(['x', 'y', 'z'], async (s) => (s.length === 1 ? 'unresolved' : s.includes('x') && s.includes('z') ? 'fail' : 'pass'));
    expect(result).toEqual(['x', 'z']);
  });
});
