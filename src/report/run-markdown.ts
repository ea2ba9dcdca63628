import { STAGES } from '../run/ledger.js';
import { describeReason, inconclusiveBecause, runVerdict } from '../run/summary.js';
import { cell, code } from './markdown.js';
import type { RunReport } from './run-report.js';
import { describeWorldMarkdown } from './world.js';
import { connectorNotes, describeConnector } from './connector.js';

/** `scimsim run --format markdown`: summary line first, details folded, for a PR or step summary. */
export function renderRunMarkdown(report: RunReport): string {
  const { summary } = report;
  const unverified = `${summary.unverified.toLocaleString('en-US')} unverified (state could not be read back)`;
  const verdict = {
    safe: '✅ **safe**: no account blocked',
    inconclusive: `⚠️ **inconclusive**: ${inconclusiveBecause(report)}`,
    'blocks-accounts': `❌ **blocks accounts**: ${summary.blocked.toLocaleString('en-US')} of ${report.users.toLocaleString('en-US')} accounts blocked${summary.unverified > 0 ? `, ${unverified}` : ''}`,
  }[runVerdict(summary, report.partial)];
  const out = [`### scimsim run: ${verdict}`, '', `${code(report.scenario)} · ${report.users.toLocaleString('en-US')} users · seed ${report.seed} · ${report.target} · ${report.dialect} dialect${report.partial ? ' · **partial**' : ''}`, ...(report.world ? ['', describeWorldMarkdown(report.world)] : []), ''];
  if (summary.blocked > 0 || summary.unverified > 0) {
    out.push('| stage | blocked |', '|---|---:|');
    for (const stage of STAGES) if (summary.byStage[stage] > 0) out.push(`| ${stage} | ${summary.byStage[stage]} |`);
    out.push(`| *unverified* | ${summary.unverified} |`);
    out.push('', '<details><summary>Reasons and hints</summary>', '');
    summary.reasons.forEach((r, i) => {
      out.push(`- **${r.count}** at ${r.stage}: ${code(describeReason(r))}${r.detail ? ` (${cell(r.detail)})` : ''}; ${cell(report.hints[i] ?? '')}`);
    });
    out.push('', '</details>');
  }
  if (report.connector) {
    out.push('', `${cell(describeConnector(report.connector))}`);
    const notes = connectorNotes(report.connector);
    if (notes.length > 0) out.push('', '```', ...notes, '```');
  }
  return `${out.join('\n')}\n`;
}
