import type { EnvDiff } from '../env/diff.js';
import { ACTION_SYMBOL, describeTransition, summarizeDiff } from './diff-summary.js';
import { truncate, type Colors } from './style.js';

export interface DiffLabels {
  base: string;
  candidate: string;
}

/** The plan-style report of `scimsim diff`: one `+ ~ -` line per change, a risk note, a summary. */
export function renderDiffTable(diff: EnvDiff, labels: DiffLabels, colors: Colors): string {
  const out = [`${colors.bold('scimsim diff')} ${labels.base} -> ${labels.candidate}`, ''];
  if (diff.changes.length === 0) {
    out.push('No changes. The effective values of both env sets are equal.');
    return `${out.join('\n')}\n`;
  }
  const paint = { create: colors.green, update: colors.yellow, delete: colors.red };
  const width = Math.max(...diff.changes.map((c) => c.variable.length));
  for (const change of diff.changes) {
    const symbol = paint[change.action](ACTION_SYMBOL[change.action]);
    const secret = change.secret ? colors.dim('  (secret, shown as fingerprints)') : '';
    out.push(`  ${symbol} ${change.variable.padEnd(width)}  ${truncate(describeTransition(change), 80)}${secret}`);
    const note = change.noEffect ?? change.risk;
    if (note) out.push(`    ${' '.repeat(width)}  ${colors.dim(change.noEffect ? `no effect: ${note}` : `risk: ${note}`)}`);
  }
  out.push('', `${colors.bold('Diff:')} ${summarizeDiff(diff)}.`);
  return `${out.join('\n')}\n`;
}
