import Table from 'cli-table3';
import type { CheckReport, VariableStatus } from '../env/check.js';
import type { PreflightReport, StepStatus } from '../env/preflight/index.js';
import type { EnvProblem } from '../env/problem.js';
import { COMPACT_ROWS, formatSource, plural, truncate, type Colors } from './style.js';

/** The human report of `scimsim check`: variables, problems, preflight steps, a verdict line. */
export function renderCheckTable(report: CheckReport, colors: Colors): string {
  const out: string[] = [];
  out.push(`${colors.bold('Env set')} ${report.sources.join(' + ')}`, '');
  out.push(renderVariables(report, colors), '');
  if (report.problems.length > 0) {
    out.push(...report.problems.map((p) => renderProblem(p, colors)), '');
  }
  if (report.preflight) out.push(renderPreflight(report.preflight, colors), '');
  out.push(renderVerdict(report, colors));
  return `${out.join('\n')}\n`;
}

/** cli-table3 lays out a table in time quadratic in its rows; long sets print as several tables. */
const ROWS_PER_TABLE = 250;

function renderVariables(report: CheckReport, colors: Colors): string {
  const parts: string[] = [];
  for (let start = 0; start < report.variables.length || start === 0; start += ROWS_PER_TABLE) {
    parts.push(renderVariableRows(report.variables.slice(start, start + ROWS_PER_TABLE), colors));
  }
  return parts.join('\n');
}

function renderVariableRows(rows: CheckReport['variables'], colors: Colors): string {
  const table = new Table({
    head: ['variable', 'value', 'source', 'status'],
    style: { head: [], border: [] },
    chars: COMPACT_ROWS,
    wordWrap: true,
  });
  for (const row of rows) {
    const overrides = row.overrides.length > 0 ? `\n${colors.dim(`overrides ${row.overrides.map(formatSource).join(', ')}`)}` : '';
    const alias = row.alias ? `\n${colors.dim(`as ${row.alias}`)}` : '';
    table.push([
      row.name,
      row.value === undefined ? colors.dim('(not set)') : truncate(row.value),
      `${formatSource(row.source)}${overrides}${alias}`,
      statusText(row.status, colors),
    ]);
  }
  return table.toString();
}

function statusText(status: VariableStatus, colors: Colors): string {
  switch (status) {
    case 'ok':
      return colors.green('ok');
    case 'warning':
      return colors.yellow('warning');
    case 'error':
      return colors.red('error');
    case 'unknown':
      return colors.yellow('unknown');
  }
}

/** One problem: severity, variable, file:line, then the message and the fix. */
export function renderProblem(problem: EnvProblem, colors: Colors): string {
  const mark = problem.severity === 'error' ? colors.red('✖ error  ') : colors.yellow('! warning');
  const where = problem.location ? colors.dim(formatSource(problem.location)) : '';
  const lines = [`${mark} ${where}`.trimEnd(), `  ${problem.message}`];
  if (problem.hint) lines.push(`  ${colors.cyan('→')} ${problem.hint}`);
  return lines.join('\n');
}

const STEP_MARK: Record<StepStatus, string> = { pass: '✔', fail: '✖', warn: '!', skip: '-' };

function renderPreflight(preflight: PreflightReport, colors: Colors): string {
  const paint: Record<StepStatus, (s: string) => string> = {
    pass: colors.green,
    fail: colors.red,
    warn: colors.yellow,
    skip: colors.dim,
  };
  const width = Math.max(...preflight.steps.map((s) => s.title.length));
  const lines = [`${colors.bold('Preflight')} ${preflight.target}`];
  for (const step of preflight.steps) {
    const time = step.status === 'skip' ? '' : colors.dim(` ${Math.round(step.durationMs)} ms`);
    lines.push(`${paint[step.status](STEP_MARK[step.status])} ${step.title.padEnd(width)}  ${step.detail}${time}`);
    if (step.hint) lines.push(`  ${' '.repeat(width)}  ${colors.cyan('→')} ${step.hint}`);
  }
  return lines.join('\n');
}

function renderVerdict(report: CheckReport, colors: Colors): string {
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const failedSteps = report.preflight?.steps.filter((s) => s.status === 'fail').length ?? 0;
  const counts = [plural(errors, 'error'), plural(warnings, 'warning')];
  if (report.preflight) counts.push(`${plural(failedSteps, 'failed preflight step')}`);
  if (report.valid) return `${colors.green('✔')} ${colors.bold('valid')}: ${counts.join(', ')}`;
  return `${colors.red('✖')} ${colors.bold('invalid')}: ${counts.join(', ')}`;
}
