import type { CheckReport } from '../env/check.js';
import type { StepStatus } from '../env/preflight/index.js';
import { cell, code } from './markdown.js';
import { formatSource, plural } from './style.js';

const STEP_MARK: Record<StepStatus, string> = { pass: '✔', fail: '✖', warn: '!', skip: '–' };

/**
 * `scimsim check --format markdown`, and the check's part of a GitHub step summary: the verdict,
 * every problem with where it is, and the preflight steps. Values are left out: the table rendering
 * has them, and a summary is read by more people than the log.
 */
export function renderCheckMarkdown(report: CheckReport): string {
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const counts = [plural(errors, 'error'), plural(report.problems.length - errors, 'warning')];
  if (report.preflight) counts.push(plural(report.preflight.steps.filter((s) => s.status === 'fail').length, 'failed preflight step'));
  const out = [`### scimsim check: ${report.valid ? '✔ valid' : '✖ invalid'} (${counts.join(', ')})`, '', report.sources.map(code).join(' + '), ''];
  if (report.problems.length > 0) {
    out.push('| | where | problem | fix |', '|---|---|---|---|');
    for (const p of report.problems) {
      const where = p.location ? code(cell(formatSource(p.location))) : '';
      out.push(`| ${p.severity === 'error' ? '✖ error' : '! warning'} | ${where} | ${cell(p.message)} | ${cell(p.hint ?? '')} |`);
    }
    out.push('');
  }
  if (report.preflight) {
    out.push(`Preflight of ${code(report.preflight.target)}:`, '', '| | step | detail |', '|---|---|---|');
    for (const step of report.preflight.steps) {
      const hint = step.hint ? `<br>→ ${cell(step.hint)}` : '';
      out.push(`| ${STEP_MARK[step.status]} | ${cell(step.title)} | ${cell(step.detail)}${hint} |`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
