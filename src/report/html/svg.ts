import { html, type SafeHtml } from './html.js';

/**
 * Charts as inline SVG, drawn here rather than by a charting library (decision 060): a report page
 * needs no script to show them, stays one small file, and the same report gives the same bytes.
 * Every chart is `role="img"` with an `aria-label`, carries `data-chart`, and marks each series
 * with `data-series` (and each bar with `data-category`) so that tests and readers can find them;
 * every mark has a `<title>` that a browser shows as a tooltip.
 */

/** Colours a reader with a colour-vision deficiency can tell apart (Okabe and Ito), then a few more. */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#8c6d31', '#555555'] as const;

export interface ChartSeries {
  name: string;
  /** One per category (bars) or per x position (lines); null where there is no figure. */
  values: ReadonlyArray<number | null>;
  color?: string;
  /** Lines: drawn dashed, so a line it covers shows through the gaps. */
  dashed?: boolean;
}

const WIDTH = 760;
/** Average width of a character of the chart's 12 px font, for laying out labels without a browser. */
const CHAR = 7;

/** A coordinate to one decimal: enough for a screen, and the same digits every time. */
function c(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Drops the float noise of tick arithmetic (0.30000000000000004). */
function clean(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * Round axis ticks from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, about
 * `count` of them; `integer` steps never go below 1 (a count of accounts has no halves).
 */
export function niceTicks(max: number, count = 5, integer = false): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const tick = clean(i * step);
    ticks.push(tick);
    if (tick >= max) break;
  }
  return ticks;
}

/** A figure for a tick or a tooltip: whole numbers with separators, others to 3 significant digits at most. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  return String(clean(Number(value.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3))));
}

/** A label cut to `max` characters with an ellipsis; the full text stays in the mark's title. */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Bar labels are set in a monospace font (class `label`, 11 px), whose every character advances
 * about 0.6 em: a label's width is then known without a browser, so it never runs off the chart.
 */
const LABEL_CHAR = 6.8;
/** Characters on one line of a bar label, and lines at most; a longer label ends with an ellipsis. */
const LABEL_LINE = 44;
const LABEL_LINES = 3;
const LABEL_LEADING = 13;

/** A bar label broken into lines at spaces (a longer word at the line's end), `LABEL_LINES` at most. */
export function wrapLabel(text: string, width = LABEL_LINE, maxLines = LABEL_LINES): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while (rest.length > width) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= width) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = shorten(`${kept[maxLines - 1] ?? ''} ${lines[maxLines] ?? ''}`, width);
  return kept;
}

/** The legend: a swatch and a name per series, wrapped to the chart's width. Returns its height. */
function legend(series: readonly ChartSeries[], colors: readonly string[], left: number): { svg: SafeHtml; height: number } {
  let x = left;
  let y = 8;
  const items = series.map((s, i) => {
    const width = 16 + s.name.length * CHAR + 18;
    if (x + width > WIDTH && x > left) {
      x = left;
      y += 20;
    }
    const item = html`<g data-legend="${s.name}"><rect x="${c(x)}" y="${c(y)}" width="12" height="12" rx="2" fill="${colors[i]}"/><text x="${c(x + 16)}" y="${c(y + 10)}">${s.name}</text></g>`;
    x += width;
    return item;
  });
  return { svg: html`<g class="legend">${items}</g>`, height: y + 24 };
}

function colorsOf(series: readonly ChartSeries[]): string[] {
  return series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length] ?? '#555555');
}

function open(id: string, title: string, height: number): SafeHtml {
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${c(height)}" width="${WIDTH}" height="${c(height)}" role="img" aria-label="${title}" data-chart="${id}"><title>${title}</title>`;
}

export interface BarChartSpec {
  /** `data-chart`: a stable name tests and readers can find the chart by. */
  id: string;
  /** The chart's accessible name, and its caption. */
  title: string;
  /** One horizontal bar each, top to bottom. */
  categories: readonly string[];
  /** Stacked within each bar, left to right; a zero adds no segment. */
  series: readonly ChartSeries[];
  /** What the bars count, e.g. `accounts`. */
  unit: string;
}

/** Horizontal bars, one per category, each stacked from its series; the total at the bar's end. */
export function stackedBarChart(spec: BarChartSpec): SafeHtml {
  const colors = colorsOf(spec.series);
  const wrapped = spec.categories.map((label) => wrapLabel(label));
  const labelChars = Math.max(4, ...wrapped.flat().map((line) => line.length));
  const left = 16 + Math.ceil(labelChars * LABEL_CHAR);
  const right = 56;
  const { svg: legendSvg, height: top } = legend(spec.series, colors, left);
  const bar = 18;
  // A row is as tall as its label: one line fits the 28 px of a bar and its gap, each more adds a line.
  const rows = wrapped.map((lines) => Math.max(28, lines.length * LABEL_LEADING + 12));
  const rowTop = rows.map((_, k) => top + rows.slice(0, k).reduce((sum, h) => sum + h, 0));
  const plotHeight = rows.reduce((sum, h) => sum + h, 0);
  const height = top + plotHeight + 44;
  const totals = spec.categories.map((_, k) => spec.series.reduce((sum, s) => sum + (s.values[k] ?? 0), 0));
  const ticks = niceTicks(Math.max(0, ...totals), 5, true);
  const max = ticks.at(-1) ?? 1;
  const x = (value: number): number => left + (value / max) * (WIDTH - left - right);
  const rowY = (k: number): number => (rowTop[k] ?? top) + ((rows[k] ?? 28) - bar) / 2;
  const grid = ticks.map(
    (t) => html`<line class="grid" x1="${c(x(t))}" x2="${c(x(t))}" y1="${c(top)}" y2="${c(top + plotHeight)}"/><text class="muted" x="${c(x(t))}" y="${c(top + plotHeight + 16)}" text-anchor="middle">${formatNumber(t)}</text>`,
  );
  const labels = spec.categories.map((label, k) => {
    const lines = wrapped[k] ?? [label];
    // The lines centred on the bar: the first baseline half the block above its middle.
    const first = rowY(k) + bar / 2 + 4 - ((lines.length - 1) * LABEL_LEADING) / 2;
    const tspans = lines.map((line, i) => html`<tspan x="${c(left - 8)}" y="${c(first + i * LABEL_LEADING)}">${line}</tspan>`);
    return html`<text class="label" data-category-label="${label}" text-anchor="end">${tspans}<title>${label}</title></text>`;
  });
  const series = spec.series.map((s, i) => {
    const rects = spec.categories.map((label, k) => {
      const value = s.values[k] ?? 0;
      if (value <= 0) return '';
      const before = spec.series.slice(0, i).reduce((sum, o) => sum + (o.values[k] ?? 0), 0);
      return html`<rect data-category="${label}" data-value="${value}" x="${c(x(before))}" y="${c(rowY(k))}" width="${c(x(before + value) - x(before))}" height="${bar}"><title>${label} · ${s.name}: ${formatNumber(value)} ${spec.unit}</title></rect>`;
    });
    return html`<g data-series="${s.name}" fill="${colors[i]}">${rects}</g>`;
  });
  const totalLabels = totals.map((total, k) => html`<text x="${c(x(total) + 6)}" y="${c(rowY(k) + bar / 2 + 4)}">${formatNumber(total)}</text>`);
  return html`${open(spec.id, spec.title, height)}${legendSvg}<g class="grid-lines">${grid}</g><line class="axis" x1="${c(left)}" x2="${c(left)}" y1="${c(top)}" y2="${c(top + plotHeight)}"/><g class="categories">${labels}</g>${series}<g class="totals">${totalLabels}</g><text class="muted" x="${c((left + WIDTH - right) / 2)}" y="${c(height - 6)}" text-anchor="middle">${spec.unit}</text></svg>`;
}

export interface LineChartSpec {
  id: string;
  title: string;
  /** The x position of each value, shared by every series. */
  x: readonly number[];
  /** The right end of the x axis (the last value may sit before it). */
  xMax: number;
  xLabel: string;
  /** The unit of the values, for the y axis and tooltips: `ms`, `operations/s`, `%`. */
  unit: string;
  series: readonly ChartSeries[];
  /** The top of the y axis is at least this (100 for a share in percent that stays low). */
  yMin?: number;
  /** Horizontal lines at fixed values, each labelled (a load test's thresholds); the y axis reaches them. */
  references?: ReadonlyArray<{ value: number; label: string }>;
}

/** Lines over a shared x axis, one per series, broken where a series has no figure; a dot per figure. */
export function lineChart(spec: LineChartSpec): SafeHtml {
  const colors = colorsOf(spec.series);
  const left = 64;
  const right = 20;
  const { svg: legendSvg, height: top } = legend(spec.series, colors, left);
  const plotHeight = 200;
  const height = top + plotHeight + 48;
  const values = spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const references = (spec.references ?? []).filter((r) => Number.isFinite(r.value) && r.value >= 0);
  const yTicks = niceTicks(Math.max(spec.yMin ?? 0, ...values, ...references.map((r) => r.value)));
  const yMax = yTicks.at(-1) ?? 1;
  const xTicks = niceTicks(spec.xMax, 8);
  const xMax = Math.max(spec.xMax, 1e-9);
  const px = (v: number): number => left + (v / xMax) * (WIDTH - left - right);
  const py = (v: number): number => top + plotHeight - (v / yMax) * plotHeight;
  const grid = [
    ...yTicks.map((t) => html`<line class="grid" x1="${left}" x2="${WIDTH - right}" y1="${c(py(t))}" y2="${c(py(t))}"/><text class="muted" x="${left - 6}" y="${c(py(t) + 4)}" text-anchor="end">${formatNumber(t)}</text>`),
    ...xTicks.filter((t) => t <= spec.xMax).map((t) => html`<text class="muted" x="${c(px(t))}" y="${c(top + plotHeight + 16)}" text-anchor="middle">${formatNumber(t)}</text>`),
  ];
  // A reference's line goes under the series, its label over them (on a halo), so both stay legible.
  const lines = references.map((r) => html`<g class="reference" data-reference="${r.label}"><line x1="${left}" x2="${WIDTH - right}" y1="${c(py(r.value))}" y2="${c(py(r.value))}"/><title>${r.label}</title></g>`);
  const labels = references.map((r) => html`<g class="reference"><text x="${WIDTH - right - 4}" y="${c(py(r.value) - 4)}" text-anchor="end">${r.label}</text></g>`);
  const series = spec.series.map((s, i) => {
    let d = '';
    let pen = false;
    const dots = spec.x.map((xv, k) => {
      const v = s.values[k];
      if (v === null || v === undefined) {
        pen = false;
        return '';
      }
      d += `${pen ? 'L' : 'M'}${c(px(xv))} ${c(py(v))}`;
      pen = true;
      return html`<circle cx="${c(px(xv))}" cy="${c(py(v))}" r="2.5"><title>${s.name} at ${formatNumber(xv)} ${spec.xLabel}: ${formatNumber(v)} ${spec.unit}</title></circle>`;
    });
    return html`<g data-series="${s.name}" fill="${colors[i]}" stroke="${colors[i]}">${d === '' ? '' : html`<path d="${d}" fill="none" stroke-width="2"${s.dashed ? html` stroke-dasharray="6 4"` : ''}/>`}${dots}</g>`;
  });
  return html`${open(spec.id, spec.title, height)}${legendSvg}<g class="grid-lines">${grid}</g><line class="axis" x1="${left}" x2="${WIDTH - right}" y1="${c(top + plotHeight)}" y2="${c(top + plotHeight)}"/><line class="axis" x1="${left}" x2="${left}" y1="${c(top)}" y2="${c(top + plotHeight)}"/>${lines}${series}${labels}<text class="muted" x="${c((left + WIDTH - right) / 2)}" y="${c(height - 8)}" text-anchor="middle">${spec.xLabel}</text><text class="muted" transform="translate(14 ${c(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${spec.unit}</text></svg>`;
}

/** A chart as a figure, with a caption unless a heading above already names it. */
export function figure(chart: SafeHtml, caption?: string): SafeHtml {
  return html`<figure>${caption === undefined ? '' : html`<figcaption>${caption}</figcaption>`}${chart}</figure>`;
}
