import { describe, expect, it } from 'vitest';
import { definitelyFailed } from '../../src/load/abort.js';
import { parseThreshold } from '../../src/load/thresholds.js';

const failing = (expression: string, actual: number | null) => ({ expression, ok: false, actual });

describe('when a failing threshold stops a test (--abort-on-fail)', () => {
  it('stops on a growing counter past an upper bound, never on one that may still reach a lower bound', () => {
    expect(definitelyFailed(parseThreshold('errors.count<10:abort'), failing('errors.count<10', 12), 0)).toBe(true);
    expect(definitelyFailed(parseThreshold('dropped.count==0:abort'), failing('dropped.count==0', 1), 0)).toBe(true);
    expect(definitelyFailed(parseThreshold('count==500:abort'), failing('count==500', 20), 0)).toBe(false);
    expect(definitelyFailed(parseThreshold('count>500:abort'), failing('count>500', 20), 0)).toBe(false);
  });

  it('stops on a failing rate or latency only after the grace period, and never on no data or without :abort', () => {
    expect(definitelyFailed(parseThreshold('create.p95<500:abort=30s'), failing('create.p95<500', 900), 29_999)).toBe(false);
    expect(definitelyFailed(parseThreshold('create.p95<500:abort=30s'), failing('create.p95<500', 900), 30_000)).toBe(true);
    expect(definitelyFailed(parseThreshold('errors.rate<0.1:abort'), failing('errors.rate<0.1', 0.5), 0)).toBe(true);
    expect(definitelyFailed(parseThreshold('create.p95<500:abort'), failing('create.p95<500', null), 60_000)).toBe(false);
    expect(definitelyFailed(parseThreshold('create.p95<500'), failing('create.p95<500', 900), 60_000)).toBe(false);
  });
});
