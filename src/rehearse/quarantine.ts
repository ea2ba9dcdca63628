import type { QuarantinePrediction } from './types.js';

/**
 * Microsoft Entra ID puts a provisioning job into quarantine when too many of its exports fail
 * and are escrowed for retry. Microsoft Learn, "Application provisioning in quarantine status"
 * (learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status),
 * and the quarantine reasons of the Graph synchronizationQuarantine resource
 * (EncounteredEscrowProportionThreshold, EncounteredBaseEscrowThreshold,
 * EncounteredTotalEscrowThreshold); figures as collected in shared/reference/scim-in-the-wild.md:
 * more than 40% of exports failing with at least 5,000 failures; more than 40,000 failures;
 * 60,000 failures in all. A quarantined job retries after 6 h, 12 h, 24 h, then daily for 28 days.
 *
 * One blocked synthetic account stands for one failed export (an account blocked at several
 * steps fails more than once in a real cycle, so this errs on the side of "not quarantined").
 */
export const QUARANTINE = {
  proportion: 0.4,
  proportionMinimum: 5_000,
  base: 40_000,
  total: 60_000,
  source: 'Microsoft Learn, "Application provisioning in quarantine status"',
} as const;

export function predictQuarantine(failures: number, users: number): QuarantinePrediction {
  const failureRate = users === 0 ? 0 : failures / users;
  const rate = `${(failureRate * 100).toFixed(failureRate > 0 && failureRate < 0.01 ? 2 : 0)}%`;
  const count = failures.toLocaleString('en-US');
  const cite = `(${QUARANTINE.source})`;
  if (failures >= QUARANTINE.total) {
    return { predicted: true, reason: 'EncounteredTotalEscrowThreshold', failures, failureRate, line: `would quarantine the provisioning job: ${count} failures reach the 60,000 total-escrow threshold ${cite}` };
  }
  if (failures > QUARANTINE.base) {
    return { predicted: true, reason: 'EncounteredBaseEscrowThreshold', failures, failureRate, line: `would quarantine the provisioning job: ${count} failures pass the 40,000 base-escrow threshold ${cite}` };
  }
  if (failureRate > QUARANTINE.proportion && failures >= QUARANTINE.proportionMinimum) {
    return { predicted: true, reason: 'EncounteredEscrowProportionThreshold', failures, failureRate, line: `would quarantine the provisioning job: ${rate} of exports fail (over 40%, with at least 5,000 failures) ${cite}` };
  }
  if (failureRate > QUARANTINE.proportion) {
    const directory = Math.ceil(QUARANTINE.proportionMinimum / failureRate).toLocaleString('en-US');
    return {
      predicted: false,
      failures,
      failureRate,
      line: `no quarantine at ${users.toLocaleString('en-US')} accounts (${count} failures, under the 5,000 minimum), but at this ${rate} failure rate a directory of ${directory} or more accounts would be quarantined (over 40% failing) ${cite}`,
    };
  }
  return { predicted: false, failures, failureRate, line: `no quarantine predicted: ${rate} of exports fail (quarantine starts above 40% with at least 5,000 failures) ${cite}` };
}
