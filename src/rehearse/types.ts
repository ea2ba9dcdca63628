import type { EnvChange } from '../env/diff.js';
import type { Stage } from '../run/ledger.js';

/** Blocked accounts of one full run, by stage. */
export interface RunTotals {
  blocked: number;
  byStage: Record<Stage, number>;
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
 * A minimal cause set and the newly blocked accounts it explains. With one variable (or one
 * coupled unit) it blocks those accounts on its own; with several, only together (found by delta
 * debugging). An account may appear under two cause sets when each alone blocks it (a rejected
 * token and a page size both stop the full sync): fixing one still leaves the other.
 */
export interface Attribution {
  /** Every variable of the cause set, in catalog order. */
  variables: string[];
  /** More than one unit: the variables block these accounts only together. */
  interaction: boolean;
  blocked: number;
  byStage: Partial<Record<Stage, number>>;
  /** By count, most first. */
  reasons: AttributedReason[];
  /** Up to three. */
  examples: AttributionExample[];
  /** What to do about it, one sentence. */
  hint: string;
}

/** A changed variable and what the rehearsal found it does. */
export interface RehearsedChange extends EnvChange {
  /** Id of the unit it moves with (its own name when it moves alone). */
  unitId: string;
  /** `blocks`: in at least one cause set; `harmless`: no account is blocked by it. */
  effect: 'blocks' | 'harmless';
}

/**
 * Microsoft Entra ID quarantines a provisioning job whose escrowed (failed) exports cross its
 * thresholds; the prediction applies them to the candidate's failures.
 */
export interface QuarantinePrediction {
  predicted: boolean;
  /** The threshold crossed, when predicted. */
  reason?: 'EncounteredEscrowProportionThreshold' | 'EncounteredBaseEscrowThreshold' | 'EncounteredTotalEscrowThreshold';
  failures: number;
  /** failures / users, 0..1. */
  failureRate: number;
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
  verdict: 'safe' | 'blocks-accounts';
  baseline: RunTotals;
  candidate: RunTotals;
  /** Blocked under the candidate and not under the baseline. */
  newlyBlocked: number;
  /** Blocked under the baseline already: reported, never blamed on the candidate. */
  alreadyBlocked: number;
  changes: RehearsedChange[];
  attribution: Attribution[];
  /** Newly blocked accounts that no cause set explains within the run budget. */
  unexplained: number;
  /**
   * Replays it took: full-population and probe (sample) runs, configurations served from the
   * cache, mixes that were not valid env sets; budgetExhausted when --max-runs ended the search.
   */
  runs: { total: number; full: number; probe: number; cached: number; invalid: number; budgetExhausted: boolean };
  quarantine: QuarantinePrediction;
  /** Not part of determinism. */
  timing: { wallMs: number };
}
