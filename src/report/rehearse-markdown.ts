import type { Attribution, RehearsedChange, RehearseReport } from '../rehearse/types.js';
import { describeReason } from '../run/summary.js';
import { xml } from './junit.js';
import { cell, code } from './markdown.js';
import { describeWorldMarkdown } from './world.js';
import { connectorNotes, describeConnector } from './connector.js';
import {
  attributionsOf,
  describeAlreadyBlocked,
  describeCauses,
  describeNotJudged,
  describeRuns,
  describeUnexplained,
  groupByUnit,
  howCaused,
  partnersOf,
  summarizeRehearsal,
} from './rehearse-summary.js';

/**
 * `scimsim rehearse --format markdown`, for a pull-request comment or a step summary: the
 * summary line first, a table of the changes, each cause set folded with its reasons, examples
 * and hint, then the harmless changes, the quarantine prediction and the replays it took.
 */
export function renderRehearseMarkdown(report: RehearseReport): string {
  const verdict = `${report.verdict === 'safe' ? '✅' : report.verdict === 'inconclusive' ? '⚠️' : '❌'} ${summarizeRehearsal(report)}`;
  const target = report.serverProfile === undefined ? report.target : `${report.target} (${code(report.serverProfile)})`;
  const out = [
    `### scimsim rehearse: ${verdict}`,
    '',
    `${code(report.labels.base)} → ${code(report.labels.candidate)} · scenario ${code(report.scenario)} · ${report.users.toLocaleString('en-US')} users · seed ${report.seed} · ${target} · ${cell(report.dialect)} dialect${report.world ? ` · ${describeWorldMarkdown(report.world)}` : ''}`,
    '',
  ];
  if (report.changes.length > 0) {
    out.push('| variable | change | effect | accounts blocked |', '|---|---|---|---:|');
    for (const change of groupByUnit(report.changes)) {
      out.push(`| ${code(change.variable)} | ${transition(change)} | ${change.effect} | ${blockedCell(report, change)} |`);
    }
    out.push('');
  }
  for (const attribution of report.attribution) out.push(...details(attribution), '');
  const harmless = groupByUnit(report.changes.filter((c) => c.effect === 'harmless'));
  if (harmless.length > 0) out.push(`**Harmless** (no account blocked): ${harmless.map((c) => code(c.variable)).join(', ')}`, '');
  const notJudged = groupByUnit(report.changes.filter((c) => c.effect === 'not-judged'));
  if (notJudged.length > 0) {
    out.push('**Not judged by this world:**', '');
    for (const change of notJudged) out.push(`- ${code(change.variable)}: ${cell(describeNotJudged(change))}`);
    out.push('');
  }
  if (report.alreadyBlocked > 0) out.push(`${describeAlreadyBlocked(report)}.`, '');
  const unverified = report.baseline.unverified + report.candidate.unverified;
  if (unverified > 0) out.push(`⚠️ ${unverified.toLocaleString('en-US')} account${unverified === 1 ? '' : 's'} could not be read back (baseline ${report.baseline.unverified}, candidate ${report.candidate.unverified}): unverified, never counted as fine.`, '');
  if (report.unexplained > 0) out.push(`⚠️ ${describeUnexplained(report)}.`, '');
  if (report.quarantine) out.push(`**Entra ID:** ${cell(report.quarantine.line)}`, '');
  if (report.connector) {
    out.push(cell(describeConnector(report.connector)), '');
    const notes = connectorNotes(report.connector);
    if (notes.length > 0) out.push('```', ...notes, '```', '');
  }
  out.push(describeRuns(report));
  return `${out.join('\n')}\n`;
}

/** A value as inline code; an empty value would make an empty (broken) code span. */
function value(text: string | undefined): string {
  if (text === undefined) return '*(unset)*';
  return text === '' ? '*(empty)*' : code(cell(text));
}

function transition(change: RehearsedChange): string {
  if (change.action === 'create') return `*(unset)* → ${value(change.after)}`;
  if (change.action === 'delete') return `${value(change.before)} → *(unset)*`;
  return `${value(change.before)} → ${value(change.after)}`;
}

/** `312`, or `57 with `SCIM_RATE_LIMIT_RPS`` for an interaction; `0` for a harmless change. */
function blockedCell(report: RehearseReport, change: RehearsedChange): string {
  const facts = attributionsOf(report, change.variable).map((a) => {
    const count = a.blocked.toLocaleString('en-US');
    const partners = partnersOf(a, change.variable);
    const together = a.interaction && partners.length > 0 ? ` only with ${partners.map((v) => code(v)).join(' + ')}` : '';
    const either = a.alternatives ? ` (or ${a.causes.filter((c) => !c.includes(change.variable)).map((c) => c.map((v) => code(v)).join(' + ')).join(' or ')})` : '';
    return `${count}${together}${either}`;
  });
  return facts.length === 0 ? (change.effect === 'harmless' ? '0' : change.effect === 'not-judged' ? 'not judged' : '?') : facts.join('; ');
}

/** One cause set, folded: reasons by stage, examples, hint. */
function details(attribution: Attribution): string[] {
  const vars = describeCauses(attribution, (v) => `<code>${xml(v)}</code>`);
  const verb = attribution.variables.length === 1 || attribution.alternatives ? 'blocks' : 'block';
  const way = howCaused(attribution);
  const how = way === undefined ? '' : way === 'only together' ? ` ${way}` : ` (${way})`;
  const count = attribution.blocked.toLocaleString('en-US');
  const out = [`<details><summary>${vars} ${verb} ${count} account${attribution.blocked === 1 ? '' : 's'}${how}</summary>`, ''];
  if (attribution.reasons.length > 0) {
    out.push('| stage | reason | accounts |', '|---|---|---:|');
    for (const r of attribution.reasons) {
      out.push(`| ${r.stage} | ${code(cell(describeReason(r) || '?'))}${r.detail ? ` (${cell(r.detail)})` : ''} | ${r.count.toLocaleString('en-US')} |`);
    }
    out.push('');
  }
  if (attribution.alternatives) {
    out.push('Each cause alone:', '');
    attribution.causes.forEach((set, k) => out.push(`- ${set.map((v) => code(v)).join(' + ')}: ${cell(attribution.causeReasons[k] ?? '?')}`));
    out.push('');
  }
  if (attribution.examples.length > 0) {
    out.push(`Examples: ${attribution.examples.slice(0, 3).map((e) => `${code(cell(e.userName))} (${e.stage}, ${cell(e.reason)})`).join(', ')}`, '');
  }
  if (attribution.hint !== '') out.push(`→ ${cell(attribution.hint)}`, '');
  out.push('</details>');
  return out;
}
