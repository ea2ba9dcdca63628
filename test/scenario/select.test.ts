import { describe, expect, it } from 'vitest';
import { hash32 } from '../../src/scenario/hash.js';
import { selectUsers } from '../../src/scenario/select.js';
import { STREAM } from '../../src/scenario/streams.js';
import type { Selector, Step } from '../../src/scenario/types.js';

const SEED = 7;
const N = 20_000;
const everyone = (): boolean => true;
const step = (selector: Selector): Step => ({ kind: 'deactivate', line: 1, name: 'deactivate', selector: { of: 'active', ...selector } });
const ascending = (xs: number[]): boolean => xs.every((x, i) => i === 0 || (xs[i - 1] ?? Infinity) < x);

describe('selectUsers', () => {
  it('picks about the share asked for, in ascending order', () => {
    const picked = selectUsers(step({ share: 0.3 }), 2, SEED, N, everyone);
    expect(picked.length / N).toBeGreaterThan(0.28);
    expect(picked.length / N).toBeLessThan(0.32);
    expect(ascending(picked)).toBe(true);
  });

  it('picks exactly the count asked for, or every eligible user when fewer are eligible', () => {
    expect(selectUsers(step({ count: 500 }), 2, SEED, N, everyone)).toHaveLength(500);
    expect(selectUsers(step({ count: 500 }), 2, SEED, 300, everyone)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(selectUsers(step({ count: 0 }), 2, SEED, N, everyone)).toEqual([]);
  });

  it('picks only eligible users, with a share, a count or neither', () => {
    const eligible = (i: number): boolean => i % 3 === 0;
    for (const selector of [{ share: 0.5 }, { count: 1_000 }, {}]) {
      const picked = selectUsers(step(selector), 4, SEED, N, eligible);
      expect(picked.length).toBeGreaterThan(0);
      expect(picked.filter((i) => !eligible(i))).toEqual([]);
    }
    expect(selectUsers(step({}), 4, SEED, N, eligible)).toHaveLength(Math.ceil(N / 3));
  });

  it('gives the same users for the same seed and step, and different users for another step or seed', () => {
    const once = selectUsers(step({ share: 0.1 }), 3, SEED, N, everyone);
    expect(selectUsers(step({ share: 0.1 }), 3, SEED, N, everyone)).toEqual(once);
    expect(selectUsers(step({ share: 0.1 }), 4, SEED, N, everyone)).not.toEqual(once);
    expect(selectUsers(step({ share: 0.1 }), 3, SEED + 1, N, everyone)).not.toEqual(once);
  });

  it('picks the eligible users with the smallest hashes for a count, so a larger count extends a smaller one', () => {
    const eligible = (i: number): boolean => i % 2 === 1;
    const brute = Array.from({ length: N }, (_, i) => i)
      .filter(eligible)
      .sort((a, b) => hash32(SEED, STREAM.select, 5, a) - hash32(SEED, STREAM.select, 5, b) || a - b)
      .slice(0, 777)
      .sort((a, b) => a - b);
    const small = selectUsers(step({ count: 777 }), 5, SEED, N, eligible);
    expect(small).toEqual(brute);
    const large = selectUsers(step({ count: 2_000 }), 5, SEED, N, eligible);
    expect(small.filter((i) => !large.includes(i))).toEqual([]);
  });

  it('keeps a share and a count of the same step consistent: a share picks users whose hash is small', () => {
    const byShare = selectUsers(step({ share: 0.05 }), 6, SEED, N, everyone);
    const byCount = selectUsers(step({ count: byShare.length }), 6, SEED, N, everyone);
    expect(byCount).toEqual(byShare);
  });
});
