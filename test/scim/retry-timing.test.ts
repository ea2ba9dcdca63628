import { describe, expect, it } from 'vitest';
import { RETRY_AFTER_CAP_MS, parseRetryAfterMs, retryAfterWaitMs } from '../../src/scim/retry-timing.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

describe('Retry-After', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['3600', 3_600_000],
    ['999999999999999999999999', DAY],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Fri, 31 Dec 9999 23:59:59 GMT', DAY],
    ['Wed, 31 Dec 2025 00:00:00 GMT', 0],
  ])('reads %s as a finite delay', (header, ms) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(ms);
  });

  it.each([['-5'], ['1.5'], ['soon'], ['1e9'], ['x'.repeat(100)], ['']])('ignores %s (backoff applies)', (header) => {
    expect(parseRetryAfterMs(header, NOW)).toBeUndefined();
  });

  it('waits at most the cap, whatever the server asks', () => {
    expect(retryAfterWaitMs(3_600_000)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryAfterWaitMs(5_000)).toBe(5_000);
    expect(RETRY_AFTER_CAP_MS).toBe(60_000);
  });
});
