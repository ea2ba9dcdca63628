import type { CheckReport } from '../env/check.js';
import type { EnvDiff } from '../env/diff.js';
import { renderCheckJson } from './check-json.js';
import { renderCheckMarkdown } from './check-markdown.js';
import { renderCheckTable } from './check-table.js';
import { renderDiffJson } from './diff-json.js';
import { renderDiffMarkdown } from './diff-markdown.js';
import { renderDiffTable, type DiffLabels } from './diff-table.js';
import type { Reporters } from './reporters.js';

/*
 * The reporters of `check` and `diff`, apart from the run, rehearse and load ones in reporters.ts
 * so that these two quick commands load only their own renderers (docs/decisions/062-lazy-commands.md).
 */

export const CHECK_FORMATS = ['table', 'json', 'markdown'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export const checkReporters: Reporters<CheckReport, CheckFormat> = {
  table: renderCheckTable,
  json: (report) => renderCheckJson(report),
  markdown: (report) => renderCheckMarkdown(report),
};

export const DIFF_FORMATS = ['table', 'json', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/** A diff report: the classified changes and the names of the two env sets. */
export interface DiffReport {
  diff: EnvDiff;
  labels: DiffLabels;
}

export const diffReporters: Reporters<DiffReport, DiffFormat> = {
  table: ({ diff, labels }, colors) => renderDiffTable(diff, labels, colors),
  json: ({ diff, labels }) => renderDiffJson(diff, labels),
  markdown: ({ diff, labels }) => renderDiffMarkdown(diff, labels),
};
