import { hintFor } from '../run/hints.js';
import { STAGES, type Stage } from '../run/ledger.js';
import type { Outcome } from './outcome.js';
import type { ChangeUnit } from './units.js';

/**
 * The units the candidate's failures point at: those whose variables the hints of the newly
 * blocked accounts' reasons name, most accounts first. Only the order of the search's replays
 * depends on it.
 */
export function suspectsOf(outcome: Outcome, newly: readonly number[], units: readonly ChangeUnit[], users: number): string[] {
  const perReason = new Map<string, number>();
  for (const i of newly) {
    const key = `${outcome.failStage[i] ?? 0}|${outcome.failReason[i] ?? 0}`;
    perReason.set(key, (perReason.get(key) ?? 0) + 1);
  }
  const weight = new Map<string, number>();
  for (const [key, count] of perReason) {
    const [stageCode, reasonIndex] = key.split('|').map(Number) as [number, number];
    const stage = STAGES[stageCode - 1] as Stage;
    const hint = hintFor(outcome.reasons[reasonIndex] ?? {}, stage, count === users);
    for (const unit of units) if (unit.variables.some((v) => hint.includes(v))) weight.set(unit.id, (weight.get(unit.id) ?? 0) + count);
  }
  return [...weight.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

/**
 * A live search replays the newly blocked accounts and a small control sample of the others (1
 * in 500, at least 3), so a replay is not made of failing accounts alone.
 */
export function searchScope(newly: readonly number[], users: number): Uint8Array {
  const scope = new Uint8Array(users);
  for (const i of newly) scope[i] = 1;
  const others = users - newly.length;
  const want = Math.min(others, Math.max(3, Math.ceil(users / 500)));
  if (want > 0) {
    const stride = Math.max(1, Math.floor(others / want));
    let seen = 0;
    let taken = 0;
    for (let i = 0; i < users && taken < want; i++) {
      if (scope[i] === 1) continue;
      if (seen++ % stride === 0) {
        scope[i] = 1;
        taken++;
      }
    }
  }
  return scope;
}
