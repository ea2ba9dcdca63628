import type { AttributedReason, Attribution, RehearsedChange, RehearseReport } from '../rehearse/types.js';
import { describeReason } from '../run/summary.js';
import { plural } from './style.js';

/** Changes with effect `blocks`, in report order. */
export function blockingChanges(report: RehearseReport): RehearsedChange[] {
  return report.changes.filter((c) => c.effect === 'blocks');
}

/** The changes in report order, except that members of one coupled unit stand next to each other. */
export function groupByUnit(changes: readonly RehearsedChange[]): RehearsedChange[] {
  const units = new Map<string, RehearsedChange[]>();
  for (const change of changes) {
    const members = units.get(change.unitId);
    if (members) members.push(change);
    else units.set(change.unitId, [change]);
  }
  return [...units.values()].flat();
}

/** The cause sets a variable takes part in, in report order. */
export function attributionsOf(report: RehearseReport, variable: string): Attribution[] {
  return report.attribution.filter((a) => a.variables.includes(variable));
}

/** The other variables of the cause set that holds `variable` (its partners in an interaction or a unit). */
export function partnersOf(attribution: Attribution, variable: string): string[] {
  const set = attribution.causes.find((c) => c.includes(variable)) ?? attribution.variables;
  return set.filter((v) => v !== variable);
}

/** `SCIM_A`, `SCIM_A + SCIM_B`, `SCIM_A or SCIM_B + SCIM_C`: the row's cause sets as words. */
export function describeCauses(attribution: Attribution, quote: (v: string) => string = (v) => v): string {
  return attribution.causes.map((set) => set.map(quote).join(' + ')).join(' or ');
}

/** `deactivate: 400 tooMany`; with `detail`, the server's words follow in parentheses. */
export function describeAttributedReason(reason: AttributedReason, detail = true): string {
  return `${reason.stage}: ${describeReason(reason)}${detail && reason.detail ? ` (${reason.detail})` : ''}`;
}

/** The first reasons of a cause set, most first, e.g. `deactivate: 400 tooMany, create: 401`. */
export function describeReasons(attribution: Attribution, max = 2): string {
  // The plan line stays short; the server's words go in the details below it.
  const shown = attribution.reasons.slice(0, max).map((r) => describeAttributedReason(r, false));
  const more = attribution.reasons.length - shown.length;
  return more > 0 ? `${shown.join(', ')}, +${more} more` : shown.join(', ');
}

/**
 * How a row's variables block its accounts, in the words every format uses: any one of several
 * cause sets alone, several changes only together, or several variables that move as one unit.
 */
export function howCaused(attribution: Attribution): 'any one cause alone' | 'only together' | 'one unit' | undefined {
  if (attribution.alternatives) return 'any one cause alone';
  if (attribution.interaction) return 'only together';
  return attribution.variables.length > 1 ? 'one unit' : undefined;
}

/**
 * `blocks 312 accounts (deactivate: 400 tooMany)`; `… only together (…)` for an interaction;
 * `… each cause alone (…)` when any of several cause sets blocks them.
 */
export function describeBlock(attribution: Attribution): string {
  const reasons = describeReasons(attribution);
  // The table shows a unit of several variables on a line of its own.
  const way = howCaused(attribution);
  const how = way === 'any one cause alone' ? `, ${way}` : way === 'only together' ? ` ${way}` : '';
  return `blocks ${plural(attribution.blocked, 'account')}${how}${reasons === '' ? '' : ` (${reasons})`}`;
}

/** `4 of 6 changes block 1,312 of 5,000 accounts`, or `safe: none of the 6 changes blocks an account`. */
export function summarizeRehearsal(report: RehearseReport): string {
  const total = report.changes.length;
  const blocking = blockingChanges(report).length;
  const users = report.users.toLocaleString('en-US');
  if (report.verdict === 'safe') {
    if (total === 0) return 'safe: no changes to rehearse';
    if (total === 1) return 'safe: the one change blocks no account';
    return `safe: none of the ${total} changes blocks an account`;
  }
  if (report.verdict === 'inconclusive') return `inconclusive: no account newly blocked, but ${report.caveats.join('; ')}`;
  const newly = report.newlyBlocked.toLocaleString('en-US');
  if (blocking === 0) return `${newly} of ${users} accounts newly blocked, and no change is blamed for them (see above why)`;
  return `${blocking} of ${plural(total, 'change')} ${blocking === 1 ? 'blocks' : 'block'} ${newly} of ${users} accounts`;
}

/** Accounts the baseline blocks already: reported, not blamed. */
export function describeAlreadyBlocked(report: RehearseReport): string {
  const n = report.alreadyBlocked;
  const verb = n === 1 ? 'is' : 'are';
  return `${plural(n, 'account')} ${verb} already blocked under the baseline and ${verb} not blamed on the candidate`;
}

/** Newly blocked accounts without a cause set, and why. */
export function describeUnexplained(report: RehearseReport): string {
  const n = report.unexplained;
  const why = report.unexplainedBecause;
  const parts: string[] = [];
  if (why.budget > 0) parts.push(`${why.budget.toLocaleString('en-US')} because the search reached --max-runs ${report.runs.budget} (raise it to search further)`);
  if (why.notReproducible > 0) parts.push(`${why.notReproducible.toLocaleString('en-US')} because replaying the candidate did not block them again (the target's outcomes vary between replays)`);
  if (why.unverified > 0) parts.push(`${why.unverified.toLocaleString('en-US')} because a replay the explanation needs could not read them back`);
  if (why.inseparable > 0) parts.push(`${why.inseparable.toLocaleString('en-US')} blocked only by the full candidate (no smaller mix of its changes is a valid env set)`);
  return `${plural(n, 'newly blocked account')} ${n === 1 ? 'is' : 'are'} not explained: ${parts.join('; ')}`;
}

/** A change the world could not judge: why, and what would judge it. */
export function describeNotJudged(change: RehearsedChange): string {
  return `${change.notJudgedBecause ?? 'not judged'}${change.wouldJudge ? `; ${change.wouldJudge} would judge it` : ''}`;
}

/** `14 runs (3 full, 11 scoped, 2 from cache) · 4.2 s wall`, with requests per phase. */
export function describeRuns(report: RehearseReport): string {
  const { runs, requests } = report;
  const invalid = runs.invalid > 0 ? `, ${runs.invalid.toLocaleString('en-US')} invalid` : '';
  const scoped = runs.scoped > 0 ? `, ${runs.scoped.toLocaleString('en-US')} scoped to the newly blocked accounts` : '';
  const budget = runs.budgetExhausted ? ' · run budget exhausted' : '';
  const n = (x: number): string => x.toLocaleString('en-US');
  return `${plural(runs.total, 'run')} (${n(runs.full)} full${scoped}, ${n(runs.cached)} from cache${invalid})${budget} · ${n(requests.total)} requests (baseline ${n(requests.baseline)}, candidate ${n(requests.candidate)}, search ${n(requests.search)}) · ${(report.timing.wallMs / 1000).toFixed(1)} s wall`;
}

/** `mock (staging)`, `live`. */
export function describeTarget(report: RehearseReport): string {
  return report.serverProfile === undefined ? report.target : `${report.target} (${report.serverProfile})`;
}
