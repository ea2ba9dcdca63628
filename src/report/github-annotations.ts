import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CheckReport } from '../env/check.js';

/**
 * GitHub Actions workflow commands for the findings of `scimsim check`: one `::error` or
 * `::warning` line per problem, which GitHub shows on the file and line in a pull request
 * ("Workflow commands for GitHub Actions", "Setting an error message"). A problem without a
 * line names its file only; one without a file (a failed preflight step) names nothing.
 */
export function renderCheckAnnotations(report: CheckReport, cwd: string, workspace?: string): string {
  const lines: string[] = [];
  for (const p of report.problems) {
    const properties: Record<string, string> = {};
    if (p.location) {
      properties.file = annotationPath(p.location.file, cwd, workspace);
      if (p.location.line !== undefined) properties.line = String(p.location.line);
      properties.title = p.code;
    }
    lines.push(workflowCommand(p.severity, properties, p.hint ? `${p.message} → ${p.hint}` : p.message));
  }
  for (const step of report.preflight?.steps ?? []) {
    if (step.status !== 'fail' && step.status !== 'warn') continue;
    const text = `Preflight ${step.title}: ${step.detail}${step.hint ? ` → ${step.hint}` : ''}`;
    lines.push(workflowCommand(step.status === 'fail' ? 'error' : 'warning', {}, text));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The annotation of an error that stopped a command (a malformed input file): its location, if any, message and details. */
export function renderErrorAnnotation(
  error: { code: string; message: string; details: readonly string[]; hint?: string | undefined; location?: { file: string; line?: number } | undefined },
  cwd: string,
  workspace?: string,
): string {
  const properties: Record<string, string> = {};
  if (error.location) {
    properties.file = annotationPath(error.location.file, cwd, workspace);
    if (error.location.line !== undefined) properties.line = String(error.location.line);
    properties.title = error.code;
  }
  const text = [error.message, ...error.details.map((d) => `  ${d}`), ...(error.hint ? [`→ ${error.hint}`] : [])].join('\n');
  return `${workflowCommand('error', properties, text)}\n`;
}

/** `::error file=…,line=…::message`, escaped as the runner expects (its `escapeData` and `escapeProperty`). */
export function workflowCommand(command: 'error' | 'warning', properties: Readonly<Record<string, string>>, message: string): string {
  const props = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(value)}`);
  return `::${command}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub places an annotation by a path relative to the repository's root, GITHUB_WORKSPACE, which
 * is not the working directory of a step with `working-directory:`. A file under the workspace is
 * named relative to it; without a workspace, relative to cwd; any other file as given.
 */
function annotationPath(file: string, cwd: string, workspace: string | undefined): string {
  const root = workspace === undefined || workspace.trim() === '' ? undefined : resolve(cwd, workspace);
  if (root === undefined && !isAbsolute(file)) return file;
  const rel = relative(root ?? cwd, resolve(cwd, file));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return file;
  return rel.split(sep).join('/');
}
