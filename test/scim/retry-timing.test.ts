import { describe, expect, it } from 'vitest';
import { staticToken } from '../../src/scim/client/auth.js';
import { ScimHttp } from '../../src/scim/client/http.js';
import { RatePacer } from '../../src/scim/client/limiter.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { createRandom } from '../../src/scim/random.js';
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

describe('a client meeting Retry-After: 3600', () => {
  it('waits the cap, not an hour, and says what the server asked', async () => {
    const clock = new VirtualClock();
    let sent = 0;
    const http = new ScimHttp({
      baseUrl: 'https://staging.example.com/scim/v2',
      transport: async () => {
        sent++;
        return { status: 429, headers: { 'retry-after': '3600' }, body: '' };
      },
      clock,
      random: createRandom('retry-after'),
      timeoutMs: 1000,
      maxRetries: 2,
      tokens: staticToken('stg-token-0123456789'),
      pacer: new RatePacer(0, clock),
      userAgent: 'test',
    });
    const outcome = await http.send({ method: 'GET', path: '/Users' });
    expect(sent).toBe(3);
    expect(clock.now()).toBe(2 * RETRY_AFTER_CAP_MS);
    expect(outcome.retryAfterMs).toEqual([3_600_000, 3_600_000, 3_600_000]);
    expect(outcome.detail).toBe('the server asked to wait 3600 s (Retry-After); scimsim waits at most 60 s');
  });

  it('ends a wait the run interrupts at once, as interrupted', async () => {
    const clock = new VirtualClock();
    const stop = new AbortController();
    const http = new ScimHttp({
      baseUrl: 'https://staging.example.com/scim/v2',
      transport: async () => {
        queueMicrotask(() => stop.abort());
        return { status: 429, headers: { 'retry-after': '3600' }, body: '' };
      },
      clock,
      random: createRandom('retry-after'),
      timeoutMs: 1000,
      maxRetries: 3,
      tokens: staticToken('stg-token-0123456789'),
      pacer: new RatePacer(0, clock),
      userAgent: 'test',
      interrupt: () => stop.signal,
    });
    const outcome = await http.send({ method: 'GET', path: '/Users' });
    expect(outcome.error).toBe('interrupted');
    expect(clock.now()).toBe(0);
  });
});
