import { STAGES } from '../run/ledger.js';
import { describeReason, inconclusiveBecause } from '../run/summary.js';
import { connectorProperties } from './connector.js';
import { renderJUnit } from './junit.js';
import type { RunReport } from './run-report.js';
import { worldProperties } from './world.js';

/** `scimsim run --format junit`: one test case per lifecycle stage, failing where accounts are blocked. */
export function renderRunJUnit(report: RunReport): string {
  const { summary } = report;
  // Unverified accounts are a case of their own: CI must not read them as passing.
  const readBack =
    summary.unverified === 0
      ? { name: 'read-back', classname: 'scimsim.run' }
      : { name: 'read-back', classname: 'scimsim.run', failure: { message: `${summary.unverified} accounts unverified`, body: `${summary.unverified} of ${report.users} accounts could not be read back from the target; their outcome is unknown, not fine.` } };
  return renderJUnit(
    `scimsim run ${report.scenario}`,
    [...STAGES.map((stage) => {
      const blocked = summary.byStage[stage];
      if (blocked === 0) return { name: stage, classname: 'scimsim.run' };
      const reasons = summary.reasons.filter((r) => r.stage === stage);
      return {
        name: stage,
        classname: 'scimsim.run',
        failure: {
          message: `${blocked} accounts blocked at ${stage}`,
          body: reasons.map((r) => `${r.count} × ${describeReason(r)}: ${report.hints[summary.reasons.indexOf(r)] ?? ''}`).join('\n'),
        },
      };
    }), readBack, ...(report.partial ? [{ name: 'scenario', classname: 'scimsim.run', failure: { message: 'partial run', body: `${inconclusiveBecause(report)}: what the rest of the scenario would do is not known.` } }] : [])],
    [...(report.world ? worldProperties(report.world) : []), ...(report.connector ? connectorProperties(report.connector) : [])],
  );
}
