import type { EnvDiff } from '../env/diff.js';
import type { DiffLabels } from './diff-table.js';
import { formatSource } from './style.js';

/** The id of the diff report's JSON Schema (schemas/diff-report.json), named by every report. */
export const DIFF_REPORT_SCHEMA = 'https://scimsim.dev/schemas/diff-report.json';

/** `scimsim diff --format json`: changes in the contract's shape, plus sources and notes. */
export function renderDiffJson(diff: EnvDiff, labels: DiffLabels): string {
  const json = {
    $schema: DIFF_REPORT_SCHEMA,
    formatVersion: '1.0',
    command: 'diff',
    base: labels.base,
    candidate: labels.candidate,
    summary: diff.summary,
    changes: diff.changes.map((c) => ({
      variable: c.variable,
      action: c.action,
      before: c.before ?? null,
      after: c.after ?? null,
      secret: c.secret,
      beforeSource: c.beforeSource ? formatSource(c.beforeSource) : null,
      afterSource: c.afterSource ? formatSource(c.afterSource) : null,
      risk: c.risk ?? null,
      noEffect: c.noEffect ?? null,
      unit: c.unit ?? null,
    })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
