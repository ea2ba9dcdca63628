/**
 * Retry timing, with no I/O (ky's `retry-timing.ts` model): exponential backoff with full
 * jitter, capped, and Retry-After (RFC 9110 section 10.2.3) taking precedence when given.
 */

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

/** The largest backoff before retry number `retry` (1-based), before jitter. */
export function backoffCeilingMs(retry: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
}

/** The backoff before retry number `retry`; `random` in [0, 1) comes from the run's seeded source. */
export function backoffDelayMs(retry: number, random: number): number {
  return Math.round(backoffCeilingMs(retry) * random);
}

/**
 * Parses a Retry-After header value (delay-seconds or an HTTP-date) into milliseconds from `now`.
 * Returns undefined when absent or unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** How long one operation can take at worst: every attempt times out and every backoff is at its ceiling. */
export function worstCaseOperationMs(timeoutMs: number, maxRetries: number): number {
  let total = timeoutMs * (maxRetries + 1);
  for (let retry = 1; retry <= maxRetries; retry++) total += backoffCeilingMs(retry);
  return total;
}
