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

/** The other variables of a cause set. */
export function partnersOf(attribution: Attribution, variable: string): string[] {
  return attribution.variables.filter((v) => v !== variable);
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

/** `blocks 312 accounts (deactivate: 400 tooMany)`; `… only together (…)` for an interaction. */
export function describeBlock(attribution: Attribution): string {
  const reasons = describeReasons(attribution);
  return `blocks ${plural(attribution.blocked, 'account')}${attribution.interaction ? ' only together' : ''}${reasons === '' ? '' : ` (${reasons})`}`;
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
  const newly = report.newlyBlocked.toLocaleString('en-US');
  if (blocking === 0) return `${newly} of ${users} accounts newly blocked, and no change explains them within the run budget`;
  return `${blocking} of ${plural(total, 'change')} ${blocking === 1 ? 'blocks' : 'block'} ${newly} of ${users} accounts`;
}

/** Accounts the baseline blocks already: reported, not blamed. */
export function describeAlreadyBlocked(report: RehearseReport): string {
  const n = report.alreadyBlocked;
  const verb = n === 1 ? 'is' : 'are';
  return `${plural(n, 'account')} ${verb} already blocked under the baseline and ${verb} not blamed on the candidate`;
}

/** Newly blocked accounts without a cause set. */
export function describeUnexplained(report: RehearseReport): string {
  const n = report.unexplained;
  const stop = report.runs.budgetExhausted ? ' (the search stopped at --max-runs; raise it to search further)' : '';
  return `${plural(n, 'newly blocked account')} ${n === 1 ? 'is' : 'are'} not explained within the run budget${stop}`;
}

/** `14 runs (3 full, 11 probe, 2 from cache) · 4.2 s wall`. */
export function describeRuns(report: RehearseReport): string {
  const { runs } = report;
  const invalid = runs.invalid > 0 ? `, ${runs.invalid.toLocaleString('en-US')} invalid` : '';
  const budget = runs.budgetExhausted ? ' · run budget exhausted' : '';
  return `${plural(runs.total, 'run')} (${runs.full.toLocaleString('en-US')} full, ${runs.probe.toLocaleString('en-US')} probe, ${runs.cached.toLocaleString('en-US')} from cache${invalid})${budget} · ${(report.timing.wallMs / 1000).toFixed(1)} s wall`;
}

/** `mock (staging)`, `live`. */
export function describeTarget(report: RehearseReport): string {
  return report.serverProfile === undefined ? report.target : `${report.target} (${report.serverProfile})`;
}
