import { reasonJson } from './run-json.js';
import type { RehearseReport, RunTotals } from '../rehearse/types.js';
import { STAGES } from '../run/ledger.js';

/** The id of this report's JSON Schema (schemas/rehearse-report.json). */
export const REHEARSE_REPORT_SCHEMA = 'https://scimsim.dev/schemas/rehearse-report.json';

/**
 * `scimsim rehearse --format json`: the contract's envelope (`runs` is the number of replays;
 * their breakdown is under `runDetail`). Values are display values: secrets are fingerprints.
 */
export function renderRehearseJson(report: RehearseReport): string {
  const totals = (run: RunTotals): { blocked: number; byStage: Record<string, number>; unverified: number } => ({
    blocked: run.blocked,
    byStage: Object.fromEntries(STAGES.map((s) => [s, run.byStage[s]])),
    unverified: run.unverified,
  });
  const json = {
    // Names the JSON Schema of this report, shipped in the repository's schemas/ folder.
    $schema: REHEARSE_REPORT_SCHEMA,
    formatVersion: '1.0',
    command: 'rehearse',
    verdict: report.verdict,
    caveats: [...report.caveats],
    users: report.users,
    seed: report.seed,
    target: report.target,
    scenario: report.scenario,
    dialect: report.dialect,
    serverProfile: report.serverProfile ?? null,
    world: report.world ? { name: report.world.name, builtFor: report.world.builtFor } : null,
    labels: { base: report.labels.base, candidate: report.labels.candidate },
    baseline: totals(report.baseline),
    candidate: totals(report.candidate),
    newlyBlocked: report.newlyBlocked,
    alreadyBlocked: report.alreadyBlocked,
    changes: report.changes.map((c) => ({
      variable: c.variable,
      action: c.action,
      before: c.before ?? null,
      after: c.after ?? null,
      secret: c.secret,
      unit: c.unitId,
      effect: c.effect,
      ...(c.effect === 'not-judged' ? { notJudgedBecause: c.notJudgedBecause ?? null, wouldJudge: c.wouldJudge ?? null } : {}),
    })),
    attribution: report.attribution.map((a) => ({
      variables: [...a.variables],
      causes: a.causes.map((c) => [...c]),
      interaction: a.interaction,
      alternatives: a.alternatives,
      causeReasons: [...a.causeReasons],
      blocked: a.blocked,
      byStage: Object.fromEntries(STAGES.flatMap((s) => (a.byStage[s] === undefined ? [] : [[s, a.byStage[s]]]))),
      reasons: a.reasons.map(reasonJson),
      examples: a.examples.map((e) => ({ userName: e.userName, externalId: e.externalId, stage: e.stage, reason: e.reason })),
      hint: a.hint,
    })),
    unexplained: report.unexplained,
    unexplainedBecause: { ...report.unexplainedBecause },
    runs: report.runs.total,
    runDetail: { ...report.runs },
    requests: { ...report.requests },
    // Entra's quarantine rules, under the Entra dialects only.
    ...(report.quarantine
      ? {
          quarantine: {
            predicted: report.quarantine.predicted,
            reason: report.quarantine.reason ?? null,
            failures: report.quarantine.failures,
            failureRate: report.quarantine.failureRate,
            referenceFailures: report.quarantine.referenceFailures ?? 0,
            deprovisions: report.quarantine.deprovisions ?? 0,
            deletionThreshold: report.quarantine.deletionThreshold ?? null,
            line: report.quarantine.line,
          },
        }
      : {}),
    ...(report.connector
      ? {
          connector: {
            kind: report.connector.kind,
            name: report.connector.name,
            refused: { baseline: report.connector.refused.baseline.map((r) => ({ ...r })), candidate: report.connector.refused.candidate.map((r) => ({ ...r })) },
            unattributed: [...report.connector.unattributed],
          },
        }
      : {}),
    timing: { wallMs: report.timing.wallMs },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
