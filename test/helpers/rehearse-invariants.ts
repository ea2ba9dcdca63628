import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import type { RehearseReport } from '../../src/rehearse/types.js';
import { renderRehearseHtml } from '../../src/report/html/rehearse.js';
import { renderRehearseJson } from '../../src/report/rehearse-json.js';
import { renderRehearseJUnit } from '../../src/report/rehearse-junit.js';
import { renderRehearseMarkdown } from '../../src/report/rehearse-markdown.js';
import { renderRehearseTable } from '../../src/report/rehearse-table.js';
import { createColors } from '../../src/report/style.js';

const count = (text: string): number => Number(text.replace(/,/g, ''));

/**
 * Every newly blocked account in exactly one place, in the report and in each format:
 * sum(attribution[].blocked) + unexplained == newlyBlocked.
 */
export function expectAddsUp(report: RehearseReport): void {
  const sum = (rows: ReadonlyArray<{ blocked: number }>): number => rows.reduce((n, a) => n + a.blocked, 0);
  expect(sum(report.attribution) + report.unexplained).toBe(report.newlyBlocked);
  const why = report.unexplainedBecause;
  expect(why.budget + why.notReproducible + why.inseparable + why.unverified).toBe(report.unexplained);

  const json = JSON.parse(renderRehearseJson(report)) as { attribution: Array<{ blocked: number }>; unexplained: number; newlyBlocked: number };
  expect(sum(json.attribution) + json.unexplained).toBe(json.newlyBlocked);

  const table = renderRehearseTable(report, createColors(false));
  const rows = [...table.matchAll(/ {2}blocks ([\d,]+) accounts?/g)].map((m) => count(m[1] as string));
  const unexplained = /([\d,]+) newly blocked accounts? (?:is|are) not explained/.exec(table);
  expect(rows.reduce((a, b) => a + b, 0) + (unexplained ? count(unexplained[1] as string) : 0)).toBe(report.newlyBlocked);
  if (report.newlyBlocked > 0) expect(table.trimEnd().split('\n').at(-1)).toContain(`${report.newlyBlocked.toLocaleString('en-US')} of ${report.users.toLocaleString('en-US')} accounts`);

  const markdown = renderRehearseMarkdown(report);
  const folded = [...markdown.matchAll(/<summary>.*? blocks? ([\d,]+) accounts?/g)].map((m) => count(m[1] as string));
  const mdUnexplained = /([\d,]+) newly blocked accounts? (?:is|are) not explained/.exec(markdown);
  expect(folded.reduce((a, b) => a + b, 0) + (mdUnexplained ? count(mdUnexplained[1] as string) : 0)).toBe(report.newlyBlocked);

  const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderRehearseJUnit(report)) as {
    testsuites: { testsuite: { properties: { property: Array<{ name: string; value: string }> } } };
  };
  const props = new Map(junit.testsuites.testsuite.properties.property.map((p) => [p.name, Number(p.value)]));
  expect((props.get('explained') ?? NaN) + (props.get('unexplained') ?? NaN)).toBe(props.get('newlyBlocked'));
  expect(props.get('newlyBlocked')).toBe(report.newlyBlocked);

  // html: the bars of the per-cause chart (every stage segment) and the unexplained count.
  const page = renderRehearseHtml(report);
  const figure = (label: string): number => count(new RegExp(`<th scope="row">${label}</th><td class="num">([\\d,]+)</td>`).exec(page)?.[1] ?? 'NaN');
  const chart = /<svg [^>]*data-chart="blocked-by-cause"[^]*?<\/svg>/.exec(page)?.[0] ?? '';
  const bars = [...chart.matchAll(/<rect data-category="[^"]*" data-value="(\d+)"/g)].reduce((n, m) => n + Number(m[1]), 0);
  expect(figure('newly blocked by the candidate')).toBe(report.newlyBlocked);
  expect(bars + figure('newly blocked and not explained')).toBe(report.newlyBlocked);
}

/** The same invariant on a JSON report as a user's CI reads it. */
export function expectJsonAddsUp(text: string): void {
  const json = JSON.parse(text) as { attribution: Array<{ blocked: number }>; unexplained: number; newlyBlocked: number; unexplainedBecause: Record<string, number> };
  expect(json.attribution.reduce((n, a) => n + a.blocked, 0) + json.unexplained).toBe(json.newlyBlocked);
  expect(Object.values(json.unexplainedBecause).reduce((a, b) => a + b, 0)).toBe(json.unexplained);
}
