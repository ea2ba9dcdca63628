import { STAGES } from '../../run/ledger.js';
import type { Attribution, RehearsedChange, RehearseReport } from '../../rehearse/types.js';
import {
  attributionsOf,
  describeAlreadyBlocked,
  describeAttributedReason,
  describeCauses,
  describeNotJudged,
  describeRuns,
  describeTarget,
  describeUnexplained,
  groupByUnit,
  howCaused,
  summarizeRehearsal,
} from '../rehearse-summary.js';
import { connectorSection } from './connector.js';
import { breakableCode, code, facts, html, join, n, page, table, verdict, type SafeHtml } from './html.js';
import { stageColor } from './stages.js';
import { figure, stackedBarChart } from './svg.js';

/**
 * `scimsim rehearse --format html`: one self-contained page, readable without scripts. The
 * verdict and what was rehearsed first, a chart of the accounts each cause blocks by stage, the
 * changes, the cause sets with their reasons, example accounts and hints, then what the
 * rehearsal could not judge or explain.
 */
export function renderRehearseHtml(report: RehearseReport): string {
  const kind = report.verdict === 'safe' ? 'ok' : report.verdict === 'inconclusive' ? 'warn' : 'fail';
  const body = html`<h1>scimsim rehearse</h1>
${verdict(kind, summarizeRehearsal(report))}
${facts([
  ['base', code(report.labels.base)],
  ['candidate', code(report.labels.candidate)],
  ['scenario', code(report.scenario)],
  ['users', n(report.users)],
  ['seed', String(report.seed)],
  ['target', describeTarget(report)],
  ['dialect', report.dialect],
  ...(report.world ? ([['world', html`${code(report.world.name)}, built for ${code(report.world.builtFor)}`]] as const) : []),
])}
${counts(report)}
${blockedChart(report)}
${changes(report)}
${causes(report)}
${notJudged(report)}
${unexplained(report)}
${connectorSection(report.connector)}
${report.quarantine ? html`<h2>Entra ID quarantine</h2><p data-section="quarantine">${report.quarantine.line}</p>` : ''}
<footer>${describeRuns(report)}</footer>`;
  return page(`scimsim rehearse: ${report.labels.base} → ${report.labels.candidate}`, body);
}

function counts(report: RehearseReport): SafeHtml {
  return table({
    id: 'counts',
    caption: 'Accounts',
    head: ['', 'accounts'],
    numeric: [1],
    rows: [
      ['newly blocked by the candidate', n(report.newlyBlocked)],
      ['already blocked under the baseline', n(report.alreadyBlocked)],
      ['blocked under the baseline', n(report.baseline.blocked)],
      ['blocked under the candidate', n(report.candidate.blocked)],
      ['unverified under the baseline (not read back)', n(report.baseline.unverified)],
      ['unverified under the candidate (not read back)', n(report.candidate.unverified)],
      ['newly blocked and not explained', n(report.unexplained)],
    ],
  });
}

/** `SCIM_A`, `SCIM_A + SCIM_B or SCIM_C`: a cause row as a chart category. */
function causeLabel(attribution: Attribution): string {
  return describeCauses(attribution);
}

/**
 * Cause rows the chart draws a bar for; the rest (the smallest, as the attribution lists them
 * largest first) share one bar, so a candidate of many changes gives a chart that fits a screen.
 */
export const CHART_CAUSES = 15;

function blockedChart(report: RehearseReport): SafeHtml {
  const title = 'Newly blocked accounts per cause, by stage';
  if (report.attribution.length === 0) return html`<h2>${title}</h2><p class="note" data-chart-empty="blocked-by-cause">No change is blamed for a blocked account.</p>`;
  const stages = STAGES.filter((s) => report.attribution.some((a) => (a.byStage[s] ?? 0) > 0));
  const shown = report.attribution.length > CHART_CAUSES ? report.attribution.slice(0, CHART_CAUSES - 1) : report.attribution;
  const rest = report.attribution.slice(shown.length);
  const restLabel = `${n(rest.length)} other cause rows (see the table below)`;
  const chart = stackedBarChart({
    id: 'blocked-by-cause',
    title,
    categories: [...shown.map(causeLabel), ...(rest.length > 0 ? [restLabel] : [])],
    series: stages.map((s) => ({
      name: s,
      color: stageColor(s),
      values: [...shown.map((a) => a.byStage[s] ?? 0), ...(rest.length > 0 ? [rest.reduce((sum, a) => sum + (a.byStage[s] ?? 0), 0)] : [])],
    })),
    unit: 'accounts',
  });
  return html`<h2>${title}</h2>${figure(chart)}`;
}

function value(text: string | undefined): SafeHtml {
  if (text === undefined) return html`<em>(unset)</em>`;
  return text === '' ? html`<em>(empty)</em>` : code(text);
}

function transition(change: RehearsedChange): SafeHtml {
  if (change.action === 'create') return html`<em>(unset)</em> → ${value(change.after)}`;
  if (change.action === 'delete') return html`${value(change.before)} → <em>(unset)</em>`;
  return html`${value(change.before)} → ${value(change.after)}`;
}

function blocked(report: RehearseReport, change: RehearsedChange): string {
  const rows = attributionsOf(report, change.variable);
  if (rows.length === 0) return change.effect === 'harmless' ? '0' : change.effect === 'not-judged' ? 'not judged' : '?';
  return rows.map((a) => `${n(a.blocked)}${a.interaction ? ' (together with others)' : a.alternatives ? ' (or another cause)' : ''}`).join('; ');
}

function changes(report: RehearseReport): SafeHtml {
  if (report.changes.length === 0) return html`<h2>Changes</h2><p class="note">No changes to rehearse.</p>`;
  return html`<h2>Changes</h2>${table({
    id: 'changes',
    head: ['variable', 'change', 'effect', 'accounts blocked'],
    numeric: [3],
    rows: groupByUnit(report.changes).map((c) => [code(c.variable), html`${transition(c)}${c.secret ? html` <span class="note">(secret, shown as fingerprints)</span>` : ''}`, c.effect, blocked(report, c)]),
  })}`;
}

function causes(report: RehearseReport): SafeHtml {
  if (report.attribution.length === 0) return html``;
  const rows = report.attribution.map((a) => [
    html`${join(
      a.causes.map((set) => join(set.map(code), ' + ')),
      ' or ',
    )}${howCaused(a) === undefined ? '' : html`<br><span class="note">${howCaused(a)}</span>`}`,
    n(a.blocked),
    join(
      STAGES.filter((s) => (a.byStage[s] ?? 0) > 0).map((s) => `${s} ${n(a.byStage[s] ?? 0)}`),
      html`<br>`,
    ),
    join(
      [
        ...a.reasons.map((r) => html`${describeAttributedReason(r)}: ${n(r.count)}`),
        ...(a.alternatives ? a.causes.map((set, k) => html`<span class="note">${set.join(' + ')} alone: ${a.causeReasons[k] ?? '?'}</span>`) : []),
      ],
      html`<br>`,
    ),
    join(
      a.examples.map((e) => html`${breakableCode(e.userName)} <span class="note">(${e.externalId}; ${e.stage}, ${e.reason})</span>`),
      html`<br>`,
    ),
    a.hint,
  ]);
  return html`<h2>What blocks them</h2>${table({ id: 'attribution', head: ['cause', 'accounts', 'by stage', 'reasons', 'example accounts', 'what to do'], numeric: [1], rows })}`;
}

function notJudged(report: RehearseReport): SafeHtml {
  const harmless = groupByUnit(report.changes.filter((c) => c.effect === 'harmless'));
  const judged = groupByUnit(report.changes.filter((c) => c.effect === 'not-judged'));
  return html`${harmless.length > 0 ? html`<h2>Harmless</h2><p data-section="harmless">No account blocked by ${join(harmless.map((c) => code(c.variable)), ', ')}.</p>` : ''}
<h2>Not judged by this world</h2>
${judged.length === 0 ? html`<p class="note" data-section="not-judged">Every change was judged.</p>` : html`<ul data-section="not-judged">${judged.map((c) => html`<li>${code(c.variable)}: ${describeNotJudged(c)}</li>`)}</ul>`}`;
}

function unexplained(report: RehearseReport): SafeHtml {
  const why = report.unexplainedBecause;
  const unverified = report.baseline.unverified + report.candidate.unverified;
  return html`<h2>Unexplained and unverified</h2>
${report.alreadyBlocked > 0 ? html`<p>${describeAlreadyBlocked(report)}.</p>` : ''}
${unverified > 0 ? html`<p class="warning">⚠ ${n(unverified)} account${unverified === 1 ? '' : 's'} could not be read back (baseline ${n(report.baseline.unverified)}, candidate ${n(report.candidate.unverified)}): unverified, never counted as fine.</p>` : ''}
${report.unexplained > 0 ? html`<p class="warning">⚠ ${describeUnexplained(report)}.</p>` : html`<p class="note">Every newly blocked account is explained.</p>`}
${table({
  id: 'unexplained',
  caption: 'Newly blocked accounts not explained, by why',
  head: ['why', 'accounts'],
  numeric: [1],
  rows: [
    ['the search reached --max-runs', n(why.budget)],
    ['not blocked again when replayed', n(why.notReproducible)],
    ['blocked only by the full candidate', n(why.inseparable)],
    ['a replay could not read them back', n(why.unverified)],
  ],
})}
${report.caveats.length > 0 ? html`<h3>Caveats</h3><ul data-section="caveats">${report.caveats.map((c) => html`<li>${c}</li>`)}</ul>` : ''}`;
}

