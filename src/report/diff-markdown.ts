import type { EnvDiff } from '../env/diff.js';
import { ACTION_SYMBOL, summarizeDiff } from './diff-summary.js';
import type { DiffLabels } from './diff-table.js';
import { cell, code } from './markdown.js';
import { formatSource } from './style.js';

/** `scimsim diff --format markdown`, for a pull-request comment: summary first, details folded. */
export function renderDiffMarkdown(diff: EnvDiff, labels: DiffLabels): string {
  const out = [`### scimsim diff: ${summarizeDiff(diff)}`, '', `${code(labels.base)} → ${code(labels.candidate)}`, ''];
  if (diff.changes.length === 0) {
    out.push('No changes.');
    return `${out.join('\n')}\n`;
  }
  out.push('| | variable | before | after | note |', '|---|---|---|---|---|');
  for (const c of diff.changes) {
    const note = c.noEffect ? `no effect: ${c.noEffect}` : (c.risk ?? '');
    out.push(
      `| ${ACTION_SYMBOL[c.action]} | ${code(c.variable)} | ${c.before === undefined ? '' : code(cell(c.before))} | ${c.after === undefined ? '' : code(cell(c.after))} | ${cell(note)} |`,
    );
  }
  out.push('', '<details><summary>Where each value comes from</summary>', '');
  for (const c of diff.changes) {
    const from = c.beforeSource ? formatSource(c.beforeSource) : '(unset)';
    const to = c.afterSource ? formatSource(c.afterSource) : '(unset)';
    out.push(`- ${code(c.variable)}: ${cell(from)} → ${cell(to)}`);
  }
  out.push('', '</details>');
  return `${out.join('\n')}\n`;
}
