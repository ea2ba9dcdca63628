import { selectUsers } from '../scenario/select.js';
import type { Scenario, Step } from '../scenario/types.js';
import { eligibleFor, intendedAfter } from '../run/engine.js';

/**
 * A small stratified sample of accounts for probe runs: for every step of the scenario, up to
 * `perStep` of the accounts it picks (evenly spread over them), so each lifecycle stage is
 * represented, whatever its share. Deterministic for a scenario, seed and population; planned
 * from intended states only, as the engine selects.
 */
export function stratifiedSample(scenario: Scenario, users: number, seed: number, size: number, deleteMode: boolean, deletesUsers: boolean): Uint8Array {
  const sample = new Uint8Array(users);
  if (size >= users) return sample.fill(1);
  const flags = new Uint8Array(users);
  const perStep = Math.max(1, Math.ceil(size / Math.max(1, scenario.steps.length)));
  scenario.steps.forEach((step: Step, s) => {
    const selected = selectUsers(step, s, seed, users, (i) => eligibleFor(flags[i] ?? 0, step));
    const take = Math.min(perStep, selected.length);
    for (let k = 0; k < take; k++) sample[selected[Math.floor((k * selected.length) / take)] as number] = 1;
    for (const i of selected) flags[i] = intendedAfter(step, flags[i] ?? 0, deleteMode, deletesUsers);
  });
  return sample;
}

export function sampleSize(sample: Uint8Array): number {
  let n = 0;
  for (const v of sample) n += v;
  return n;
}
