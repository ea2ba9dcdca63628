/**
 * Seeded randomness for everything that must replay identically: synthetic users, simulated
 * latency, faults, backoff jitter. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator)
 * is tiny, fast and passes PractRand; Math.random cannot be seeded.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

/** A generator seeded from a number or string; the same seed gives the same sequence. */
export function createRandom(seed: number | string): Random {
  let h = 1779033703 ^ String(seed).length;
  const text = String(seed);
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const mix = (): number => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return { next };
}

const Z99 = 2.3263478740408408;

/**
 * A log-normal sample with the given median and 99th percentile: the usual shape of service
 * latency, a body near the median and a long tail.
 */
export function sampleLogNormal(random: Random, p50: number, p99: number): number {
  if (p50 <= 0) return 0;
  const sigma = p99 > p50 ? Math.log(p99 / p50) / Z99 : 0;
  // Box-Muller; 1 - next() keeps the logarithm away from 0.
  const z = Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return p50 * Math.exp(sigma * z);
}
