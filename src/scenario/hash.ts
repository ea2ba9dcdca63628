/**
 * A fast, seedable integer hash for per-user decisions (is user 4711 picked in step 3? does
 * user 12 have a long name?). Each decision is a pure function of its inputs, so nothing about
 * the population has to be held in memory and the answer never depends on evaluation order.
 * Murmur3's word mixing and fmix32 finaliser; not cryptographic, and it need not be.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let m = h ^ k;
  m = (m << 13) | (m >>> 19);
  return (Math.imul(m, 5) + 0xe6546b64) | 0;
}

function fmix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * An unsigned 32-bit hash of a seed and up to three non-negative integers. Seeds up to 2^53 keep
 * their high bits (a `Date.now()` seed is not truncated to its low word).
 */
export function hash32(seed: number, a: number, b = 0, c = 0): number {
  let h = mixWord(0x2545f491, seed >>> 0);
  h = mixWord(h, Math.floor(seed / 4294967296) >>> 0);
  h = mixWord(h, a >>> 0);
  h = mixWord(h, b >>> 0);
  h = mixWord(h, c >>> 0);
  return fmix32(h ^ 20);
}

/** The same hash as a float in [0, 1), to compare with a share. */
export function unitHash(seed: number, a: number, b = 0, c = 0): number {
  return hash32(seed, a, b, c) / 4294967296;
}
