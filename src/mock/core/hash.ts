/** 32-bit FNV-1a of `text` continuing from `h` (chain calls to hash several parts without joining them). */
export function fnv1a(text: string, h: number): number {
  let x = h >>> 0;
  for (let i = 0; i < text.length; i++) {
    x ^= text.charCodeAt(i);
    x = Math.imul(x, 0x01000193);
  }
  return x >>> 0;
}

export const FNV_OFFSET = 0x811c9dc5;

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
export function finalize32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
