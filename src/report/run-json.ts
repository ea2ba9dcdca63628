import { STAGES } from '../run/ledger.js';
import type { Reason, Stage } from '../run/ledger.js';
import type { RunReport } from './run-report.js';
import { runVerdict } from '../run/summary.js';

/** The id of this report's JSON Schema (schemas/run-report.json). */
export const RUN_REPORT_SCHEMA = 'https://scimsim.dev/schemas/run-report.json';

/** A reason as JSON reports show it: stage, then only the fields it has, then the count. */
export function reasonJson(r: Reason & { stage: Stage; count: number }): Record<string, string | number> {
  return {
    stage: r.stage,
    ...(r.status !== undefined && r.status !== 0 ? { status: r.status } : {}),
    ...(r.scimType !== undefined ? { scimType: r.scimType } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
    count: r.count,
  };
}

/** `scimsim run --format json`: the contract's envelope with the single run under `result`. */
export function renderRunJson(report: RunReport): string {
  const { summary } = report;
  const json = {
    // Names the JSON Schema of this report, shipped in the repository's schemas/ folder.
    $schema: RUN_REPORT_SCHEMA,
    formatVersion: '1.0',
    command: 'run',
    verdict: runVerdict(summary, report.partial),
    users: report.users,
    seed: report.seed,
    target: report.target,
    ...(report.world ? { world: { name: report.world.name, builtFor: report.world.builtFor } } : {}),
    ...(report.runId ? { runId: report.runId } : {}),
    scenario: report.scenario,
    dialect: report.dialect,
    partial: report.partial,
    capped: report.capped,
    ...(report.live ? { journal: report.live.journal, kept: report.live.kept, cleanup: report.live.cleanup ?? null } : {}),
    result: {
      blocked: summary.blocked,
      unverified: summary.unverified,
      byStage: Object.fromEntries(STAGES.map((s) => [s, summary.byStage[s]])),
      reasons: summary.reasons.map((r, i) => ({
        ...reasonJson(r),
        hint: report.hints[i] ?? null,
        examples: r.examples.map((e) => ({ ...report.accounts.get(e.index), request: e.op })),
      })),
    },
    requests: summary.requests,
    retries: summary.retries,
    ...(report.connector ? { connector: { kind: report.connector.kind, name: report.connector.name, refused: report.connector.refused.map((r) => ({ ...r })), unattributed: [...report.connector.unattributed] } } : {}),
    timing: report.timing,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
