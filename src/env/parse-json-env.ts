import { shownName } from './excerpt.js';
import type { DotenvParseResult } from './parse-dotenv.js';

/** As in dotenv files: a longer name is not a variable name a provisioning service would read. */
const MAX_NAME_LENGTH = 128;

/** True when a source should be read as a JSON object rather than dotenv text. */
export function looksLikeJson(label: string, text: string): boolean {
  return /\.json$/i.test(label) || text.trimStart().startsWith('{');
}

/**
 * Reads a flat JSON object of variables (`{"SCIM_PAGE_SIZE": 100}`), with the line of each key
 * so that provenance and problems point into the file like they do for dotenv.
 */
export function parseJsonEnv(text: string): DotenvParseResult {
  const result: DotenvParseResult = { entries: [], errors: [], warnings: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // V8's message quotes a slice of the input, which may hold a secret: keep only the position.
    const position = /position (\d+)/.exec((error as Error).message);
    const line = position ? lineOfOffset(text, Number(position[1])) : firstSuspectLine(text);
    result.errors.push({ line, message: 'invalid JSON', hint: 'fix the JSON syntax near this line (a trailing comma or a missing quote?)' });
    return result;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    result.errors.push({ line: 1, message: 'expected a JSON object of variables', hint: 'write {"SCIM_API_BASE_URL": "https://..."}' });
    return result;
  }
  const lines = lineStarts(text);
  // Keys come back in file order (but for integer-like ones): each is searched from the last, so
  // finding the lines of 16,000 keys is one pass over the text, not one pass per key.
  let from = 0;
  for (const [key, value] of Object.entries(parsed)) {
    const quoted = JSON.stringify(key);
    let index = text.indexOf(quoted, from);
    if (index === -1) index = text.indexOf(quoted);
    else from = index + quoted.length;
    const line = index === -1 ? 1 : lineOf(lines, index);
    if (key.length > MAX_NAME_LENGTH || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      result.errors.push({ line, message: `${shownName(key)} is not a valid variable name`, hint: `names start with a letter or _, hold letters, digits, _ . - and have at most ${MAX_NAME_LENGTH} characters` });
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      result.entries.push({ key, value: String(value), line, quote: 'double' });
    } else {
      result.errors.push({ line, message: `${key} must be a string, number or boolean`, hint: 'flatten nested values into their own variables' });
    }
  }
  return result;
}

/** Offsets at which each line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line of an offset, by binary search over the line starts. */
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Without a position, the first line that does not parse on its own as part of an object is the best guess. */
function firstSuspectLine(text: string): number {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim().replace(/,$/, '');
    if (line === '' || line === '{' || line === '}') continue;
    try {
      JSON.parse(`{${line}}`);
    } catch {
      return i + 1;
    }
  }
  return 1;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
