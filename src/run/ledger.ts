import type { HttpOutcome } from '../scim/client/http.js';

/** Lifecycle stages an account can be blocked at, as every report names them. */
export const STAGES = ['create', 'update', 'deactivate', 'reactivate', 'delete', 'group'] as const;
export type Stage = (typeof STAGES)[number];

/** Why an account is blocked: an HTTP answer, no answer, or a read-back that found another state. */
export interface Reason {
  status?: number;
  scimType?: string;
  /** `timeout`, a network error code, `state-mismatch`, or `stage-off` (a --catalog switch turned the stage off). */
  error?: string;
  detail?: string;
  /**
   * The reference attribute the failure is about, when it failed alone (Entra's manager in a
   * PATCH of its own): Entra leaves such failures out of its quarantine counts.
   */
  reference?: 'manager';
}

/** One request of an example account, kept in full. */
export interface OpDetail {
  stage: Stage;
  method: string;
  status: number;
  scimType?: string;
  error?: string;
  attempts: number;
  latencyMs: number;
}

/** Intended state flags. */
export const CREATED = 1;
export const ACTIVE = 2;
export const DELETED = 4;

const EXAMPLE_ACCOUNTS = 3;
/** Distinct connector error messages kept as reasons of their own, per stage. */
const CONNECTOR_MESSAGES = 20;

/**
 * One compact record per synthetic account: the state the scenario intends (flags), the
 * resource id on the target, and the first failure (stage and an interned reason), in typed
 * arrays so 100k accounts cost a few MB. Full request detail is kept only for a few example
 * accounts per reason.
 */
export class Ledger {
  readonly size: number;
  readonly intended: Uint8Array;
  readonly lastStage: Uint8Array;
  readonly ids: Array<string | undefined>;
  /** 0 = not blocked, else 1 + index in STAGES. */
  readonly failStage: Uint8Array;
  readonly failReason: Uint16Array;
  /**
   * 1 = the account's state could not be read back (reads failed, the listing was unusable),
   * so the run cannot say it is fine. Such an account is not blocked: it is counted on its own.
   */
  readonly unverified: Uint8Array;
  readonly reasons: Reason[] = [];
  readonly #reasonKeys = new Map<string, number>();
  /** The distinct connector messages kept as reasons, by stage. */
  readonly #connectorMessages = new Map<Stage, Set<string>>();
  /** reason index -> up to three example accounts with their failing request. */
  readonly examples = new Map<number, Array<{ index: number; op: OpDetail }>>();
  requests = 0;
  retries = 0;

  constructor(size: number) {
    this.size = size;
    this.intended = new Uint8Array(size);
    this.lastStage = new Uint8Array(size);
    this.ids = new Array<string | undefined>(size);
    this.failStage = new Uint8Array(size);
    this.failReason = new Uint16Array(size);
    this.unverified = new Uint8Array(size);
  }

  isBlocked(index: number): boolean {
    return this.failStage[index] !== 0;
  }

  /** Records an operation's outcome; the first failure of an account is the one that counts. */
  record(index: number, stage: Stage, method: string, outcome: HttpOutcome): void {
    this.lastStage[index] = STAGES.indexOf(stage) + 1;
    this.retries += Math.max(0, outcome.attempts - 1);
    if (outcome.ok) return;
    const reason: Reason = { status: outcome.status };
    if (outcome.scimType !== undefined) reason.scimType = outcome.scimType;
    if (outcome.error !== undefined) reason.error = outcome.error;
    if (outcome.reference !== undefined) reason.reference = outcome.reference;
    const op: OpDetail = { stage, method, status: outcome.status, attempts: outcome.attempts, latencyMs: Math.round(outcome.latencyMs) };
    if (outcome.scimType !== undefined) op.scimType = outcome.scimType;
    if (outcome.error !== undefined) op.error = outcome.error;
    this.block(index, stage, reason, op, outcome.detail);
  }

  /** Marks an account blocked (first failure wins), with an example request when one is known. */
  block(index: number, stage: Stage, reason: Reason, op?: OpDetail, detail?: string): void {
    if (this.failStage[index] !== 0) return;
    // Blocked is a verdict about the account, so it is no longer merely unverified.
    this.unverified[index] = 0;
    // A refused manager and another refusal with the same status are different causes.
    const base = `${stage}|${reason.status ?? ''}|${reason.scimType ?? ''}|${reason.error ?? ''}|${reason.reference ?? ''}`;
    let key = base;
    let shown = detail;
    // A team's connector says what went wrong only in its message: each message is its own
    // reason, up to CONNECTOR_MESSAGES a stage (messages that carry an id would be one per account).
    if (reason.error === 'connector-error') {
      const distinct = this.#connectorMessages.get(stage) ?? new Set<string>();
      this.#connectorMessages.set(stage, distinct);
      const message = detail ?? '';
      if (distinct.has(message) || distinct.size < CONNECTOR_MESSAGES) {
        distinct.add(message);
        key = `${base}|${message}`;
      } else {
        key = `${base}|…`;
        shown = `other messages (more than ${CONNECTOR_MESSAGES} distinct ones at this stage)`;
      }
    }
    let reasonIndex = this.#reasonKeys.get(key);
    if (reasonIndex === undefined) {
      reasonIndex = this.reasons.length;
      this.reasons.push(shown === undefined ? reason : { ...reason, detail: shown });
      this.#reasonKeys.set(key, reasonIndex);
    }
    this.failStage[index] = STAGES.indexOf(stage) + 1;
    this.failReason[index] = reasonIndex;
    const examples = this.examples.get(reasonIndex) ?? [];
    if (examples.length < EXAMPLE_ACCOUNTS) {
      examples.push({ index, op: op ?? { stage, method: 'GET', status: reason.status ?? 0, attempts: 1, latencyMs: 0 } });
      this.examples.set(reasonIndex, examples);
    }
  }

  stageOf(index: number): Stage | undefined {
    const code = this.failStage[index] ?? 0;
    return code === 0 ? undefined : STAGES[code - 1];
  }
}
