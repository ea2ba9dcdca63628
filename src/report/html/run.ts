import { STAGES } from '../../run/ledger.js';
import { describeReason, inconclusiveBecause, runVerdict } from '../../run/summary.js';
import { describeCleanup } from '../../target/cleanup.js';
import type { RunReport } from '../run-report.js';
import { connectorSection } from './connector.js';
import { breakableCode, code, facts, html, join, n, page, table, verdict, type SafeHtml } from './html.js';
import { figure, stackedBarChart, type ChartSeries } from './svg.js';

/** The chart stacks this many reasons by name; the rest are one `other reasons` segment. */
const CHART_REASONS = 7;

/**
 * `scimsim run --format html`: one self-contained page, readable without scripts. The verdict,
 * the run's figures (unverified accounts included), a chart of blocked accounts by stage and
 * reason, and every reason with example accounts and a hint.
 */
export function renderRunHtml(report: RunReport): string {
  const { summary } = report;
  const verdictKind = runVerdict(summary, report.partial);
  const unverified = `${n(summary.unverified)} unverified (state could not be read back)`;
  const sentence = {
    safe: 'safe: no account blocked',
    inconclusive: `inconclusive: ${inconclusiveBecause(report)}`,
    'blocks-accounts': `blocks accounts: ${n(summary.blocked)} of ${n(report.users)} accounts blocked${summary.unverified > 0 ? `, ${unverified}` : ''}`,
  }[verdictKind];
  const body = html`<h1>scimsim run</h1>
${verdict(verdictKind === 'safe' ? 'ok' : verdictKind === 'inconclusive' ? 'warn' : 'fail', sentence)}
${facts([
  ['scenario', code(report.scenario)],
  ['users', n(report.users)],
  ['seed', String(report.seed)],
  ['target', report.target],
  ['dialect', report.dialect],
  ...(report.world ? ([['world', html`${code(report.world.name)}, built for ${code(report.world.builtFor)}`]] as const) : []),
  ...(report.runId ? ([['run id', code(report.runId)]] as const) : []),
])}
${report.partial ? html`<p class="warning">⚠ Partial: the run was interrupted before the scenario finished.</p>` : ''}
${report.capped ? html`<p class="warning">⚠ --max-requests reached: the scenario stopped there (partial); cleanup still ran.</p>` : ''}
${counts(report)}
${chart(report)}
${reasons(report)}
${live(report)}
${connectorSection(report.connector)}
<footer>${n(summary.requests)} requests, ${n(summary.retries)} retried · ${Math.round(report.timing.simulatedMs / 1000)} s simulated, ${(report.timing.wallMs / 1000).toFixed(1)} s wall</footer>`;
  return page(`scimsim run: ${report.scenario}`, body);
}

function counts(report: RunReport): SafeHtml {
  const { summary } = report;
  return table({
    id: 'counts',
    caption: 'Accounts and requests',
    head: ['', 'count'],
    numeric: [1],
    rows: [
      ['users', n(summary.users)],
      ['blocked', n(summary.blocked)],
      ...STAGES.map((s) => [html`&nbsp;&nbsp;at ${s}`, n(summary.byStage[s])]),
      ['unverified (state could not be read back)', n(summary.unverified)],
      ['neither blocked nor unverified', n(Math.max(0, summary.users - summary.blocked - summary.unverified))],
      ['requests', n(summary.requests)],
      ['requests retried', n(summary.retries)],
    ],
  });
}

function chart(report: RunReport): SafeHtml {
  const title = 'Blocked accounts by stage';
  const { summary } = report;
  if (summary.blocked === 0) return html`<h2>${title}</h2><p class="note" data-chart-empty="blocked-by-stage">No account blocked.</p>`;
  // Reasons by name across stages, most accounts first; the long tail folded into one.
  const byName = new Map<string, number>();
  for (const r of summary.reasons) byName.set(describeReason(r) || '?', (byName.get(describeReason(r) || '?') ?? 0) + r.count);
  const names = [...byName.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
  const shown = names.length > CHART_REASONS ? names.slice(0, CHART_REASONS - 1) : names;
  const other = names.length > shown.length ? 'other reasons' : undefined;
  const series: ChartSeries[] = [...shown, ...(other ? [other] : [])].map((name) => ({
    name,
    values: STAGES.map((stage) =>
      summary.reasons.filter((r) => r.stage === stage && (name === other ? !shown.includes(describeReason(r) || '?') : (describeReason(r) || '?') === name)).reduce((sum, r) => sum + r.count, 0),
    ),
  }));
  return html`<h2>${title}</h2>${figure(stackedBarChart({ id: 'blocked-by-stage', title: `${title}, by reason`, categories: STAGES, series, unit: 'accounts' }))}`;
}

function reasons(report: RunReport): SafeHtml {
  const { summary } = report;
  if (summary.reasons.length === 0) return html``;
  return html`<h2>Reasons</h2>${table({
    id: 'reasons',
    head: ['accounts', 'stage', 'reason', 'example accounts', 'what to do'],
    numeric: [0],
    rows: summary.reasons.map((r, i) => [
      n(r.count),
      r.stage,
      html`${code(describeReason(r) || '?')}${r.detail ? html` <span class="note">(${r.detail})</span>` : ''}`,
      join(
        r.examples.map((e) => {
          const account = report.accounts.get(e.index);
          return account ? html`${breakableCode(account.userName)} <span class="note">(${account.externalId})</span>` : html`#${e.index}`;
        }),
        html`<br>`,
      ),
      report.hints[i] ?? '',
    ]),
  })}`;
}

function live(report: RunReport): SafeHtml {
  if (!report.live) return html``;
  const { live } = report;
  return html`<h2>Live target</h2>${facts([
    ['journal', code(live.journal)],
    [
      'cleanup',
      live.kept
        ? html`kept on the target for inspection; remove with ${code(`scimsim cleanup --env <the same env> --run-id ${report.runId ?? ''}`)}`
        : live.cleanup
          ? describeCleanup(live.cleanup)
          : 'none',
    ],
  ])}`;
}
