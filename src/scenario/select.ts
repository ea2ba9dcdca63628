import { hash32 } from './hash.js';
import { STREAM } from './streams.js';
import type { Step } from './types.js';

/**
 * The users a step acts on, as ascending indexes in [0, population). Each eligible user gets a
 * hash of (seed, stepIndex, index): with a share, a user is picked when the hash, as a fraction
 * of 2^32, is below the share (so a share is honoured on average, not exactly); with a count,
 * the `count` eligible users with the smallest hashes are picked (exact, or every eligible
 * user when fewer are eligible); with neither (`all`), every eligible user is. The same
 * arguments always give the same users, and no step sees another step's picks.
 *
 * `eligible` says whether a user is in the step's population (`selector.of`) right now; the
 * caller owns that state. Runs in O(population log count) time and O(count) memory.
 */
export function selectUsers(step: Step, stepIndex: number, seed: number, population: number, eligible: (index: number) => boolean): number[] {
  const { share, count } = step.selector;
  if (count !== undefined) return smallestHashes(count, stepIndex, seed, population, eligible);
  const picked: number[] = [];
  // Scaled to 2^32 once, so the loop compares integers rather than dividing per user.
  const threshold = share === undefined ? Infinity : share * 4294967296;
  for (let index = 0; index < population; index++) {
    if (!eligible(index)) continue;
    if (share === undefined || hash32(seed, STREAM.select, stepIndex, index) < threshold) picked.push(index);
  }
  return picked;
}

/** The `count` eligible users with the smallest (hash, index), via a max-heap of at most `count` entries. */
function smallestHashes(count: number, stepIndex: number, seed: number, population: number, eligible: (index: number) => boolean): number[] {
  if (count <= 0) return [];
  const heap = new MaxHeap(count);
  for (let index = 0; index < population; index++) {
    if (!eligible(index)) continue;
    heap.offer(hash32(seed, STREAM.select, stepIndex, index), index);
  }
  return heap.indexes().sort((a, b) => a - b);
}

/** A bounded max-heap on (hash, index): the root is the worst of the best `capacity` seen so far. */
class MaxHeap {
  readonly #capacity: number;
  readonly #hashes: number[] = [];
  readonly #indexes: number[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  offer(hash: number, index: number): void {
    if (this.#hashes.length < this.#capacity) {
      this.#hashes.push(hash);
      this.#indexes.push(index);
      this.#siftUp(this.#hashes.length - 1);
      return;
    }
    // Indexes arrive in ascending order, so a tie with the root loses: (hash, index) is a total order.
    if (hash >= this.#at(0)) return;
    this.#hashes[0] = hash;
    this.#indexes[0] = index;
    this.#siftDown(0);
  }

  indexes(): number[] {
    return [...this.#indexes];
  }

  #at(i: number): number {
    return this.#hashes[i] ?? -1;
  }

  /** True when entry i ranks above entry j: a larger hash, or the same hash and a larger index. */
  #above(i: number, j: number): boolean {
    const hi = this.#at(i);
    const hj = this.#at(j);
    return hi > hj || (hi === hj && (this.#indexes[i] ?? 0) > (this.#indexes[j] ?? 0));
  }

  #swap(i: number, j: number): void {
    [this.#hashes[i], this.#hashes[j]] = [this.#at(j), this.#at(i)];
    [this.#indexes[i], this.#indexes[j]] = [this.#indexes[j] ?? 0, this.#indexes[i] ?? 0];
  }

  #siftUp(start: number): void {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#above(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(start: number): void {
    const n = this.#hashes.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let top = i;
      if (left < n && this.#above(left, top)) top = left;
      if (right < n && this.#above(right, top)) top = right;
      if (top === i) return;
      this.#swap(i, top);
      i = top;
    }
  }
}
