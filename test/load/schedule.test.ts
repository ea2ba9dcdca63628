import { describe, expect, it } from 'vitest';
import { planFrom, parseShard } from '../../src/cli/commands/load.js';
import { countShard } from '../../src/load/runner.js';
import { arrivalTimes, createPlan } from '../../src/load/schedule.js';
import { mixFromScenario, parseMix } from '../../src/load/mix.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { UserError } from '../../src/errors/user-error.js';

describe('the arrival schedule', () => {
  it('starts a constant rate at even intervals, whatever the target does', () => {
    const plan = planFrom({ rate: 10, duration: '1s' });
    expect(plan.iterations).toBe(10);
    expect([...arrivalTimes(plan)].map((t) => Math.round(t))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it('ramps linearly: the gaps shrink on the way up and grow on the way down', () => {
    const plan = planFrom({ stage: ['4s:10', '4s:0'] });
    expect(plan.durationMs).toBe(8000);
    expect(plan.iterations).toBe(40);
    const times = [...arrivalTimes(plan)];
    expect(times).toHaveLength(40);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps[1]).toBeGreaterThan(gaps[15] as number);
    expect(gaps[37]).toBeGreaterThan(gaps[22] as number);
    // Half the arrivals of a 0->10/s ramp over 4 s come after 2.83 s (sqrt(1/2) of the way).
    expect(times[10]).toBeCloseTo(2828.4, 0);
  });

  it('gives each of n shards every n-th arrival at the unsharded times', () => {
    const plan = createPlan([{ durationMs: 3000, from: 7, to: 7 }]);
    const whole = [...arrivalTimes(plan)];
    const shards = [0, 1, 2].map((i) => [...arrivalTimes(plan, i, 3)]);
    expect(shards.map((s) => s.length)).toEqual([0, 1, 2].map((i) => countShard(plan.iterations, { index: i, count: 3 })));
    expect(shards.flat().sort((a, b) => a - b)).toEqual(whole);
    expect(shards[1]?.[2]).toBe(whole[7]);
  });

  it('refuses a schedule it cannot read, and says how to write one', () => {
    expect(() => planFrom({ rate: 10 })).toThrow(/--rate and --duration, or with --stage/);
    expect(() => planFrom({ rate: 10, duration: 'soon' })).toThrow(/--duration soon: write a duration such as 90, 500ms, 30s, 2m, 1m30s or 2h/);
    expect(() => planFrom({ stage: ['30s'] })).toThrow(/--stage 30s: write DURATION:RATE/);
    expect(() => planFrom({ rate: 5, duration: '1m', stage: ['1m:10'] })).toThrow(UserError);
    expect(() => planFrom({ rate: 0, duration: '1m' })).toThrow(/starts no iteration/);
    expect(planFrom({ rate: 2, duration: '90' }).iterations).toBe(180);
    expect(planFrom({ rate: 2, duration: '2m' }).iterations).toBe(240);
  });

  it('reads --shard as 1-based i/n', () => {
    expect(parseShard('2/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard(undefined)).toBeUndefined();
    expect(() => parseShard('0/4')).toThrow(/i\/n with 1 <= i <= n/);
    expect(() => parseShard('5/4')).toThrow(UserError);
  });
});

describe('the mix', () => {
  it("follows the scenario's proportions, and --mix overrides one chance at a time", async () => {
    const scenario = await loadScenario('scenarios/lifecycle.yaml', process.cwd());
    const mix = mixFromScenario(scenario, 1000, 1, 100);
    expect(mix.update).toBeGreaterThan(0);
    expect(mix.deactivate).toBeGreaterThan(0);
    expect(mix.list).toBeGreaterThan(0);
    expect(mix.list).toBeLessThan(mix.deactivate);
    expect(parseMix('update=0.5', mix)).toEqual({ ...mix, update: 0.5 });
    expect(() => parseMix('update=2', mix)).toThrow(/OPERATION=CHANCE/);
    expect(() => parseMix('create=0.5', mix)).toThrow(/'create=0.5'/);
  });
});
