import { describe, expect, it } from 'vitest';
import { countDeprovisions, countQuarantineFailures, isEntraDialect, predictQuarantine, type QuarantineInput } from '../../src/rehearse/quarantine.js';
import { STAGES, type Reason } from '../../src/run/ledger.js';
import { DEFAULT_SCENARIO_PATH, loadScenario } from '../../src/scenario/load-scenario.js';

const input = (over: Partial<QuarantineInput>): QuarantineInput => ({ dialect: 'entra', users: 1_000, failures: 0, credentialFailures: 0, complianceNotFound: 0, referenceFailures: 0, deprovisions: 0, ...over });

describe("Entra ID's quarantine, as Microsoft documents it", () => {
  it('is predicted only under the Entra dialects', () => {
    expect(isEntraDialect('entra')).toBe(true);
    expect(isEntraDialect('entra-flagged')).toBe(true);
    expect(predictQuarantine(input({ dialect: 'rfc', credentialFailures: 10, failures: 10 }))).toBeUndefined();
    expect(predictQuarantine(input({ dialect: 'okta', failures: 90_000 }))).toBeUndefined();
  });

  it('quarantines on credential failures and SCIM-compliance 404s whatever the counts', () => {
    expect(predictQuarantine(input({ failures: 3, credentialFailures: 3 }))).toMatchObject({ predicted: true, reason: 'EncounteredQuarantineException' });
    expect(predictQuarantine(input({ failures: 1, complianceNotFound: 1 }))?.line).toMatch(/404 where a SCIM service answers 200.*Microsoft Learn, "Application provisioning in quarantine status"/);
  });

  it('uses "exceeds" for every escrow threshold', () => {
    // Exactly 40% with 6,000 failures is not over 40%; exactly 5,000 failures is not over 5,000.
    expect(predictQuarantine(input({ users: 15_000, failures: 6_000 }))?.predicted).toBe(false);
    expect(predictQuarantine(input({ users: 10_000, failures: 5_000 }))?.predicted).toBe(false);
    expect(predictQuarantine(input({ users: 12_000, failures: 5_001 }))).toMatchObject({ predicted: true, reason: 'EncounteredEscrowProportionThreshold' });
    expect(predictQuarantine(input({ users: 1_000_000, failures: 40_000 }))?.predicted).toBe(false);
    expect(predictQuarantine(input({ users: 1_000_000, failures: 40_001 }))).toMatchObject({ predicted: true, reason: 'EncounteredBaseEscrowThreshold' });
    expect(predictQuarantine(input({ users: 1_000_000, failures: 60_001 }))).toMatchObject({ predicted: true, reason: 'EncounteredTotalEscrowThreshold' });
    expect(predictQuarantine(input({ users: 5_000, failures: 4_000 }))?.line).toMatch(/80% failure rate a directory of 6,251 or more accounts would be quarantined/);
  });

  it('leaves reference-attribute failures out of the rate', () => {
    const counts = countQuarantineFailures(
      Uint8Array.from([0, 1 + STAGES.indexOf('group'), 1 + STAGES.indexOf('update'), 1 + STAGES.indexOf('create'), 1 + STAGES.indexOf('create'), 1 + STAGES.indexOf('update')]),
      Uint16Array.from([0, 0, 1, 2, 3, 4]),
      [{ status: 400 }, { error: 'state-mismatch', detail: 'manager is missing, expected "u-7"' }, { status: 401 }, { status: 404 }, { status: 409 }] satisfies Reason[],
    );
    expect(counts).toEqual({ failures: 3, credentialFailures: 1, complianceNotFound: 1, referenceFailures: 2 });
    const prediction = predictQuarantine(input({ users: 10_000, failures: 3_000, referenceFailures: 3_000 }));
    expect(prediction).toMatchObject({ predicted: false, failures: 3_000, failureRate: 0.3, referenceFailures: 3_000 });
    expect(prediction?.line).toContain('3,000 reference-attribute failures (manager, group members) do not count');
  });

  it('leaves out a manager refused in its own PATCH (the reason says so), not another refusal with the same status', () => {
    const create = 1 + STAGES.indexOf('create');
    const update = 1 + STAGES.indexOf('update');
    const counts = countQuarantineFailures(
      Uint8Array.from([create, update, update]),
      Uint16Array.from([0, 0, 1]),
      [{ status: 400, scimType: 'invalidValue', reference: 'manager' }, { status: 400, scimType: 'invalidValue' }] satisfies Reason[],
    );
    expect(counts).toEqual({ failures: 1, credentialFailures: 0, complianceNotFound: 0, referenceFailures: 2 });
  });

  it('predicts the accidental-deletions stop for a leaver wave over the threshold (default 500)', async () => {
    expect(predictQuarantine(input({ deprovisions: 500 }))?.predicted).toBe(false);
    expect(predictQuarantine(input({ deprovisions: 501 }))).toMatchObject({ predicted: true, reason: 'TooManyDeletes', deletionThreshold: 500 });
    expect(predictQuarantine(input({ deprovisions: 60, deletionThreshold: 50 }))?.line).toMatch(/deletes or disables 60 accounts, which exceeds the accidental-deletions threshold of 50 \(Microsoft Learn, "Enable accidental deletions prevention"\)/);
    const lifecycle = await loadScenario(DEFAULT_SCENARIO_PATH, process.cwd());
    const leavers = countDeprovisions(lifecycle, 1_000, 1);
    expect(leavers).toBeGreaterThan(0);
    expect(countDeprovisions(lifecycle, 10_000, 1)).toBeGreaterThan(leavers * 5);
  });
});
