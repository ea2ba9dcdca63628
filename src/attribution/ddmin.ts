export type DdminVerdict = 'fail' | 'pass' | 'unresolved';

/**
 * Zeller and Hildebrandt's ddmin ("Simplifying and Isolating Failure-Inducing Input", 2002):
 * from a failing set of changes, a 1-minimal failing subset (removing any one change makes it
 * pass or unresolved). Tests try subsets, then complements, then a finer split; at most
 * m² + 3m tests for m changes.
 */
export async function ddmin<T>(all: readonly T[], test: (subset: readonly T[]) => Promise<DdminVerdict>): Promise<T[]> {
  let current = [...all];
  let n = 2;
  while (current.length >= 2) {
    const chunks = split(current, n);
    let next: T[] | undefined;
    for (const chunk of chunks) {
      if ((await test(chunk)) === 'fail') {
        next = chunk;
        n = 2;
        break;
      }
    }
    if (!next && n > 2) {
      for (const chunk of chunks) {
        const complement = current.filter((x) => !chunk.includes(x));
        if ((await test(complement)) === 'fail') {
          next = complement;
          n = Math.max(n - 1, 2);
          break;
        }
      }
    }
    if (next) {
      current = next;
      continue;
    }
    if (n >= current.length) break;
    n = Math.min(current.length, n * 2);
  }
  return current;
}

/** `items` in `n` contiguous chunks of near-equal size (earlier chunks the smaller). */
export function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    const end = start + Math.floor((items.length - start) / (n - k));
    if (end > start) chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}
