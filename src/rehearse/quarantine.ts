import { eligibleFor, intendedAfter } from '../run/engine.js';
import { STAGES, type Reason } from '../run/ledger.js';
import { selectUsers } from '../scenario/select.js';
import type { Scenario } from '../scenario/types.js';
import type { DialectName } from '../scim/dialects.js';
import type { QuarantinePrediction } from './types.js';

/**
 * Microsoft Entra ID's rules for stopping a provisioning job, as Microsoft documents them.
 *
 * Microsoft Learn, "Application provisioning in quarantine status"
 * (learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status):
 * - a job whose calls fail on invalid admin credentials is quarantined, whatever the counts
 *   (Graph quarantine reason EncounteredQuarantineException);
 * - so is one that gets HTTP 404 where a SCIM-compliant service answers 200 ("SCIM Compliance
 *   issue", typically a wrong tenant URL or path, e.g. /scim/v1 for /scim/v2);
 * - escrow thresholds: failures that exceed 40% of exports with more than 5,000 failures
 *   (EncounteredEscrowProportionThreshold), more than 40,000 failures
 *   (EncounteredBaseEscrowThreshold), more than 60,000 (EncounteredTotalEscrowThreshold);
 *   failures of reference attributes (manager, group members) do not count toward them.
 * A quarantined job retries after 6 h, 12 h, 24 h, then daily; after four weeks it is disabled.
 *
 * Microsoft Learn, "Enable accidental deletions prevention in the Microsoft Entra provisioning
 * service" (learn.microsoft.com/entra/identity/app-provisioning/accidental-deletions): when a cycle
 * would delete or disable more accounts than the threshold (default 500), the job stops
 * (quarantine reason TooManyDeletes) until an administrator allows the deletions.
 */
export const QUARANTINE = {
  proportion: 0.4,
  proportionMinimum: 5_000,
  base: 40_000,
  total: 60_000,
  accidentalDeletions: 500,
  source: 'Microsoft Learn, "Application provisioning in quarantine status"',
  deletionsSource: 'Microsoft Learn, "Enable accidental deletions prevention"',
} as const;

/** The dialects that play Microsoft Entra ID, the only provisioning service these rules are about. */
export function isEntraDialect(dialect: DialectName | string): boolean {
  return dialect === 'entra' || dialect === 'entra-flagged';
}

/** A candidate run's failures, sorted the way Entra's rules treat them. */
export interface QuarantineFailures {
  /** Failed exports that count toward the escrow thresholds (reference attributes left out). */
  failures: number;
  /** Accounts refused on credentials: 401, or a token request that failed. */
  credentialFailures: number;
  /** Accounts that got 404 from a collection endpoint (the lookup or the POST to /Users), where a SCIM service answers 200 or 201. */
  complianceNotFound: number;
  /** Failures of reference attributes: group membership, manager. */
  referenceFailures: number;
}

export interface QuarantineInput extends QuarantineFailures {
  dialect: DialectName | string;
  users: number;
  /** Deletes and disables the scenario sends in its cycle. */
  deprovisions: number;
  /** Entra's accidental-deletions threshold (default 500). */
  deletionThreshold?: number;
}

const CREDENTIAL_ERRORS = new Set(['token-request-failed', 'invalid_client', 'invalid_grant', 'unauthorized_client']);

/** Sorts the blocked accounts of a run (its first failure each) as Entra's rules count them. */
export function countQuarantineFailures(failStage: Uint8Array, failReason: Uint16Array, reasons: readonly Reason[]): QuarantineFailures {
  const counts: QuarantineFailures = { failures: 0, credentialFailures: 0, complianceNotFound: 0, referenceFailures: 0 };
  for (let i = 0; i < failStage.length; i++) {
    const stage = failStage[i] ?? 0;
    if (stage === 0) continue;
    const reason = reasons[failReason[i] ?? 0] ?? {};
    const stageName = STAGES[stage - 1];
    // A manager refused in its own PATCH, or read back wrong, is a reference-attribute failure.
    if (stageName === 'group' || reason.reference !== undefined || (reason.error === 'state-mismatch' && reason.detail?.startsWith('manager ') === true)) {
      counts.referenceFailures++;
      continue;
    }
    counts.failures++;
    if (reason.status === 401 || (reason.scimType !== undefined && CREDENTIAL_ERRORS.has(reason.scimType))) counts.credentialFailures++;
    else if (reason.status === 404 && stageName === 'create') counts.complianceNotFound++;
  }
  return counts;
}

/**
 * The deletes and disables the scenario sends for `users` accounts in one cycle (a leaver wave):
 * replays its selections over intended states, no target involved.
 */
export function countDeprovisions(scenario: Scenario, users: number, seed: number): number {
  const intended = new Uint8Array(users);
  let deprovisions = 0;
  scenario.steps.forEach((step, s) => {
    const picked = selectUsers(step, s, seed, users, (i) => eligibleFor(intended[i] ?? 0, step));
    for (const i of picked) intended[i] = intendedAfter(step, intended[i] ?? 0, false, true);
    if (step.kind === 'deactivate' || step.kind === 'delete' || step.kind === 'reconcile') deprovisions += picked.length;
  });
  return deprovisions;
}

/**
 * What Entra ID would do with the candidate's provisioning job; undefined under a dialect that is
 * not Entra's (its rules are Microsoft's alone). The rules are checked in the order the page gives
 * them: credentials and compliance 404s first (whatever the counts), then the escrow thresholds,
 * then the accidental-deletions threshold.
 */
export function predictQuarantine(input: QuarantineInput): QuarantinePrediction | undefined {
  if (!isEntraDialect(input.dialect)) return undefined;
  const { users, failures, credentialFailures, complianceNotFound, referenceFailures, deprovisions } = input;
  const threshold = input.deletionThreshold ?? QUARANTINE.accidentalDeletions;
  const failureRate = users === 0 ? 0 : failures / users;
  const rate = `${(failureRate * 100).toFixed(failureRate > 0 && failureRate < 0.01 ? 2 : 0)}%`;
  const count = failures.toLocaleString('en-US');
  const cite = `(${QUARANTINE.source})`;
  const base = { failures, failureRate, referenceFailures, deprovisions, deletionThreshold: threshold };
  const excluded = referenceFailures > 0 ? `; ${referenceFailures.toLocaleString('en-US')} reference-attribute failures (manager, group members) do not count` : '';
  if (credentialFailures > 0) {
    return { ...base, predicted: true, reason: 'EncounteredQuarantineException', line: `would quarantine the provisioning job: ${credentialFailures.toLocaleString('en-US')} accounts refused on credentials (invalid admin credentials quarantine a job whatever the failure counts) ${cite}` };
  }
  if (complianceNotFound > 0) {
    return { ...base, predicted: true, reason: 'EncounteredQuarantineException', line: `would quarantine the provisioning job: ${complianceNotFound.toLocaleString('en-US')} accounts got 404 where a SCIM service answers 200 (a SCIM-compliance issue, often a wrong tenant URL or path, quarantines a job whatever the failure counts) ${cite}` };
  }
  if (failures > QUARANTINE.total) {
    return { ...base, predicted: true, reason: 'EncounteredTotalEscrowThreshold', line: `would quarantine the provisioning job: ${count} failures exceed the 60,000 total-escrow threshold${excluded} ${cite}` };
  }
  if (failures > QUARANTINE.base) {
    return { ...base, predicted: true, reason: 'EncounteredBaseEscrowThreshold', line: `would quarantine the provisioning job: ${count} failures exceed the 40,000 base-escrow threshold${excluded} ${cite}` };
  }
  if (failureRate > QUARANTINE.proportion && failures > QUARANTINE.proportionMinimum) {
    return { ...base, predicted: true, reason: 'EncounteredEscrowProportionThreshold', line: `would quarantine the provisioning job: ${rate} of exports fail, which exceeds 40% with more than 5,000 failures${excluded} ${cite}` };
  }
  if (deprovisions > threshold) {
    return {
      ...base,
      predicted: true,
      reason: 'TooManyDeletes',
      line: `would stop the provisioning job: the cycle deletes or disables ${deprovisions.toLocaleString('en-US')} accounts, which exceeds the accidental-deletions threshold of ${threshold.toLocaleString('en-US')} (${QUARANTINE.deletionsSource})`,
    };
  }
  if (failureRate > QUARANTINE.proportion) {
    // More than 5,000 failures at this rate: the smallest directory strictly past the minimum.
    const directory = (Math.floor(QUARANTINE.proportionMinimum / failureRate) + 1).toLocaleString('en-US');
    return {
      ...base,
      predicted: false,
      line: `no quarantine at ${users.toLocaleString('en-US')} accounts (${count} failures, not more than 5,000), but at this ${rate} failure rate a directory of ${directory} or more accounts would be quarantined (failures exceeding 40%)${excluded} ${cite}`,
    };
  }
  return { ...base, predicted: false, line: `no quarantine predicted: ${rate} of exports fail (quarantine when failures exceed 40% with more than 5,000 of them)${excluded}; ${deprovisions.toLocaleString('en-US')} deletes or disables in the cycle, within the accidental-deletions threshold of ${threshold.toLocaleString('en-US')} ${cite}` };
}
