import type { EnvChange } from '../env/diff.js';
import type { Stage } from '../run/ledger.js';
import type { ConnectorKind, RefusedRequest } from '../connector/types.js';

/** Blocked accounts of one full run, by stage, and those whose state could not be read back. */
export interface RunTotals {
  blocked: number;
  byStage: Record<Stage, number>;
  /** Accounts whose state on the target could not be read: never counted as fine. */
  unverified: number;
}

/** One reason within an attribution, as the blamed run (baseline plus the cause) saw it. */
export interface AttributedReason {
  stage: Stage;
  status?: number;
  scimType?: string;
  /** `timeout`, a network error code, or `state-mismatch`. */
  error?: string;
  detail?: string;
  count: number;
}

/** An example account of an attribution: which synthetic account, where and why it was blocked. */
export interface AttributionExample {
  userName: string;
  externalId: string;
  stage: Stage;
  /** Short reason, e.g. `400 tooMany`, `timeout`, `state-mismatch`. */
  reason: string;
}

/**
 * Newly blocked accounts and the cause sets that block them. Each cause set, applied on top of
 * the baseline, blocks every one of these accounts, and does not with any one of its units left
 * out; reverting the variables of every cause set unblocks them (each claim backed by a replay).
 * Rows are disjoint: an account blocked by either of two causes stands once, under a row with
 * both (`alternatives`).
 */
export interface Attribution {
  /** Every variable of every cause set, in catalog order. */
  variables: string[];
  /** The cause sets, each as its variables in catalog order; the smallest first. */
  causes: string[][];
  /** Some cause set has more than one unit: its variables block these accounts only together. */
  interaction: boolean;
  /** More than one cause set: any one of them blocks these accounts. */
  alternatives: boolean;
  /** Per cause set, how its own replay blocks these accounts, e.g. `deactivate: 400 tooMany` (most first). */
  causeReasons: string[];
  blocked: number;
  byStage: Partial<Record<Stage, number>>;
  /** By count, most first. */
  reasons: AttributedReason[];
  /** Up to three. */
  examples: AttributionExample[];
  /** What to do about it, one sentence. */
  hint: string;
}

/**
 * `blocks`: in at least one cause set. `harmless`: the world could show its harm and the
 * rehearsal found none. `not-judged`: the world cannot show its harm (no latency for a timeout,
 * say), or accounts the search left unexplained may involve it.
 */
export type ChangeEffect = 'blocks' | 'harmless' | 'not-judged';

/** A changed variable and what the rehearsal found it does. */
export interface RehearsedChange extends EnvChange {
  /** Id of the unit it moves with (its own name when it moves alone). */
  unitId: string;
  effect: ChangeEffect;
  /** With `not-judged`: why, in a few words. */
  notJudgedBecause?: string;
  /** With `not-judged`: what kind of world (or run) would judge it. */
  wouldJudge?: string;
}

export type { Judgement } from './judge.js';

/** Why newly blocked accounts have no cause set, by count. */
export interface UnexplainedCounts {
  /** The run budget (--max-runs) ended the search first. */
  budget: number;
  /** Blocked in the candidate's run, but not when the candidate was replayed for the search. */
  notReproducible: number;
  /** Blocked only by the full candidate: no smaller mix of its changes is a valid env set. */
  inseparable: number;
  /** A replay the explanation rests on could not read the account back. */
  unverified: number;
}

/**
 * Microsoft Entra ID quarantines a provisioning job whose escrowed (failed) exports cross its
 * thresholds; the prediction applies them to the candidate's failures.
 */
export interface QuarantinePrediction {
  predicted: boolean;
  /** The rule that stops the job, as Microsoft Graph names quarantine reasons. */
  reason?: 'EncounteredQuarantineException' | 'EncounteredEscrowProportionThreshold' | 'EncounteredBaseEscrowThreshold' | 'EncounteredTotalEscrowThreshold' | 'TooManyDeletes';
  /** Failed exports that count toward the escrow thresholds (reference attributes left out). */
  failures: number;
  /** failures / users, 0..1. */
  failureRate: number;
  /** Failures of reference attributes (manager, group members), which do not count. */
  referenceFailures?: number;
  /** Deletes and disables in the cycle, against the accidental-deletions threshold. */
  deprovisions?: number;
  deletionThreshold?: number;
  /** One human sentence for the reports. */
  line: string;
}

export interface RehearseReport {
  scenario: string;
  dialect: string;
  users: number;
  seed: number;
  target: 'mock' | 'live';
  /** Name of the mock server profile (mock target only). */
  serverProfile?: string;
  /** mock: the world the replays played, and the env set it was built for (the base's file labels). */
  world?: { name: string; builtFor: string };
  labels: { base: string; candidate: string };
  /**
   * `safe` only when nothing is newly blocked, no account is unverified and every change was
   * judged; `blocks-accounts` when something is newly blocked; otherwise `inconclusive`.
   */
  verdict: 'safe' | 'blocks-accounts' | 'inconclusive';
  /** Why the verdict is not `safe` although nothing is newly blocked (or why it needs care). */
  caveats: string[];
  baseline: RunTotals;
  candidate: RunTotals;
  /** Blocked under the candidate and not under the baseline. */
  newlyBlocked: number;
  /** Blocked under the baseline already: reported, never blamed on the candidate. */
  alreadyBlocked: number;
  changes: RehearsedChange[];
  attribution: Attribution[];
  /** Newly blocked accounts that no cause set explains. */
  unexplained: number;
  unexplainedBecause: UnexplainedCounts;
  /**
   * Replays it took: whole-population runs, scoped runs (live: only the newly blocked accounts
   * and a control sample), configurations served from the cache, mixes that were not valid env
   * sets; budgetExhausted when --max-runs ended the search; the budget itself.
   */
  runs: { total: number; full: number; scoped: number; cached: number; invalid: number; budgetExhausted: boolean; budget: number };
  /** Requests sent to the target, by phase (retries and token requests included). */
  requests: { baseline: number; candidate: number; search: number; total: number };
  /** Under the Entra dialects only: what Entra ID would do with the provisioning job. */
  quarantine?: QuarantinePrediction;
  /**
   * --connector / --connector-cmd: the team's own code made every replay's writes. What it sent
   * outside the env set in the baseline's and the candidate's replays (refused there), and errors
   * no account was named for.
   */
  connector?: { kind: ConnectorKind; name: string; refused: { baseline: RefusedRequest[]; candidate: RefusedRequest[] }; unattributed: string[] };
  /** Not part of determinism. */
  timing: { wallMs: number };
}
