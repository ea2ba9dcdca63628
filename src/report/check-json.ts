import type { CheckReport } from '../env/check.js';
import { formatSource } from './style.js';

/** The id of the check report's JSON Schema (schemas/check-report.json), named by every report. */
export const CHECK_REPORT_SCHEMA = 'https://scimsim.dev/schemas/check-report.json';

/** `scimsim check --format json`: the report with sources as `file:line` strings. */
export function renderCheckJson(report: CheckReport): string {
  const json = {
    $schema: CHECK_REPORT_SCHEMA,
    formatVersion: '1.0',
    command: 'check',
    valid: report.valid,
    sources: report.sources,
    variables: report.variables.map((row) => ({
      name: row.name,
      value: row.value ?? null,
      secret: row.secret,
      source: row.source === undefined ? null : formatSource(row.source),
      overrides: row.overrides.map(formatSource),
      ...(row.alias ? { alias: row.alias } : {}),
      status: row.status,
    })),
    problems: report.problems.map((p) => ({
      severity: p.severity,
      code: p.code,
      variable: p.variable ?? null,
      location: p.location ? formatSource(p.location) : null,
      message: p.message,
      hint: p.hint ?? null,
    })),
    ...(report.preflight ? { preflight: report.preflight } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
