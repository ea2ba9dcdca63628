import { LOAD_OPERATIONS, type LoadOperation, type OperationStats } from '../../load/metrics.js';
import { passed, totals, type LoadReport } from '../../load/report.js';
import { parseThreshold, type Threshold } from '../../load/thresholds.js';
import type { LoadWindows, Window } from '../../load/windows.js';
import { describeCleanup } from '../../target/cleanup.js';
import { describeFailure, describeSchedule, describeVerdict, describeVolume, measured, ms, pct } from '../load.js';
import { code, facts, html, n, page, table, verdict, type HtmlValue, type SafeHtml } from './html.js';
import { figure, lineChart, type ChartSeries } from './svg.js';

/**
 * `scimsim load --format html`: one self-contained page, readable without scripts. The verdict
 * and each threshold first, then the test over time from its per-window histograms (throughput,
 * the share of requests answered 429, and p50/p95/p99 latency per operation, with the thresholds
 * on them as labelled lines), then the
 * whole-test figures. A report written before windows were kept says it has no per-window data.
 */
export function renderLoadHtml(report: LoadReport): string {
  const v = describeVerdict(report);
  const kind = v.ok ? 'ok' : passed(report) ? 'warn' : 'fail';
  const shard = report.shard ? `${report.shard.index + 1} of ${report.shard.count}` : undefined;
  const body = html`<h1>scimsim load</h1>
${verdict(kind, v.text)}
${facts([
  ['schedule', describeSchedule(report)],
  ['in flight at most', n(report.vus)],
  ['seed', String(report.seed)],
  ['target', report.target],
  ['dialect', report.dialect],
  ...(shard ? ([['shard', shard]] as const) : []),
  ...(report.mergedFrom ? ([['merged from', `${n(report.mergedFrom)} shards`]] as const) : []),
  ...(report.world ? ([['world', html`${code(report.world.name)}, built for ${code(report.world.builtFor)}`]] as const) : []),
  ...(report.runId ? ([['run id', code(report.runId)]] as const) : []),
])}
<p>${describeVolume(report)}.</p>
${report.aborted ? html`<p class="warning">⚠ Aborted at ${(report.aborted.atMs / 1000).toFixed(1)} s: ${code(report.aborted.threshold)} had failed (--abort-on-fail).</p>` : report.partial ? html`<p class="warning">⚠ Partial: the test was interrupted before its schedule ended.</p>` : ''}
${report.capped ? html`<p class="warning">⚠ --max-requests reached: the load stopped there (partial); cleanup still ran.</p>` : ''}
${thresholds(report)}
${overTime(report)}
${figures(report)}
${failures(report)}
${live(report)}
<footer>${n(totals(report).requests)} requests · ${(Math.round(report.timing.simulatedMs / 100) / 10).toFixed(1)} s ${report.target === 'mock' ? 'simulated' : 'elapsed'}, ${(report.timing.wallMs / 1000).toFixed(1)} s wall</footer>`;
  return page(`scimsim load: ${describeSchedule(report)}`, body);
}

function thresholds(report: LoadReport): SafeHtml {
  if (report.results.length === 0) return html`<h2>Thresholds</h2><p class="note">No thresholds given.</p>`;
  return html`<h2>Thresholds</h2>${table({
    id: 'thresholds',
    head: ['threshold', 'measured', 'result'],
    rows: [...report.results]
      .sort((a, b) => Number(a.ok) - Number(b.ok))
      .map((r) => [code(r.expression), measured(r), r.ok ? { content: '✔ pass', className: 'pass' } : { content: '✖ fail', className: 'fail' }]),
  })}`;
}

/** The operations that ran, in report order. */
function ran(report: LoadReport): LoadOperation[] {
  return LOAD_OPERATIONS.filter((op) => report.operations[op].count > 0);
}

function overTime(report: LoadReport): SafeHtml {
  const windows = report.windows;
  if (!windows) return html`<h2>Over time</h2><p class="note" data-section="no-windows">No per-window data: this report was written by a scimsim that kept only whole-test figures.</p>`;
  const ops = ran(report);
  const count = Math.round(windows.endMs() / windows.widthMs);
  if (ops.length === 0 || count === 0) return html`<h2>Over time</h2><p class="note" data-section="no-windows">No operation finished: nothing to chart.</p>`;
  const width = windows.widthMs;
  const seconds = width / 1000;
  const x = Array.from({ length: count }, (_, i) => (i * width + width / 2) / 1000);
  const perOp = new Map(ops.map((op) => [op, new Map<number, Window>(windows.of(op).map((w) => [w.startMs / width, w]))]));
  const series = (pick: (op: LoadOperation, index: number) => number | null): ChartSeries[] =>
    ops.map((op) => ({ name: op, values: x.map((_, i) => pick(op, i)) }));
  const xMax = windows.endMs() / 1000;
  const xLabel = 's';
  const per = seconds === 1 ? 'per 1 s window' : `per ${seconds} s window`;
  const throughput = lineChart({
    id: 'throughput',
    title: `Throughput: operations finished per second, ${per}`,
    x,
    xMax,
    xLabel,
    unit: 'operations/s',
    series: series((op, i) => (perOp.get(op)?.get(i)?.stats.count ?? 0) / seconds),
  });
  const throttled = lineChart({
    id: 'throttled',
    title: `Share of requests answered 429, ${per}`,
    x,
    xMax,
    xLabel,
    unit: '%',
    yMin: 1,
    references: drawn(report, (t) => t.metric === 'throttled.rate', 100),
    series: series((op, i) => {
      const w = perOp.get(op)?.get(i)?.stats;
      return w && w.requests > 0 ? (w.throttled / w.requests) * 100 : null;
    }),
  });
  const latency = ops.map((op) => {
    const list = perOp.get(op);
    const at = (p: number) => (_: number, i: number): number | null => {
      const w = list?.get(i)?.stats;
      return w && w.count > 0 ? w.latency.percentileMs(p) : null;
    };
    const title = `${op}: iteration latency, ${per}`;
    return figure(
      lineChart({
        id: `latency-${op}`,
        title,
        x,
        xMax,
        xLabel,
        unit: 'ms',
        references: drawn(report, (t) => t.operation === op && t.latency === 'iteration'),
        series: [
          { name: 'p50', values: x.map(at(50)) },
          { name: 'p95', values: x.map(at(95)) },
          // Dashed: with few operations in a window p99 is often p95, which then shows through.
          { name: 'p99', values: x.map(at(99)), dashed: true },
        ],
      }),
      title,
    );
  });
  return html`<h2>Over time</h2>
<p class="note">Each operation counts in the ${seconds} s window in which it finished, from the test's start; latency is iteration time (from when the operation was due).</p>
${figure(throughput, `Throughput, ${per}`)}
${figure(throttled, `Share of requests answered 429, ${per}`)}
<h3>Latency per operation</h3>
${latency}
${windowTable(report, windows, ops, count)}`;
}

/**
 * The thresholds a chart shows as lines: those `pick` chooses, at their value times `scale` (100
 * for a rate on a chart in percent), labelled with the expression as written.
 */
function drawn(report: LoadReport, pick: (threshold: Threshold) => boolean, scale = 1): Array<{ value: number; label: string }> {
  const parsed = report.thresholds.flatMap((expression) => {
    try {
      return [parseThreshold(expression)];
    } catch {
      // A saved report's threshold this scimsim no longer reads: the table still shows its result.
      return [];
    }
  });
  return parsed.filter(pick).map((t) => ({ value: t.value * scale, label: t.expression }));
}

/** The per-window figures as a table, folded: what the charts show, for reading without them. */
function windowTable(report: LoadReport, windows: LoadWindows, ops: readonly LoadOperation[], count: number): SafeHtml {
  const width = windows.widthMs;
  const perOp = new Map(ops.map((op) => [op, new Map(windows.of(op).map((w) => [w.startMs / width, w.stats]))]));
  const rows: HtmlValue[][] = [];
  for (let i = 0; i < count; i++) {
    const stats = ops.map((op) => perOp.get(op)?.get(i));
    const sum = (f: (s: NonNullable<(typeof stats)[number]>) => number): number => stats.reduce((total, s) => total + (s ? f(s) : 0), 0);
    if (sum((s) => s.count) === 0) continue;
    rows.push([
      `${(i * width) / 1000}–${((i + 1) * width) / 1000}`,
      n(sum((s) => s.count)),
      n(sum((s) => s.errors)),
      `${n(sum((s) => s.throttled))} (${pct(sum((s) => s.throttled), sum((s) => s.requests))})`,
      ...stats.map((s) => (s && s.count > 0 ? `${ms(s.latency.percentileMs(50))} / ${ms(s.latency.percentileMs(95))} / ${ms(s.latency.percentileMs(99))}` : '–')),
    ]);
  }
  return html`<details><summary>Per-window figures (${n(rows.length)} windows of ${width / 1000} s)</summary>${table({
    id: 'windows',
    head: ['window (s)', 'operations', 'errors', '429s', ...ops.map((op) => `${op} p50 / p95 / p99 (ms)`)],
    numeric: [1, 2, 3, ...ops.map((_, k) => 4 + k)],
    rows,
  })}</details>
${report.mergedFrom ? html`<p class="note">Merged from ${n(report.mergedFrom)} shards: windows added by their offset from each shard's start.</p>` : ''}`;
}

function figures(report: LoadReport): SafeHtml {
  const rows: Array<[string, OperationStats]> = ran(report).map((op) => [op, report.operations[op]]);
  rows.push(['all', totals(report)]);
  const latency = (s: OperationStats['iteration']): string[] => {
    const l = s.summary();
    return [l.avg, l.p50, l.p90, l.p95, l.p99, l.max].map(ms);
  };
  const it = report.iterations;
  const retryAfter = [...report.retryAfterMs.entries()].sort((a, b) => a[0] - b[0]);
  return html`<h2>Whole test</h2>
${table({
  id: 'operations',
  caption: "Iteration time in ms: from when each operation was due (the client's queue, rate-cap wait and backoff included); 429s as a share of requests sent",
  head: ['operation', 'count', 'errors', '429s', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'],
  numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  rows: rows.map(([name, s]) => [name, n(s.count), `${n(s.errors)}${s.errors > 0 ? ` (${pct(s.errors, s.count)})` : ''}`, `${n(s.throttled)}${s.throttled > 0 ? ` (${pct(s.throttled, s.requests)})` : ''}`, ...latency(s.iteration)]),
})}
${table({
  id: 'server-time',
  caption: 'Server time in ms: request written to response read, retries summed',
  head: ['operation', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'],
  numeric: [1, 2, 3, 4, 5, 6],
  rows: rows.map(([name, s]) => [name, ...latency(s.server)]),
})}
<p>Iterations: ${n(it.started)} started of ${n(it.scheduled)} scheduled, ${n(it.dropped)} dropped${it.dropped > 0 ? ` (all ${report.vus} slots busy: the target or SCIM_RATE_LIMIT_RPS could not keep up)` : ''}.</p>
${retryAfter.length > 0 ? html`<p>Retry-After observed: ${retryAfter.map(([value, times]) => `${value / 1000} s ×${times}`).join(', ')}.</p>` : ''}`;
}

function failures(report: LoadReport): SafeHtml {
  if (report.failures.length === 0) return html``;
  return html`<h2>Failures</h2>${table({
    id: 'failures',
    head: ['operation', 'why', 'count'],
    numeric: [2],
    rows: report.failures.map((f) => [f.operation, code(describeFailure(f)), n(f.count)]),
  })}`;
}

function live(report: LoadReport): SafeHtml {
  if (!report.live) return html``;
  const { live } = report;
  return html`<h2>Live target</h2>${facts([
    ['journal', code(live.journal)],
    ['cleanup', live.kept ? html`kept on the target; remove with ${code(`scimsim cleanup --env <the same env> --run-id ${report.runId ?? ''}`)}` : live.cleanup ? describeCleanup(live.cleanup) : 'none'],
  ])}`;
}
