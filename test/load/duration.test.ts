import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/options/duration.js';
import { planFrom } from '../../src/cli/commands/load.js';

describe('durations in the k6 forms', () => {
  it('reads plain seconds, single units and compound forms', () => {
    expect(parseDuration('90', '--duration')).toBe(90_000);
    expect(parseDuration('500ms', '--duration')).toBe(500);
    expect(parseDuration('30s', '--duration')).toBe(30_000);
    expect(parseDuration('2h', '--duration')).toBe(7_200_000);
    expect(parseDuration('1m30s', '--duration')).toBe(90_000);
    expect(parseDuration('1h2m3s500ms', '--duration')).toBe(3_723_500);
    expect(parseDuration('1.5s', '--duration')).toBe(1500);
  });

  it('refuses units out of order, repeated, unknown or a zero length', () => {
    expect(() => parseDuration('30s1m', '--duration')).toThrow(/from hours down to milliseconds/);
    expect(() => parseDuration('1m1m', '--duration')).toThrow(/from hours down/);
    expect(() => parseDuration('1d', '--duration')).toThrow(/write a duration such as/);
    expect(() => parseDuration('1m 30s', '--duration')).toThrow(/write a duration such as/);
    expect(() => parseDuration('0s', '--duration')).toThrow(/longer than zero/);
  });

  it('gives a load schedule of 1m30s the iterations of 90 seconds', () => {
    expect(planFrom({ rate: 2, duration: '1m30s' }).iterations).toBe(180);
    expect(planFrom({ stage: ['1m30s:4'] }).durationMs).toBe(90_000);
  });
});
