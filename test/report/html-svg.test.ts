import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, join, SafeHtml, table } from '../../src/report/html/html.js';
import { formatNumber, lineChart, niceTicks, stackedBarChart, wrapLabel } from '../../src/report/html/svg.js';

const HOSTILE = '<script>alert(1)</script>';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: false, isArray: (name) => ['g', 'rect', 'circle', 'text', 'path', 'line'].includes(name) });

/** The SVG as a tree, after checking it is well-formed XML. */
function parse(svg: SafeHtml): Node {
  expect(XMLValidator.validate(svg.value)).toBe(true);
  return (parser.parse(svg.value) as { svg: Node }).svg;
}

/** The `<g data-series>` groups of a chart, in order. */
function series(svg: Node): Node[] {
  return (svg.g as Node[]).filter((g) => g['@data-series'] !== undefined);
}

describe('niceTicks', () => {
  it.each([
    [0, 5, false, [0, 1]],
    [57, 5, true, [0, 20, 40, 60]],
    [3, 5, true, [0, 1, 2, 3]],
    [1, 5, true, [0, 1]],
    [0.37, 5, false, [0, 0.1, 0.2, 0.3, 0.4]],
    [4140, 5, false, [0, 1000, 2000, 3000, 4000, 5000]],
    [12, 8, false, [0, 2, 4, 6, 8, 10, 12]],
  ])('up to %f in about %i steps (integer %s): %j', (max, count, integer, ticks) => {
    expect(niceTicks(max, count, integer)).toEqual(ticks);
  });
});

describe('wrapLabel', () => {
  it('breaks a bar label at spaces into lines of at most the width, three lines at most', () => {
    expect(wrapLabel('SCIM_AUTH_TOKEN', 20)).toEqual(['SCIM_AUTH_TOKEN']);
    expect(wrapLabel('SCIM_AUTH_TOKEN or SCIM_PAGE_SIZE + SCIM_TIMEOUT_MS', 20)).toEqual(['SCIM_AUTH_TOKEN or', 'SCIM_PAGE_SIZE +', 'SCIM_TIMEOUT_MS']);
    // A word longer than a line is cut across lines; what does not fit in three ends with an ellipsis.
    expect(wrapLabel('ABCDEFGHIJ', 4)).toEqual(['ABCD', 'EFGH', 'IJ']);
    expect(wrapLabel('aa bb cc dd ee', 5, 2)).toEqual(['aa bb', 'cc d…']);
    expect(wrapLabel('', 5)).toEqual(['']);
    for (const line of wrapLabel('SCIM_AUTH_TOKEN or SCIM_MAX_CONCURRENCY + SCIM_RATE_LIMIT_RPS + SCIM_UPDATE_METHOD or SCIM_PAGE_SIZE + SCIM_TIMEOUT_MS')) expect(line.length).toBeLessThanOrEqual(44);
  });
});

describe('formatNumber', () => {
  it.each([
    [1234, '1,234'],
    [0.5, '0.5'],
    [12.345, '12.3'],
    [1180.671, '1181'],
    [0.1 + 0.2, '0.3'],
  ])('%f reads %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('html', () => {
  it('escapes every value it is given, and only built HTML goes in as it is', () => {
    const built = html`<b>${HOSTILE}</b>`;
    expect(built.value).toBe('<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>');
    expect(html`<p title="${'" onmouseover="x'}">${built}</p>`.value).toBe('<p title="&quot; onmouseover=&quot;x"><b>&lt;script&gt;alert(1)&lt;/script&gt;</b></p>');
    expect(html`${[HOSTILE, 1, undefined, null, false, [built]]}`.value).toBe(`${escapeHtml(HOSTILE)}1${built.value}`);
    expect(join(['a&b', html`<br>`], ', ').value).toBe('a&amp;b, <br>');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('tables are real tables: a header row, row headers, numeric columns aligned right', () => {
    const t = table({ id: 't', caption: HOSTILE, head: ['name', 'count'], numeric: [1], rows: [[HOSTILE, '3'], ['b', { content: 'x', className: 'fail' }]] }).value;
    expect(t).toContain('<caption>&lt;script&gt;');
    expect(t).toContain('<th scope="col" class="num">count</th>');
    expect(t).toContain('<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th><td class="num">3</td>');
    expect(t).toContain('<td class="num fail">x</td>');
    expect(t).not.toContain('<script>');
  });
});

describe('stackedBarChart', () => {
  const spec = {
    id: 'blocked',
    title: 'Blocked by stage',
    categories: ['SCIM_AUTH_TOKEN', HOSTILE],
    series: [
      { name: 'create', values: [57, 0] },
      { name: 'deactivate', values: [3, 20] },
    ],
    unit: 'accounts',
  };

  it('draws one stacked bar per category, a group per series, and escapes every label', () => {
    const chart = stackedBarChart(spec);
    const svg = parse(chart);
    expect(svg['@role']).toBe('img');
    expect(svg['@aria-label']).toBe('Blocked by stage');
    expect(svg['@data-chart']).toBe('blocked');
    expect(svg.title).toBe('Blocked by stage');
    const groups = series(svg);
    expect(groups.map((g) => g['@data-series'])).toEqual(['create', 'deactivate']);
    // A zero adds no segment.
    const create = (groups[0]?.rect as Node[]).map((r) => [r['@data-category'], r['@data-value']]);
    expect(create).toEqual([['SCIM_AUTH_TOKEN', '57']]);
    const deactivate = groups[1]?.rect as Node[];
    expect(deactivate.map((r) => r['@data-category'])).toEqual(['SCIM_AUTH_TOKEN', HOSTILE]);
    // Stacked: the deactivate segment of the first bar starts where create ends, widths in proportion.
    const first = (groups[0]?.rect as Node[])[0] as Node;
    const second = deactivate[0] as Node;
    expect(Number(second['@x'])).toBeCloseTo(Number(first['@x']) + Number(first['@width']), 0);
    expect(Number(first['@width']) / Number(second['@width'])).toBeCloseTo(57 / 3, 0);
    // Tooltips name the category, the series and the figure.
    expect(chart.value).toContain('<title>SCIM_AUTH_TOKEN · create: 57 accounts</title>');
    expect(chart.value).not.toContain('<script>');
    expect(chart.value).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The legend names each series.
    expect(chart.value).toMatch(/data-legend="create"[^]*data-legend="deactivate"/);
  });

  it('is deterministic: the same chart gives the same bytes', () => {
    expect(stackedBarChart(spec).value).toBe(stackedBarChart(structuredClone(spec)).value);
  });
});

describe('lineChart', () => {
  const spec = {
    id: 'latency',
    title: 'Latency',
    x: [0.5, 1.5, 2.5, 3.5],
    xMax: 4,
    xLabel: 's',
    unit: 'ms',
    series: [
      { name: 'p50', values: [10, null, 12, 14] },
      { name: HOSTILE, values: [20, 25, 30, 35] },
    ],
  };

  it('draws each reference as a labelled horizontal line, the y axis reaching it', () => {
    const chart = lineChart({ ...spec, references: [{ value: 500, label: 'create.p95<500' }] });
    const svg = parse(chart);
    const reference = (svg.g as Node[]).find((g) => g['@data-reference'] === 'create.p95<500');
    const line = (reference?.line as Node[] | undefined)?.[0];
    expect(line?.['@y1']).toBe(line?.['@y2']);
    expect(chart.value).toContain('>create.p95&lt;500</text>');
    // The axis goes up to the threshold though every figure is far below it.
    expect(chart.value).toContain('>500</text>');
    expect(lineChart(spec).value).not.toContain('data-reference');
  });

  it('draws a line per series, broken where a window has no figure, with a dot and tooltip per figure', () => {
    const chart = lineChart(spec);
    const svg = parse(chart);
    expect(svg['@data-chart']).toBe('latency');
    expect(svg['@role']).toBe('img');
    const groups = series(svg);
    expect(groups.map((g) => g['@data-series'])).toEqual(['p50', HOSTILE]);
    const p50 = groups[0] as Node;
    expect(p50.circle as Node[]).toHaveLength(3);
    const d = String((p50.path as Node[])[0]?.['@d']);
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
    expect(((groups[1] as Node).circle as Node[]).length).toBe(4);
    expect(chart.value).toContain('<title>p50 at 2.5 s: 12 ms</title>');
    expect(chart.value).not.toContain('<script>');
  });

  it('puts higher values higher, on one scale for every series', () => {
    const groups = series(parse(lineChart(spec)));
    const ys = (g: Node | undefined): number[] => (g?.circle as Node[]).map((c) => Number(c['@cy']));
    const [low, high] = [ys(groups[0]), ys(groups[1])];
    // SVG y grows downwards: 20 ms sits above 10 ms, 35 ms above 14 ms.
    expect(high[0]).toBeLessThan(low[0] as number);
    expect(high[3]).toBeLessThan(low[2] as number);
    expect(lineChart(spec).value).toBe(lineChart(structuredClone(spec)).value);
  });
});
