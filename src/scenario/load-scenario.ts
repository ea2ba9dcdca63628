import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { UserError } from '../errors/user-error.js';
import type { Scenario } from './types.js';
import { validateScenario, type ScenarioProblem } from './validate-scenario.js';

/**
 * The shipped lifecycle scenario. src/scenario/ and dist/scenario/ both sit two levels below the
 * package root, so the same relative URL works from sources and from the build.
 */
export const DEFAULT_SCENARIO_PATH = fileURLToPath(new URL('../../scenarios/lifecycle.yaml', import.meta.url));

/**
 * Reads and validates a scenario YAML file (`path` resolved against `cwd`), filling in defaults
 * (a step's name is its kind; `of` per Selector). A missing or unreadable file, a directory,
 * an empty file or invalid YAML throws a UserError naming the file (and line); a scenario with
 * problems throws one UserError with every problem as a `file:line: message (hint)` detail.
 */
export async function loadScenario(path: string, cwd: string): Promise<Scenario> {
  const text = await readScenarioText(path, cwd);
  const lines = new LineCounter();
  const doc = parseScenarioYaml(text, path, lines);
  const { scenario, problems } = validateScenario(doc, lines, path);
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const first = problems[0]?.line ?? 1;
    throw new UserError('scenario-invalid', `Failed to load scenario ${path}: ${count}.`, {
      hint: 'Fix each problem listed; scenarios/lifecycle.yaml uses every step kind.',
      location: { file: path, line: first },
      details: problems.map((p) => formatScenarioProblem(path, p)),
    });
  }
  return scenario;
}

/** `file:line: message (hint)`, one line of a UserError's details. */
export function formatScenarioProblem(file: string, problem: ScenarioProblem): string {
  return `${file}:${problem.line}: ${problem.message}${problem.hint === undefined ? '' : ` (${problem.hint})`}`;
}

async function readScenarioText(path: string, cwd: string): Promise<string> {
  const full = resolve(cwd, path);
  let bytes: Buffer;
  try {
    if ((await stat(full)).isDirectory()) {
      throw new UserError('scenario-directory', `Failed to read scenario ${path}: it is a directory.`, {
        hint: 'Pass a YAML file, e.g. --scenario scenarios/leaver-wave.yaml.',
        location: { file: path },
      });
    }
    bytes = await readFile(full);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new UserError('scenario-unreadable', `Failed to read scenario ${path}: ${reason}.`, {
      hint: code === 'ENOENT' ? `Check the path; it is resolved against ${cwd}. Shipped scenarios are in scenarios/.` : 'Check the file and its permissions.',
      location: { file: path },
      cause: error,
    });
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseScenarioYaml(text: string, path: string, lines: LineCounter): Document {
  if (text.trim() === '') {
    throw new UserError('scenario-invalid-yaml', `Failed to read scenario ${path}: it is empty.`, {
      hint: 'Start from scenarios/lifecycle.yaml.',
      location: { file: path, line: 1 },
    });
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  // yaml ends each message with " at line N, column M:" and an excerpt; the line goes in front instead.
  const errors = doc.errors.map((e) => ({ line: e.linePos?.[0].line ?? 1, reason: (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '') }));
  const first = errors[0];
  if (first !== undefined) {
    throw new UserError('scenario-invalid-yaml', `Failed to read scenario ${path}: invalid YAML on line ${first.line} (${first.reason}).`, {
      hint: 'Check the indentation and the brackets near this line; steps are "- kind: value" items under steps:.',
      location: { file: path, line: first.line },
      details: errors.length > 1 ? errors.map((e) => `${path}:${e.line}: ${e.reason}`) : [],
      cause: doc.errors[0],
    });
  }
  if (doc.contents === null) {
    throw new UserError('scenario-invalid-yaml', `Failed to read scenario ${path}: it holds only comments.`, {
      hint: 'Start from scenarios/lifecycle.yaml.',
      location: { file: path, line: 1 },
    });
  }
  return doc;
}
