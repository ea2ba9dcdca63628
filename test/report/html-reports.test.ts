import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadReportFromJson, type LoadJson } from '../../src/load/report.js';
import { renderLoadHtml } from '../../src/report/html/load.js';
import { CHART_CAUSES, renderRehearseHtml } from '../../src/report/html/rehearse.js';
import { renderRunHtml } from '../../src/report/html/run.js';
import { parseRehearseJson, parseRunJson } from '../../src/report/parse-report.js';
import { expectAddsUp } from '../helpers/rehearse-invariants.js';
import { runScimsim } from '../helpers/run-cli.js';

const BASELINE = 'fixtures/env/baseline.env';
const CANDIDATE = 'fixtures/env/candidate.env';
const HOSTILE = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';
/** The bearer tokens of the two env sets the reports are made from. */
const SECRETS = ['stg-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b', 'stg-next-2b8e61d04c9f4a7e93d5c1a0f6b2e8d4'];

async function json(args: string[]): Promise<Record<string, unknown>> {
  const result = await runScimsim([...args, '--format', 'json']);
  expect([0, 2]).toContain(result.code);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** One chart of a page: its `<svg>` element. */
function chart(page: string, id: string): string {
  const match = new RegExp(`<svg [^>]*data-chart="${id}"[^]*?</svg>`).exec(page);
  expect(match, `chart ${id}`).not.toBeNull();
  return match?.[0] ?? '';
}

function seriesOf(svg: string): string[] {
  return [...svg.matchAll(/<g data-series="([^"]*)"/g)].map((m) => m[1] as string);
}

/** A page that stands alone: no script, nothing fetched, well-formed charts, the hostile text only escaped. */
function expectSelfContained(page: string): void {
  expect(page.startsWith('<!doctype html>')).toBe(true);
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/\s(src|href|srcset|action)=/i);
  expect(page).not.toMatch(/url\(|@import|@font-face/i);
  // The one URL is the SVG namespace, which names and never fetches.
  for (const url of page.matchAll(/https?:\/\/[^\s"'<>]+/g)) expect(url[0]).toBe('http://www.w3.org/2000/svg');
  expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  for (const svg of page.matchAll(/<svg [^]*?<\/svg>/g)) expect(XMLValidator.validate(svg[0])).toBe(true);
  for (const secret of SECRETS) expect(page).not.toContain(secret);
}

describe('run --format html', () => {
  it('has the verdict, the counts with unverified, a chart of blocked accounts by stage and every reason, all escaped', async () => {
    const saved = await json(['run', '--env', CANDIDATE, '--users', '100']);
    const report = parseRunJson(saved);
    expect(report.summary.blocked).toBeGreaterThan(0);
    const first = report.accounts.get(0);
    expect(first).toBeDefined();
    const hostile = {
      ...report,
      scenario: HOSTILE,
      world: { name: HOSTILE, builtFor: `${HOSTILE}.env` },
      accounts: new Map([...report.accounts].map(([i, a]) => [i, i === 0 ? { ...a, userName: HOSTILE } : a])),
      hints: report.hints.map(() => HOSTILE),
      summary: { ...report.summary, reasons: report.summary.reasons.map((r) => ({ ...r, detail: HOSTILE })) },
    };
    const page = renderRunHtml(hostile);
    expectSelfContained(page);
    expect(page).toContain(ESCAPED);
    expect(page).toContain('data-verdict="fail"');
    expect(page).toContain(`blocks accounts: ${report.summary.blocked} of 100 accounts blocked`);
    expect(page).toContain('<th scope="row">unverified (state could not be read back)</th><td class="num">0</td>');
    const svg = chart(page, 'blocked-by-stage');
    expect(svg).toContain('role="img"');
    expect(seriesOf(svg)).toEqual(['400 tooMany']);
    const bars = [...svg.matchAll(/data-category="([^"]*)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])]);
    expect(bars).toEqual([['deactivate', report.summary.byStage.deactivate]]);
    expect(page).toContain('data-table="reasons"');
    expect(renderRunHtml(hostile)).toBe(page);
  });

  it('a run that blocks nothing says so instead of drawing an empty chart', async () => {
    const page = renderRunHtml(parseRunJson(await json(['run', '--env', BASELINE, '--users', '40', '--server-profile', 'fixtures/servers/default.json'])));
    expect(page).toContain('data-verdict="ok"');
    expect(page).toContain('data-chart-empty="blocked-by-stage"');
    expect(page).not.toContain('data-chart=');
  });
});

describe('rehearse --format html', () => {
  it('has the header, a bar per cause stacked by stage, the attribution with example accounts, not-judged and unexplained, all escaped', async () => {
    const report = parseRehearseJson(await json(['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1']));
    expectAddsUp(report);
    expect(report.attribution.length).toBeGreaterThan(0);
    const hostile = {
      ...report,
      labels: { base: HOSTILE, candidate: `${HOSTILE}2` },
      attribution: report.attribution.map((a) => ({ ...a, hint: HOSTILE, examples: a.examples.map((e) => ({ ...e, userName: HOSTILE, reason: HOSTILE })) })),
      changes: [...report.changes, { variable: 'SCIM_TIMEOUT_MS', action: 'update' as const, before: '1', after: HOSTILE, secret: false, unitId: 'x', effect: 'not-judged' as const, notJudgedBecause: HOSTILE, wouldJudge: 'a slow world' }],
    };
    const page = renderRehearseHtml(hostile);
    expectSelfContained(page);
    expect(page).toContain(ESCAPED);
    expect(page).toContain('data-verdict="fail"');
    expect(page).toContain(`<dt>candidate</dt><dd><code>${ESCAPED}2</code></dd>`);
    expect(page).toContain('<dt>world</dt><dd><code>staging</code>, built for <code>fixtures/env/baseline.env</code></dd>');
    const svg = chart(page, 'blocked-by-cause');
    expect(seriesOf(svg)).toEqual(['create']);
    const categories = [...new Set([...svg.matchAll(/<rect data-category="([^"]*)"/g)].map((m) => m[1]))];
    expect(categories).toEqual(['SCIM_AUTH_TOKEN', 'SCIM_AUTH_TOKEN or SCIM_PAGE_SIZE']);
    expect(page).toContain('data-table="attribution"');
    expect(page).toContain('<ul data-section="not-judged"><li><code>SCIM_TIMEOUT_MS</code>: &lt;script&gt;');
    expect(page).toContain('<th scope="row">newly blocked and not explained</th><td class="num">0</td>');
    // The real example accounts are in the unaltered report's page.
    const plain = renderRehearseHtml(report);
    // Each userName may break before its @ (a long one would widen the table past the page).
    for (const e of report.attribution.flatMap((a) => a.examples)) expect(plain).toContain(`<code>${e.userName.replace('@', '<wbr>@')}</code>`);
    expect(plain).toContain('fp:');
  });
});

describe('rehearse --format html with many cause rows', () => {
  it('draws a bar for each of the largest rows and one for the rest, every account counted once', async () => {
    const report = parseRehearseJson(await json(['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1']));
    expectAddsUp(report);
    const first = report.attribution[0];
    if (!first) throw new Error('the demo rehearsal blames no change');
    // 20 rows, largest first, as the attribution lists them.
    const attribution = Array.from({ length: 20 }, (_, k) => ({ ...first, causes: [[`SCIM_ROW_${k}`]], variables: [`SCIM_ROW_${k}`], blocked: 40 - k, byStage: { create: 40 - k } }));
    const page = renderRehearseHtml({ ...report, attribution });
    const svg = chart(page, 'blocked-by-cause');
    const bars = [...svg.matchAll(/<rect data-category="([^"]*)" data-value="(\d+)"/g)].map((m) => [m[1], Number(m[2])] as const);
    expect(bars).toHaveLength(CHART_CAUSES);
    expect(bars.slice(0, CHART_CAUSES - 1).map(([label]) => label)).toEqual(attribution.slice(0, CHART_CAUSES - 1).map((a) => a.causes[0]?.[0]));
    expect(bars.at(-1)).toEqual([`${20 - CHART_CAUSES + 1} other cause rows (see the table below)`, attribution.slice(CHART_CAUSES - 1).reduce((sum, a) => sum + a.blocked, 0)]);
    expect(bars.reduce((sum, [, value]) => sum + value, 0)).toBe(attribution.reduce((sum, a) => sum + a.blocked, 0));
    // The table still has every row.
    expect([...page.matchAll(/<code>SCIM_ROW_\d+<\/code>/g)]).toHaveLength(20);
  });
});

describe('rehearse --format html cause notes', () => {
  it('says "any one cause alone" for alternatives, one of them a set, as the table and markdown do', async () => {
    const report = parseRehearseJson(await json(['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1']));
    expectAddsUp(report);
    const first = report.attribution[0];
    if (!first) throw new Error('the demo rehearsal blames no change');
    const either = { ...first, causes: [['SCIM_AUTH_TOKEN'], ['SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS']], alternatives: true, interaction: true };
    const together = { ...first, causes: [['SCIM_MAX_CONCURRENCY', 'SCIM_RATE_LIMIT_RPS']], alternatives: false, interaction: true };
    const rows = (page: string): string[] => [...page.split('data-table="attribution"')[1]?.matchAll(/<span class="note">(any one cause alone|only together)<\/span>/g) ?? []].map((m) => m[1] ?? '');
    expect(rows(renderRehearseHtml({ ...report, attribution: [either, together] }))).toEqual(['any one cause alone', 'only together']);
  });
});

describe('load --format html', () => {
  it('charts throughput, 429 share and p50/p95/p99 per operation over time, and each threshold with pass or fail', async () => {
    const saved = (await json(['load', '--env', BASELINE, '--rate', '10', '--duration', '4s', '--threshold', 'errors.rate<0.5', '--threshold', 'create.p95<1'])) as unknown as LoadJson;
    const report = loadReportFromJson(saved, 'load.json');
    const page = renderLoadHtml({ ...report, failures: [{ operation: 'create', status: 0, error: HOSTILE, count: 1 }] });
    expectSelfContained(page);
    expect(page).toContain(ESCAPED);
    const ran = Object.entries(saved.operations).filter(([, o]) => o.count > 0).map(([op]) => op);
    expect(ran.length).toBeGreaterThanOrEqual(3);
    expect(seriesOf(chart(page, 'throughput'))).toEqual(ran);
    expect(seriesOf(chart(page, 'throttled'))).toEqual(ran);
    for (const op of ran) expect(seriesOf(chart(page, `latency-${op}`))).toEqual(['p50', 'p95', 'p99']);
    expect([...page.matchAll(/data-chart="latency-/g)]).toHaveLength(ran.length);
    // A dot per window with operations, its tooltip the window's p95.
    const create = saved.windows?.operations.create ?? [];
    const p95 = chart(page, 'latency-create').split('<g data-series="p95"')[1]?.split('</g>')[0] ?? '';
    expect([...p95.matchAll(/<circle /g)]).toHaveLength(create.length);
    expect(p95).toContain(`p95 at 0.5 s: `);
    expect(page).toMatch(/<th scope="row"><code>create\.p95&lt;1<\/code><\/th><td>measured [\d.]+<\/td><td class="fail">✖ fail<\/td>/);
    expect(page).toMatch(/<th scope="row"><code>errors\.rate&lt;0\.5<\/code><\/th><td>measured 0<\/td><td class="pass">✔ pass<\/td>/);
    expect(page).toContain('data-table="windows"');
  });

  it('a report without per-window data says so, and still has its thresholds and figures', async () => {
    const { windows: _windows, ...old } = await json(['load', '--env', BASELINE, '--rate', '5', '--duration', '2s', '--threshold', 'errors.rate<0.5']);
    const page = renderLoadHtml(loadReportFromJson(old, 'old.json'));
    expectSelfContained(page);
    expect(page).toContain('No per-window data');
    expect(page).toContain('data-section="no-windows"');
    expect(page).not.toContain('data-chart=');
    expect(page).toContain('data-table="thresholds"');
    expect(page).toContain('data-table="operations"');
  });
});

describe('html through the CLI', () => {
  it('--format html, --report html=FILE and report render --format html give the same page; secrets stay fingerprints', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-html-'));
    const args = ['rehearse', '--base', BASELINE, '--candidate', CANDIDATE, '--users', '60', '--workers', '1'];
    const printed = await runScimsim([...args, '--format', 'html', '--report', `json=${join(dir, 'r.json')}`, '--report', `html=${join(dir, 'r.html')}`]);
    expect(printed.code).toBe(2);
    const file = await readFile(join(dir, 'r.html'), 'utf8');
    expect((await stat(join(dir, 'r.html'))).mode & 0o777).toBe(0o600);
    expect(file).toBe(printed.stdout);
    expectSelfContained(printed.stdout);
    expect(printed.stdout).toContain('fp:');
    const rendered = await runScimsim(['report', 'render', join(dir, 'r.json'), '--format', 'html']);
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toBe(printed.stdout);
  });

  it('run and load write html too, and report merge renders the merged shards with their windows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-html-'));
    const run = await runScimsim(['run', '--env', CANDIDATE, '--users', '60', '--format', 'html', '--out', join(dir, 'run.html')]);
    expect(run.code).toBe(2);
    expectSelfContained(await readFile(join(dir, 'run.html'), 'utf8'));
    const load = ['load', '--env', CANDIDATE, '--rate', '6', '--duration', '3s', '--format', 'json'];
    for (const i of [1, 2]) expect((await runScimsim([...load, '--shard', `${i}/2`, '--out', join(dir, `s${i}.json`)])).code).toBe(0);
    const merged = await runScimsim(['report', 'merge', join(dir, 's1.json'), join(dir, 's2.json'), '--format', 'html']);
    expect(merged.code).toBe(0);
    expectSelfContained(merged.stdout);
    expect(merged.stdout).toContain('<dt>merged from</dt><dd>2 shards</dd>');
    expect(seriesOf(chart(merged.stdout, 'throughput'))).toContain('create');
    const whole = await runScimsim([...load.slice(0, -2), '--format', 'html']);
    // The merged windows are the unsharded test's: the same throughput chart.
    expect(chart(merged.stdout, 'throughput')).toBe(chart(whole.stdout, 'throughput'));
  });
});
