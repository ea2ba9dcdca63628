import type { LoadReport } from '../load/report.js';
import type { RehearseReport } from '../rehearse/types.js';
import { renderLoadHtml } from './html/load.js';
import { renderRehearseHtml } from './html/rehearse.js';
import { renderRunHtml } from './html/run.js';
import { renderLoadJUnit, renderLoadJson, renderLoadMarkdown, renderLoadTable } from './load.js';
import { renderRehearseJson } from './rehearse-json.js';
import { renderRehearseJUnit } from './rehearse-junit.js';
import { renderRehearseMarkdown } from './rehearse-markdown.js';
import { renderRehearseTable } from './rehearse-table.js';
import { renderRunJson } from './run-json.js';
import { renderRunJUnit } from './run-junit.js';
import { renderRunMarkdown } from './run-markdown.js';
import type { RunReport } from './run-report.js';
import { renderRunTable } from './run-table.js';
import type { Colors } from './style.js';

/** Renders one report in one format; only the table uses colours. */
export type Render<R> = (report: R, colors: Colors) => string;

/** The formats of the run, rehearse and load reports. */
export const REPORT_FORMATS = ['table', 'json', 'markdown', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The reporters of a command: every format it offers, each one render function. */
export type Reporters<R, F extends string = ReportFormat> = Readonly<Record<F, Render<R>>>;

export const runReporters: Reporters<RunReport> = {
  table: renderRunTable,
  json: (report) => renderRunJson(report),
  markdown: (report) => renderRunMarkdown(report),
  junit: (report) => renderRunJUnit(report),
  html: (report) => renderRunHtml(report),
};

export const rehearseReporters: Reporters<RehearseReport> = {
  table: renderRehearseTable,
  json: (report) => renderRehearseJson(report),
  markdown: (report) => renderRehearseMarkdown(report),
  junit: (report) => renderRehearseJUnit(report),
  html: (report) => renderRehearseHtml(report),
};

export const loadReporters: Reporters<LoadReport> = {
  table: renderLoadTable,
  json: (report) => renderLoadJson(report),
  markdown: (report) => renderLoadMarkdown(report),
  junit: (report) => renderLoadJUnit(report),
  html: (report) => renderLoadHtml(report),
};

// The check and diff reporters have their own module, so that those commands load no run, rehearse or load renderer.
export { CHECK_FORMATS, checkReporters, DIFF_FORMATS, diffReporters, type CheckFormat, type DiffFormat, type DiffReport } from './env-reporters.js';
