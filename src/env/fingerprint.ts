import { createHash } from 'node:crypto';

/**
 * A secret's stand-in in every output: `fp:` and 12 hex characters of a domain-separated
 * SHA-256, equal for equal values, so a diff can say a token changed without showing it.
 * See docs/decisions/002-fingerprints.md.
 */
export function fingerprint(secret: string): string {
  return `fp:${createHash('sha256').update('scimsim/fp/v1\0').update(secret).digest('hex').slice(0, 12)}`;
}
