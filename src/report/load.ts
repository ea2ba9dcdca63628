import Table from 'cli-table3';
import { describeCleanup } from '../target/cleanup.js';
import { LOAD_OPERATIONS, type OperationStats } from '../load/metrics.js';
import { loadProblems, loadReportToJson, passed, totals, type LoadReport } from '../load/report.js';
import type { ThresholdResult } from '../load/thresholds.js';
import type { LoadFailure } from '../load/runner.js';
import { renderJUnit, type JUnitCase } from './junit.js';
import { COMPACT_ROWS, plural, type Colors } from './style.js';
import { describeWorld, describeWorldMarkdown, worldProperties } from './world.js';

/** A latency in ms to three significant digits or so: `412`, `80.5`, `3.25`. */
export const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
/** `0.25%`: a share as a percentage. */
export const pct = (part: number, whole: number): string => (whole === 0 ? '0%' : `${((part / whole) * 100).toFixed(part === 0 ? 0 : 2)}%`);

/** `ramp 0→50/s over 30s, then 50/s for 2m`. */
export function describeSchedule(report: LoadReport): string {
  return report.plan.stages
    .map((s) => (s.from === s.to ? `${s.to}/s for ${seconds(s.durationMs)}` : `${s.from}→${s.to}/s over ${seconds(s.durationMs)}`))
    .join(', then ');
}

function seconds(durationMs: number): string {
  return durationMs % 60_000 === 0 && durationMs >= 60_000 ? `${durationMs / 60_000}m` : `${Math.round(durationMs / 100) / 10}s`;
}

/** Why operations failed: the error, or the status and SCIM error type. */
export function describeFailure(f: LoadFailure): string {
  if (f.error) return f.error;
  return f.scimType ? `${f.status} ${f.scimType}` : String(f.status);
}

function header(report: LoadReport): string {
  const shard = report.shard ? ` · shard ${report.shard.index + 1}/${report.shard.count}` : report.mergedFrom ? ` · merged from ${report.mergedFrom} shards` : '';
  return `scimsim load · ${describeSchedule(report)} · ${report.vus} in flight at most · seed ${report.seed} · ${report.target} · ${report.dialect} dialect${shard}`;
}

/** `measured 0.0123`, or why there was no data. */
export function measured(r: ThresholdResult): string {
  if (r.actual === null) return `no data: ${r.noData ?? 'no samples'}`;
  return `measured ${Number.isInteger(r.actual) ? r.actual : r.actual.toFixed(4)}`;
}

/** Requests, errors and dropped iterations: the first thing a summary says. */
export function describeVolume(report: LoadReport): string {
  const all = totals(report);
  const it = report.iterations;
  return `${plural(all.requests, 'request')} · ${all.errors.toLocaleString('en-US')} failed operation${all.errors === 1 ? '' : 's'} of ${all.count.toLocaleString('en-US')} (${pct(all.errors, all.count)}) · ${it.dropped.toLocaleString('en-US')} of ${it.scheduled.toLocaleString('en-US')} iterations dropped`;
}

/** The verdict in words: thresholds, and whatever went wrong regardless of them. */
export function describeVerdict(report: LoadReport): { ok: boolean; text: string } {
  const failed = report.results.filter((r) => !r.ok);
  const noData = failed.filter((r) => r.actual === null).length;
  const problems = loadProblems(report);
  const aborted = report.aborted ? `aborted at ${Math.round(report.aborted.atMs / 100) / 10} s on ${report.aborted.threshold}; ` : '';
  const base =
    report.results.length === 0
      ? 'done: no thresholds given'
      : failed.length === 0
        ? `thresholds met: ${report.results.length} of ${report.results.length}`
        : `thresholds failed: ${failed.length} of ${report.results.length}${noData > 0 ? ` (${noData} with no data)` : ''}`;
  // "but" only where the problems contradict a green threshold line.
  const joiner = failed.length === 0 ? ', but ' : '; and ';
  const text = `${aborted}${base}${problems.length > 0 ? `${joiner}${problems.join('; ')}` : ''}`;
  return { ok: failed.length === 0 && problems.length === 0 && !report.aborted, text };
}

/** The human summary, k6 style: volume and thresholds first, then latency per operation. */
export function renderLoadTable(report: LoadReport, colors: Colors): string {
  const out = [colors.bold(header(report)) + (report.partial ? colors.yellow(report.aborted ? ' · ABORTED' : ' · PARTIAL (interrupted)') : ''), ...(report.world ? [colors.dim(describeWorld(report.world))] : []), describeVolume(report), ''];
  if (report.results.length > 0) {
    out.push(colors.bold('thresholds'));
    const failedFirst = [...report.results].sort((a, b) => Number(a.ok) - Number(b.ok));
    for (const r of failedFirst) out.push(`  ${r.ok ? colors.green('✔') : colors.red('✖')} ${r.expression}  ${colors.dim(`(${measured(r)})`)}`);
    out.push('');
  }
  const table = new Table({
    head: ['operation', 'count', 'errors', '429s', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'],
    style: { head: [], border: [] },
    chars: COMPACT_ROWS,
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  const server = new Table({
    head: ['server time', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'],
    style: { head: [], border: [] },
    chars: COMPACT_ROWS,
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  const row = (name: string, s: OperationStats): void => {
    const l = s.iteration.summary();
    table.push([
      name,
      s.count.toLocaleString('en-US'),
      s.errors === 0 ? colors.dim('0') : colors.red(`${s.errors.toLocaleString('en-US')} (${pct(s.errors, s.count)})`),
      s.throttled === 0 ? colors.dim('0') : colors.yellow(`${s.throttled.toLocaleString('en-US')} (${pct(s.throttled, s.requests)})`),
      ...[l.avg, l.p50, l.p90, l.p95, l.p99, l.max].map(ms),
    ]);
    const t = s.server.summary();
    server.push([name, ...[t.avg, t.p50, t.p90, t.p95, t.p99, t.max].map(ms)]);
  };
  for (const op of LOAD_OPERATIONS) if (report.operations[op].count > 0) row(op, report.operations[op]);
  const all = totals(report);
  row(colors.bold('all'), all);
  out.push(
    table.toString(),
    colors.dim('  iteration time in ms: from when each operation was due (the client\'s queue, rate-cap wait and backoff included); 429s as a share of requests sent'),
    '',
    server.toString(),
    colors.dim('  server time in ms: request written to response read, retries summed (thresholds: create.server.p95)'),
    '',
  );
  const it = report.iterations;
  out.push(
    `iterations: ${it.started.toLocaleString('en-US')} started of ${it.scheduled.toLocaleString('en-US')} scheduled` +
      (it.dropped > 0 ? `, ${colors.yellow(`${it.dropped.toLocaleString('en-US')} dropped`)} (all ${report.vus} slots busy: the target or SCIM_RATE_LIMIT_RPS could not keep up)` : ', none dropped'),
  );
  if (report.retryAfterMs.size > 0) {
    const values = [...report.retryAfterMs.entries()].sort((a, b) => a[0] - b[0]);
    out.push(`Retry-After observed: ${values.map(([v, n]) => `${v / 1000}s ×${n}`).join(', ')}`);
  } else if (all.throttled > 0) out.push('Retry-After observed: none (the 429s carried no Retry-After; the client backed off on its own)');
  for (const f of report.failures.slice(0, 6)) out.push(`${colors.red('✖')} ${plural(f.count, `${f.operation} failure`)}: ${describeFailure(f)}`);
  if (report.failures.length > 6) out.push(colors.dim(`  … and ${report.failures.length - 6} more (see --format json)`));
  if (report.capped) out.push(colors.yellow('⚠ --max-requests reached: the load stopped there (PARTIAL); cleanup still ran'));
  if (report.live) {
    if (report.live.kept) out.push(`kept on the target for inspection; remove with: scimsim cleanup --env <the same env> --run-id ${report.runId ?? ''}`);
    else if (report.live.cleanup) out.push(`cleanup: ${describeCleanup(report.live.cleanup)}`);
    out.push(colors.dim(`journal: ${report.live.journal}`));
  }
  out.push(`${plural(all.requests, 'request')} · ${Math.round(report.timing.simulatedMs / 100) / 10} s ${report.target === 'mock' ? 'simulated' : 'elapsed'}, ${(report.timing.wallMs / 1000).toFixed(1)} s wall`);
  const verdict = describeVerdict(report);
  const [head, ...rest] = verdict.text.split(': ');
  const mark = verdict.ok ? colors.green('✔') : passed(report) ? colors.yellow('⚠') : colors.red('✖');
  out.push(`${mark} ${colors.bold(head ?? '')}${rest.length > 0 ? `: ${rest.join(': ')}` : ''}`);
  return `${out.join('\n')}\n`;
}

export function renderLoadJson(report: LoadReport): string {
  return `${JSON.stringify(loadReportToJson(report), null, 2)}\n`;
}

/** For a pull request comment or a CI step summary: the verdict first, then the figures. */
export function renderLoadMarkdown(report: LoadReport): string {
  const lines = [
    `**scimsim load: ${describeVerdict(report).text}**`,
    '',
    `${describeVolume(report)}.`,
    '',
    `${describeSchedule(report)}, ${report.vus} in flight at most, seed ${report.seed}, ${report.target}.`,
    '',
    ...(report.world ? [`${describeWorldMarkdown(report.world)}.`, ''] : []),
  ];
  if (report.results.length > 0) {
    lines.push('| threshold | measured | |', '| --- | ---: | --- |');
    for (const r of [...report.results].sort((a, b) => Number(a.ok) - Number(b.ok))) lines.push(`| \`${r.expression}\` | ${measured(r)} | ${r.ok ? '✅' : '❌'} |`);
    lines.push('');
  }
  lines.push('| operation | count | errors | 429s | avg | p50 | p90 | p95 | p99 | max |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const rows: Array<[string, OperationStats]> = LOAD_OPERATIONS.filter((op) => report.operations[op].count > 0).map((op) => [op, report.operations[op]]);
  rows.push(['**all**', totals(report)]);
  for (const [name, s] of rows) {
    const l = s.iteration.summary();
    lines.push(`| ${name} | ${s.count} | ${s.errors} | ${s.throttled} | ${[l.avg, l.p50, l.p90, l.p95, l.p99, l.max].map(ms).join(' | ')} |`);
  }
  lines.push('', '| server time | avg | p50 | p90 | p95 | p99 | max |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, s] of rows) {
    const l = s.server.summary();
    lines.push(`| ${name} | ${[l.avg, l.p50, l.p90, l.p95, l.p99, l.max].map(ms).join(' | ')} |`);
  }
  const it = report.iterations;
  lines.push('', `Iterations: ${it.started} started of ${it.scheduled} scheduled, ${it.dropped} dropped. Iteration time (the client's queue and rate-cap wait included) and server time in ms.`);
  return `${lines.join('\n')}\n`;
}

/** One test case per threshold (so CI shows a failed one natively); one for the run when none were given. */
export function renderLoadJUnit(report: LoadReport): string {
  const cases: JUnitCase[] = report.results.map((r) => ({
    name: r.expression,
    classname: 'scimsim.load.thresholds',
    ...(r.ok ? {} : { failure: { message: `${r.expression} failed: ${measured(r)}`, body: header(report) } }),
  }));
  if (report.aborted) cases.push({ name: 'load ran to the end', classname: 'scimsim.load', failure: { message: `aborted at ${report.aborted.atMs / 1000} s: ${report.aborted.threshold} failed (--abort-on-fail)`, body: header(report) } });
  if (cases.length === 0) cases.push({ name: 'load completed', classname: 'scimsim.load' });
  return renderJUnit('scimsim load', cases, report.world ? worldProperties(report.world) : []);
}
