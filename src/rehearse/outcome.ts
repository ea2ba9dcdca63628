import type { Reason } from '../run/ledger.js';
import type { RunTotals } from './types.js';

/** One replay's result, per account: 0 = not blocked, else 1 + index in STAGES. */
export interface Outcome {
  failStage: Uint8Array;
  /** 1 = the account's state could not be read back. */
  unverified: Uint8Array;
  failReason: Uint16Array;
  reasons: Reason[];
  marker: string;
  totals: RunTotals;
  requests: number;
  /** Validation errors: this mix of the two env sets is not a configuration. */
  invalid?: string[];
}
