/**
 * Retry timing, with no I/O (ky's `retry-timing.ts` model): exponential backoff with full
 * jitter, capped, and Retry-After (RFC 9110 section 10.2.3) taking precedence when given.
 */

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
/**
 * The longest a client waits on one Retry-After. A server asking for more (an hour, a date next
 * year) is waited on for this long; the value it asked for is still reported.
 */
export const RETRY_AFTER_CAP_MS = 60_000;
/** Retry-After values are kept up to a day: beyond that every value means "far too long", and timers overflow. */
const RETRY_AFTER_MAX_MS = 86_400_000;

/** The largest backoff before retry number `retry` (1-based), before jitter. */
export function backoffCeilingMs(retry: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (retry - 1));
}

/** The backoff before retry number `retry`; `random` in [0, 1) comes from the run's seeded source. */
export function backoffDelayMs(retry: number, random: number): number {
  return Math.round(backoffCeilingMs(retry) * random);
}

/**
 * Parses a Retry-After header value (delay-seconds or an HTTP-date) into milliseconds from `now`,
 * at most a day (so a 30-digit number or a date in the year 9999 stays a finite, timer-safe
 * value). Returns undefined when absent or unreadable, so the caller falls back to backoff.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed.length > 64) return undefined;
  if (/^\d+$/.test(trimmed)) return Math.min(RETRY_AFTER_MAX_MS, Number(trimmed) * 1000);
  // RFC 9110 HTTP-dates name a weekday or month; a bare number with a sign or a fraction is not one.
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (!Number.isFinite(date)) return undefined;
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, date - now));
}

/** How long the client actually waits for a Retry-After of `askedMs`: at most {@link RETRY_AFTER_CAP_MS}. */
export function retryAfterWaitMs(askedMs: number): number {
  return Math.min(askedMs, RETRY_AFTER_CAP_MS);
}

/** How long one operation can take at worst: every attempt times out and every backoff is at its ceiling. */
export function worstCaseOperationMs(timeoutMs: number, maxRetries: number): number {
  let total = timeoutMs * (maxRetries + 1);
  for (let retry = 1; retry <= maxRetries; retry++) total += backoffCeilingMs(retry);
  return total;
}
