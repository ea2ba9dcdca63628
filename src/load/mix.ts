import { UserError } from '../errors/user-error.js';
import { eligibleFor, intendedAfter } from '../run/engine.js';
import { selectUsers } from '../scenario/select.js';
import type { Scenario } from '../scenario/types.js';

/**
 * What each load iteration does besides its joiner's lookup and create: the chance that the
 * new account is then moved (update), leaves (deactivate), and that the iteration reads one
 * page of the target's users as a reconcile would (list).
 */
export interface LoadMix {
  update: number;
  deactivate: number;
  list: number;
}

/**
 * The scenario's lifecycle as per-joiner chances: replays its selections over `users` intended
 * states (no target involved) and counts, per account created, the movers, the leavers and the
 * pages its reconcile steps list. So the shipped lifecycle gives a load with its proportions.
 */
export function mixFromScenario(scenario: Scenario, users: number, seed: number, pageSize: number): LoadMix {
  const intended = new Uint8Array(users);
  let created = 0;
  let updates = 0;
  let leavers = 0;
  let pages = 0;
  scenario.steps.forEach((step, s) => {
    const picked = selectUsers(step, s, seed, users, (i) => eligibleFor(intended[i] ?? 0, step));
    for (const i of picked) intended[i] = intendedAfter(step, intended[i] ?? 0, false, true);
    if (step.kind === 'create') created += picked.length;
    else if (step.kind === 'update' || step.kind === 'rename') updates += picked.length;
    else if (step.kind === 'deactivate' || step.kind === 'delete' || step.kind === 'reconcile') leavers += picked.length;
    if (step.kind === 'reconcile') pages += Math.ceil(created / pageSize);
  });
  const per = (n: number): number => (created === 0 ? 0 : Math.min(1, Math.round((n / created) * 1e4) / 1e4));
  return { update: per(updates), deactivate: per(leavers), list: per(pages) };
}

/** `update=0.3,deactivate=0.1,list=0.02` over `base`. */
export function parseMix(text: string, base: LoadMix): LoadMix {
  const mix = { ...base };
  for (const part of text.split(',')) {
    const match = /^\s*(update|deactivate|list)\s*=\s*(\d+(\.\d+)?)\s*$/.exec(part);
    const value = match ? Number(match[2]) : NaN;
    if (!match || value > 1) {
      throw new UserError('bad-flags', `Failed to read --mix '${text}': '${part.trim()}' is not OPERATION=CHANCE.`, {
        hint: 'Give chances from 0 to 1 per iteration, e.g. --mix update=0.3,deactivate=0.1,list=0.02 (every iteration looks up and creates one joiner).',
      });
    }
    mix[match[1] as keyof LoadMix] = value;
  }
  return mix;
}
