import Table from 'cli-table3';
import { describeCleanup } from '../target/cleanup.js';
import { STAGES } from '../run/ledger.js';
import { describeReason, inconclusiveBecause, runVerdict } from '../run/summary.js';
import type { RunReport } from './run-report.js';
import { describeWorld } from './world.js';
import { connectorNotes, describeConnector } from './connector.js';
import { COMPACT_ROWS, plural, type Colors } from './style.js';

/** The human report of `scimsim run`: totals by stage, top reasons with examples and hints, a verdict. */
export function renderRunTable(report: RunReport, colors: Colors): string {
  const { summary } = report;
  const out = [
    `${colors.bold('scimsim run')} ${report.scenario} · ${report.users.toLocaleString('en-US')} users · seed ${report.seed} · ${report.target} · ${report.dialect} dialect${report.partial ? colors.yellow(' · PARTIAL (interrupted)') : ''}`,
    ...(report.world ? [colors.dim(describeWorld(report.world))] : []),
    ...(report.connector ? [colors.dim(describeConnector(report.connector))] : []),
    '',
  ];
  const stages = new Table({ head: ['stage', 'blocked'], style: { head: [], border: [] }, chars: COMPACT_ROWS, colAligns: ['left', 'right'] });
  for (const stage of STAGES) stages.push([stage, summary.byStage[stage] === 0 ? colors.dim('0') : colors.red(summary.byStage[stage].toLocaleString('en-US'))]);
  stages.push([colors.bold('total'), colors.bold(summary.blocked.toLocaleString('en-US'))]);
  stages.push(['unverified', summary.unverified === 0 ? colors.dim('0') : colors.yellow(summary.unverified.toLocaleString('en-US'))]);
  out.push(stages.toString(), '');
  summary.reasons.slice(0, 8).forEach((reason, i) => {
    out.push(`${colors.red('✖')} ${plural(reason.count, 'account')} blocked at ${reason.stage}: ${colors.bold(describeReason(reason))}${reason.detail ? colors.dim(` (${reason.detail})`) : ''}`);
    const names = reason.examples.map((e) => report.accounts.get(e.index)?.userName ?? `#${e.index}`);
    if (names.length > 0) out.push(`  ${colors.dim(`e.g. ${names.join(', ')}`)}`);
    if (report.hints[i]) out.push(`  ${colors.cyan('→')} ${report.hints[i]}`);
  });
  if (summary.reasons.length > 8) out.push(colors.dim(`  … and ${summary.reasons.length - 8} more reasons (see --format json)`));
  if (summary.reasons.length > 0) out.push('');
  if (report.capped) out.push(colors.yellow('⚠ --max-requests reached: the scenario stopped there (PARTIAL); cleanup still ran'));
  if (report.live) {
    const { live } = report;
    if (live.kept) out.push(`kept on the target for inspection; remove with: scimsim cleanup --env <the same env> --run-id ${report.runId ?? ''}`);
    else if (live.cleanup) out.push(`cleanup: ${describeCleanup(live.cleanup)}${!live.cleanup.clean ? ` (retry with scimsim cleanup --run-id ${report.runId ?? ''})` : ''}`);
    out.push(colors.dim(`journal: ${live.journal}`));
  }
  if (report.connector) {
    const notes = connectorNotes(report.connector);
    if (notes.length > 0) out.push(...notes.map((line) => colors.yellow(line)), '');
  }
  out.push(`${plural(summary.requests, 'request')}, ${summary.retries.toLocaleString('en-US')} retried · ${Math.round(report.timing.simulatedMs / 1000)} s simulated, ${(report.timing.wallMs / 1000).toFixed(1)} s wall`);
  const verdict = runVerdict(summary, report.partial);
  out.push(
    verdict === 'safe'
      ? `${colors.green('✔')} ${colors.bold('safe')}: no account blocked`
      : verdict === 'inconclusive'
        ? `${colors.yellow('?')} ${colors.bold('inconclusive')}: ${inconclusiveBecause(report)}`
        : `${colors.red('✖')} ${colors.bold('blocks accounts')}: ${summary.blocked.toLocaleString('en-US')} of ${report.users.toLocaleString('en-US')} accounts blocked${summary.unverified > 0 ? `, ${summary.unverified.toLocaleString('en-US')} unverified` : ''}`,
  );
  return `${out.join('\n')}\n`;
}
