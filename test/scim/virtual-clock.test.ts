import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/scim/clock.js';

describe('the virtual clock', () => {
  it('wakes sleepers in time order, and an abort ends every sleeper still waiting on that signal (only those)', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const woke: string[] = [];
    const early = clock.sleep(10, controller.signal).then(() => woke.push('early'));
    await early;
    expect(clock.now()).toBe(10);
    const waiting = [clock.sleep(1_000, controller.signal), clock.sleep(2_000, controller.signal)].map((p) => p.then(() => 'woke', () => 'aborted'));
    const other = clock.sleep(500).then(() => 'woke');
    await other;
    controller.abort(new Error('stop'));
    expect(await Promise.all(waiting)).toEqual(['aborted', 'aborted']);
    expect(woke).toEqual(['early']);
    // A signal aborted already refuses at once; the clock goes on for others.
    await expect(clock.sleep(5, controller.signal)).rejects.toThrow('stop');
    await clock.sleep(5);
    expect(clock.now()).toBeGreaterThanOrEqual(505);
  });
});
