import type { Ledger, OpDetail, Reason, Stage } from './ledger.js';
import { STAGES } from './ledger.js';

/** Accounts blocked for one reason at one stage, with a few examples. */
export interface ReasonGroup extends Reason {
  stage: Stage;
  count: number;
  examples: Array<{ index: number; op: OpDetail }>;
}

/** A run's outcome as reports need it: totals that always add up, reasons by count. */
export interface RunSummary {
  users: number;
  blocked: number;
  /** Accounts not blocked whose state could not be read back: never counted as fine. */
  unverified: number;
  byStage: Record<Stage, number>;
  reasons: ReasonGroup[];
  requests: number;
  retries: number;
}

/** Totals and reasons from the ledger; every account is counted exactly once. */
export function summarizeLedger(ledger: Ledger): RunSummary {
  const byStage = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  const counts = new Map<number, number>();
  let blocked = 0;
  let unverified = 0;
  for (let i = 0; i < ledger.size; i++) {
    const stage = ledger.stageOf(i);
    if (stage === undefined) {
      if (ledger.unverified[i] === 1) unverified++;
      continue;
    }
    blocked++;
    byStage[stage]++;
    const reason = ledger.failReason[i] ?? 0;
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const reasons: ReasonGroup[] = [...counts].map(([index, count]) => {
    const examples = ledger.examples.get(index) ?? [];
    const stage = examples[0]?.op.stage ?? 'create';
    return { ...(ledger.reasons[index] as Reason), stage, count, examples };
  });
  reasons.sort((a, b) => b.count - a.count || STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
  return { users: ledger.size, blocked, unverified, byStage, reasons, requests: ledger.requests, retries: ledger.retries };
}

/** A run's verdict: accounts blocked, else inconclusive while any account is unverified, else safe. */
export function runVerdict(summary: Pick<RunSummary, 'blocked' | 'unverified'>, partial = false): 'safe' | 'blocks-accounts' | 'inconclusive' {
  if (summary.blocked > 0) return 'blocks-accounts';
  // A run that stopped before the scenario finished has not shown that the rest is fine.
  return summary.unverified > 0 || partial ? 'inconclusive' : 'safe';
}

/** Why a run with no account blocked is inconclusive, in words every format uses. */
export function inconclusiveBecause(report: { summary: Pick<RunSummary, 'unverified'>; users: number; partial: boolean }): string {
  const reasons = [
    ...(report.partial ? ['the run stopped before the scenario finished (partial)'] : []),
    ...(report.summary.unverified > 0 ? [`${report.summary.unverified.toLocaleString('en-US')} of ${report.users.toLocaleString('en-US')} accounts could not be read back (unverified)`] : []),
  ];
  return `no account blocked, but ${reasons.join(', and ')}`;
}

/** `400 tooMany`, `timeout`, `state-mismatch`: the short form reports use. */
export function describeReason(reason: Reason): string {
  if (reason.error !== undefined) return reason.error;
  return [reason.status === undefined ? '' : String(reason.status), reason.scimType ?? ''].filter((s) => s !== '').join(' ');
}
