import type { LoadReport } from '../load/report.js';
import { renderLoadJUnit, renderLoadJson, renderLoadMarkdown, renderLoadTable } from '../report/load.js';
import { createColors } from '../report/style.js';
import { emitReport } from './emit.js';
import { colorsFor, type CliIO } from './io.js';

/** Prints a load report in the chosen format (and writes it to --out); `load` and `report merge` share it. */
export async function emitLoadReport(io: CliIO, report: LoadReport, format: 'table' | 'json' | 'markdown' | 'junit', out: string | undefined): Promise<void> {
  if (format === 'json') return emitReport(io, renderLoadJson(report), out);
  if (format === 'markdown') return emitReport(io, renderLoadMarkdown(report), out);
  if (format === 'junit') return emitReport(io, renderLoadJUnit(report), out);
  return emitReport(io, renderLoadTable(report, colorsFor(io.stdout, io.env)), out, renderLoadTable(report, createColors(false)));
}
