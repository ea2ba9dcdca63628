import type { Attribution, RehearsedChange, RehearseReport } from '../rehearse/types.js';
import { connectorProperties } from './connector.js';
import { describeTransition } from './diff-summary.js';
import { renderJUnit, type JUnitCase } from './junit.js';
import { attributionsOf, describeAttributedReason, describeNotJudged, describeUnexplained, partnersOf } from './rehearse-summary.js';
import { plural } from './style.js';
import { worldProperties } from './world.js';

const CLASSNAME = 'scimsim.rehearse';

/**
 * `scimsim rehearse --format junit`: one test case per changed variable, failing where it blocks
 * accounts (alone or together with others), and one `unexplained` case for accounts no cause
 * set explains.
 */
export function renderRehearseJUnit(report: RehearseReport): string {
  const cases: JUnitCase[] = report.changes.map((change) => changeCase(report, change));
  cases.push(
    report.unexplained > 0
      ? { name: 'unexplained', classname: CLASSNAME, failure: { message: `${plural(report.unexplained, 'newly blocked account')} not explained`, body: `${describeUnexplained(report)}.` } }
      : { name: 'unexplained', classname: CLASSNAME },
  );
  const explained = report.attribution.reduce((n, a) => n + a.blocked, 0);
  return renderJUnit(`scimsim rehearse ${report.labels.base} -> ${report.labels.candidate}`, cases, [
    ...(report.world ? worldProperties(report.world) : []),
    { name: 'verdict', value: report.verdict },
    { name: 'newlyBlocked', value: String(report.newlyBlocked) },
    { name: 'explained', value: String(explained) },
    { name: 'unexplained', value: String(report.unexplained) },
    ...(report.connector ? connectorProperties(report.connector) : []),
  ]);
}

function changeCase(report: RehearseReport, change: RehearsedChange): JUnitCase {
  if (change.effect === 'not-judged') return { name: change.variable, classname: CLASSNAME, skipped: `not judged by this world: ${describeNotJudged(change)}` };
  if (change.effect !== 'blocks') return { name: change.variable, classname: CLASSNAME };
  const attributions = attributionsOf(report, change.variable);
  if (attributions.length === 0) {
    return { name: change.variable, classname: CLASSNAME, failure: { message: 'blocks accounts', body: 'Marked as blocking, but no cause set names it.' } };
  }
  return {
    name: change.variable,
    classname: CLASSNAME,
    failure: {
      message: attributions.map((a) => fact(a, change.variable)).join('; '),
      body: [`${change.variable}: ${describeTransition(change)}`, ...attributions.map((a) => explain(a, change.variable))].join('\n\n'),
    },
  };
}

/** `blocks 312 accounts`, `blocks 57 accounts only together with SCIM_RATE_LIMIT_RPS`. */
function fact(attribution: Attribution, variable: string): string {
  const partners = partnersOf(attribution, variable);
  const base = `blocks ${attribution.blocked.toLocaleString('en-US')} account${attribution.blocked === 1 ? '' : 's'}`;
  const others = attribution.causes.filter((c) => !c.includes(variable)).map((c) => c.join(' + '));
  const either = others.length > 0 ? ` (as does ${others.join(' or ')} alone)` : '';
  if (partners.length === 0) return `${base}${either}`;
  const inSet = attribution.causes.find((c) => c.includes(variable)) ?? [];
  // A cause set of several variables is an interaction unless they move as one unit.
  const together = attribution.interaction && inSet.length > 1 ? `only together with ${partners.join(', ')}` : `(moves with ${partners.join(', ')} as one unit)`;
  return `${base} ${together}${either}`;
}

function explain(attribution: Attribution, variable: string): string {
  const lines = [`${fact(attribution, variable)}:`];
  for (const r of attribution.reasons) lines.push(`  ${r.count.toLocaleString('en-US')} × ${describeAttributedReason(r)}`);
  if (attribution.examples.length > 0) lines.push(`  e.g. ${attribution.examples.slice(0, 3).map((e) => e.userName).join(', ')}`);
  if (attribution.hint !== '') lines.push(`  hint: ${attribution.hint}`);
  return lines.join('\n');
}
