import { catalog } from '../env/catalog.js';
import { hintFor } from '../run/hints.js';
import { STAGES, type Reason, type Stage } from '../run/ledger.js';
import { describeReason } from '../run/summary.js';
import type { createUserFactory } from '../scenario/users.js';
import type { Outcome } from './outcome.js';
import type { AttributedReason, Attribution } from './types.js';
import type { ChangeUnit } from './units.js';

export function catalogRank(variable: string | undefined): number {
  const order = [...catalog.keys()];
  const index = variable === undefined ? -1 : order.indexOf(variable);
  return index === -1 ? order.length : index;
}

/** `deactivate: 400 tooMany, create: 429`: how one replay blocks these accounts, most first. */
function topReasons(outcome: Outcome, accounts: readonly number[]): string {
  const counts = new Map<string, number>();
  for (const i of accounts) {
    const stage = STAGES[(outcome.failStage[i] ?? 1) - 1] as Stage;
    const text = `${stage}: ${describeReason(outcome.reasons[outcome.failReason[i] ?? 0] ?? {})}`;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 2).map(([text]) => text).join(', ');
}

export function describeCause(
  cause: { causes: ChangeUnit[][]; accounts: number[]; outcome: Outcome; causeOutcomes: Outcome[] },
  users: number,
  factory: ReturnType<typeof createUserFactory>,
): Attribution {
  const { outcome, accounts } = cause;
  const byStage: Partial<Record<Stage, number>> = {};
  const counts = new Map<string, AttributedReason>();
  for (const i of accounts) {
    const stage = STAGES[(outcome.failStage[i] ?? 1) - 1] as Stage;
    byStage[stage] = (byStage[stage] ?? 0) + 1;
    const reasonIndex = outcome.failReason[i] ?? 0;
    const key = `${stage}|${reasonIndex}`;
    const known = counts.get(key);
    if (known) known.count++;
    else counts.set(key, { ...(outcome.reasons[reasonIndex] as Reason), stage, count: 1 });
  }
  const reasons = [...counts.values()].sort((a, b) => b.count - a.count || STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  const byCatalog = (a: string, b: string): number => catalogRank(a) - catalogRank(b);
  const causes = cause.causes.map((set) => set.flatMap((u) => u.variables).sort(byCatalog));
  const top = reasons[0];
  return {
    variables: [...new Set(causes.flat())].sort(byCatalog),
    causes,
    interaction: cause.causes.some((set) => set.length > 1),
    alternatives: cause.causes.length > 1,
    causeReasons: cause.causeOutcomes.map((o) => topReasons(o, accounts)),
    blocked: accounts.length,
    byStage: Object.fromEntries(STAGES.filter((s) => byStage[s] !== undefined).map((s) => [s, byStage[s]])) as Partial<Record<Stage, number>>,
    reasons,
    examples: accounts.slice(0, 3).map((i) => {
      const user = factory.user(i);
      const stage = STAGES[(outcome.failStage[i] ?? 1) - 1] as Stage;
      return { userName: user.userName, externalId: user.externalId, stage, reason: describeReason(outcome.reasons[outcome.failReason[i] ?? 0] ?? {}) };
    }),
    hint: top ? hintFor(top, top.stage, accounts.length === users) : '',
  };
}
