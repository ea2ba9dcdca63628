import type { LoadReport } from '../load/report.js';
import { loadReporters, type ReportFormat } from '../report/reporters.js';
import { emitReports, type ReportTarget } from './emit.js';
import type { CliIO } from './io.js';

/** Prints a load report in the chosen format (and writes --out and --report files); `load` and `report merge` share it. */
export async function emitLoadReport(io: CliIO, report: LoadReport, format: ReportFormat, out: string | undefined, reports: readonly ReportTarget<ReportFormat>[] = []): Promise<void> {
  await emitReports(io, loadReporters, report, { format, out, reports });
}
