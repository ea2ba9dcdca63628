import type { Attribution, RehearsedChange, RehearseReport } from '../rehearse/types.js';
import { ACTION_SYMBOL, describeTransition } from './diff-summary.js';
import {
  attributionsOf,
  blockingChanges,
  describeAlreadyBlocked,
  describeBlock,
  describeNotJudged,
  describeRuns,
  describeTarget,
  describeUnexplained,
  groupByUnit,
  summarizeRehearsal,
} from './rehearse-summary.js';
import { plural, truncate, type Colors } from './style.js';
import { describeWorld } from './world.js';
import { connectorNotes, describeConnector } from './connector.js';

/**
 * The human report of `scimsim rehearse`, read like `terraform plan`: one `+ ~ -` line per
 * blocking change with what it blocks and why, interacting variables bracketed as a group,
 * the harmless changes, the quarantine prediction, and a summary line last.
 */
export function renderRehearseTable(report: RehearseReport, colors: Colors): string {
  const out = [
    `${colors.bold('scimsim rehearse')} ${report.labels.base} -> ${report.labels.candidate} · ${report.users.toLocaleString('en-US')} users · seed ${report.seed} · ${describeTarget(report)} · ${report.dialect} dialect`,
    ...(report.world ? [colors.dim(describeWorld(report.world))] : []),
    '',
  ];
  const paint = { create: colors.green, update: colors.yellow, delete: colors.red };
  const byName = new Map(report.changes.map((c) => [c.variable, c]));
  const transitions = new Map(report.changes.map((c) => [c.variable, truncate(describeTransition(c), 50)]));
  const names = [...report.changes.map((c) => c.variable), ...report.attribution.flatMap((a) => a.variables)];
  const width = Math.max(0, ...names.map((n) => n.length));
  const transitionWidth = Math.max(0, ...[...transitions.values()].map((t) => t.length));

  /** `  ┌ ~ SCIM_MAX_CONCURRENCY  8 -> 32   fact`: gutter, symbol, name and transition aligned. */
  const planLine = (gutter: string, variable: string, fact: string): string => {
    const change = byName.get(variable);
    const symbol = change ? paint[change.action](ACTION_SYMBOL[change.action]) : '?';
    const line = `  ${gutter}${symbol} ${variable.padEnd(width)}  ${(transitions.get(variable) ?? '').padEnd(transitionWidth)}`;
    return fact === '' ? line.trimEnd() : `${line}  ${fact}`;
  };

  const indent = ' '.repeat(6);
  const pushGroup = (attribution: Attribution): void => {
    // One line per variable; the cause sets of an `either` row are separated by an `or` line.
    const lines: Array<{ variable: string; first?: number } | { or: true }> = [];
    attribution.causes.forEach((set, k) => {
      if (k > 0) lines.push({ or: true });
      set.forEach((variable, j) => lines.push(j === 0 ? { variable, first: k } : { variable }));
    });
    const coupled = !attribution.interaction && !attribution.alternatives && attribution.variables.length > 1;
    lines.forEach((line, i) => {
      const gutter = lines.length === 1 ? '  ' : i === 0 ? '┌ ' : i === lines.length - 1 ? '└ ' : '│ ';
      if ('or' in line) {
        out.push(`  ${gutter}${colors.dim('or')}`);
        return;
      }
      let fact = '';
      if (i === 0) fact = colors.red(describeBlock(attribution));
      else if (coupled && i === lines.length - 1) fact = colors.dim('(moves with the lines above as one unit)');
      // Each alternative cause says how it blocks these accounts on its own.
      else if (line.first !== undefined && line.first > 0) fact = colors.dim(`(alone: ${attribution.causeReasons[line.first] ?? '?'})`);
      out.push(planLine(gutter, line.variable, fact));
    });
    // The server's words and the hint are said once, where they first apply.
    const said = attribution.reasons[0]?.detail;
    // A switched-off stage never reached the server: its detail is scimsim's own words; a
    // connector's error is the team's connector's.
    const error = attribution.reasons[0]?.error;
    const speaker = error === 'stage-off' ? 'scimsim' : error === 'connector-error' ? 'connector' : 'server';
    if (said && !shown.has(`server:${said}`)) out.push(`${indent}${colors.dim(`${speaker}: ${said}`)}`);
    const examples = attribution.examples.slice(0, 3).map((e) => e.userName);
    if (examples.length > 0) out.push(`${indent}${colors.dim(`e.g. ${examples.join(', ')}`)}`);
    if (attribution.hint !== '' && !shown.has(`hint:${attribution.hint}`)) out.push(`${indent}${colors.cyan('→')} ${attribution.hint}`);
    shown.add(`server:${said ?? ''}`).add(`hint:${attribution.hint}`);
  };
  const shown = new Set<string>();

  for (const attribution of report.attribution) pushGroup(attribution);
  // A change marked as blocking without a cause set naming it: never hide it.
  const orphans = blockingChanges(report).filter((c) => attributionsOf(report, c.variable).length === 0);
  for (const change of groupByUnit(orphans)) out.push(planLine('  ', change.variable, colors.red('blocks accounts (no cause set recorded)')));
  if (report.attribution.length > 0 || orphans.length > 0) out.push('');

  const harmless = groupByUnit(report.changes.filter((c: RehearsedChange) => c.effect === 'harmless'));
  if (harmless.length > 0) {
    out.push(colors.dim('harmless (no account blocked):'));
    for (const change of harmless) {
      const line = `  ${'  '}${ACTION_SYMBOL[change.action]} ${change.variable.padEnd(width)}  ${transitions.get(change.variable) ?? ''}`;
      out.push(colors.dim(line.trimEnd()));
    }
    out.push('');
  }

  const notJudged = groupByUnit(report.changes.filter((c) => c.effect === 'not-judged'));
  if (notJudged.length > 0) {
    out.push(colors.yellow('not judged by this world (neither harmless nor blocking as far as it can tell):'));
    for (const change of notJudged) out.push(planLine('  ', change.variable, colors.yellow(describeNotJudged(change))));
    out.push('');
  }

  if (report.alreadyBlocked > 0) out.push(`${describeAlreadyBlocked(report)}.`);
  const unverified = report.baseline.unverified + report.candidate.unverified;
  if (unverified > 0) {
    out.push(colors.yellow(`⚠ ${plural(unverified, 'account')} could not be read back (baseline ${report.baseline.unverified}, candidate ${report.candidate.unverified}): unverified, never counted as fine.`));
  }
  if (report.unexplained > 0) out.push(colors.yellow(`⚠ ${describeUnexplained(report)}.`));
  if (report.connector) {
    out.push(colors.dim(describeConnector(report.connector)));
    for (const line of connectorNotes(report.connector)) out.push(colors.yellow(line));
  }
  if (report.quarantine) out.push(`${colors.bold('Entra ID:')} ${report.quarantine.predicted ? colors.red(report.quarantine.line) : report.quarantine.line}`);
  out.push(describeRuns(report));
  const summary = summarizeRehearsal(report);
  const mark = report.verdict === 'safe' ? colors.green('✔') : report.verdict === 'inconclusive' ? colors.yellow('⚠') : colors.red('✖');
  out.push(`${mark} ${colors.bold(summary)}`);
  return `${out.join('\n')}\n`;
}
