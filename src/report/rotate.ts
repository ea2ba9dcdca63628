import Table from 'cli-table3';
import type { RotationReport } from '../rotate/rotate.js';
import { COMPACT_ROWS, type Colors } from './style.js';

const s = (ms: number | undefined): string => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`);

/** `scimsim rotate`: the plan of the rotation, a timeline of requests and refusals, findings, a verdict. */
export function renderRotationTable(report: RotationReport, colors: Colors): string {
  const { credentials: c } = report;
  const out = [
    `${colors.bold('scimsim rotate')} ${c.kind} ${c.current} -> ${c.next} · ${report.target} · ${report.requests.toLocaleString('en-US')} read requests over ${s(report.durationMs)}`,
    `traffic moves to the next credential at ${s(report.switchAtMs)}${report.world ? `; the target accepts it from ${s(report.world.nextValidFromMs)} and revokes the current one at ${s(report.world.revokeAtMs)}` : ''}`,
    '',
  ];
  const table = new Table({ head: ['from', 'to', 'credential', 'requests', 'auth refused', 'other failures'], style: { head: [], border: [] }, chars: COMPACT_ROWS, colAligns: ['right', 'right', 'left', 'right', 'right', 'right'] });
  for (const b of report.timeline) {
    table.push([s(b.fromMs), s(b.toMs), b.credential, String(b.requests), b.authFailures === 0 ? colors.dim('0') : colors.red(String(b.authFailures)), String(b.otherFailures)]);
  }
  out.push(table.toString(), '');
  for (const f of report.findings) out.push(`${colors.red('✖')} ${f.message}`);
  if (report.findings.length > 0) out.push('');
  const r = report.revokedBeforeSwitch;
  if (r && r.cachedWorkedUntilMs > r.revokeAtMs) out.push(`cached access tokens kept working from ${s(r.revokeAtMs)} to ${s(r.cachedWorkedUntilMs)}; the first request with the current credential fails at ${s(r.firstFailureAtMs)}`, '');
  const requests = report.requests.toLocaleString('en-US');
  switch (report.verdict) {
    case 'zero-downtime':
      out.push(`${colors.green('✔')} ${colors.bold('zero downtime')}: none of ${requests} requests was refused on authorisation, ${report.sent.next.toLocaleString('en-US')} of them with the next credential`);
      break;
    case 'downtime':
      out.push(`${colors.red('✖')} ${colors.bold('downtime')}: ${report.authFailures.total.toLocaleString('en-US')} of ${requests} requests refused on authorisation, from ${s(report.authFailures.firstAtMs)} to ${s(report.authFailures.lastAtMs)}`);
      break;
    case 'cuts-access':
      out.push(`${colors.red('✖')} ${colors.bold('cuts access')}: none of ${requests} requests was refused here, but the order of events would refuse them${r ? ` from ${s(r.firstFailureAtMs)}` : ''}`);
      break;
    case 'not-exercised':
      out.push(`${colors.red('✖')} ${colors.bold('not exercised')}: no request used the next credential, so this rehearsal shows nothing about it`);
      break;
  }
  return `${out.join('\n')}\n`;
}

/** The id of the rotate report's JSON Schema (schemas/rotate-report.json), named by every report. */
export const ROTATE_REPORT_SCHEMA = 'https://scimsim.dev/schemas/rotate-report.json';

/** `scimsim rotate --format json`: every field by name, so the report and its schema change together. */
export function renderRotationJson(report: RotationReport): string {
  const json = {
    $schema: ROTATE_REPORT_SCHEMA,
    formatVersion: '1.0',
    command: 'rotate',
    target: report.target,
    credentials: report.credentials,
    durationMs: report.durationMs,
    switchAtMs: report.switchAtMs,
    ...(report.world ? { world: report.world } : {}),
    requests: report.requests,
    authFailures: report.authFailures,
    otherFailures: report.otherFailures,
    sent: report.sent,
    ...(report.revokedBeforeSwitch ? { revokedBeforeSwitch: report.revokedBeforeSwitch } : {}),
    findings: report.findings,
    timeline: report.timeline,
    verdict: report.verdict,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
