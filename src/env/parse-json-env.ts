import type { DotenvParseResult } from './parse-dotenv.js';

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
  for (const [key, value] of Object.entries(parsed)) {
    const line = lineOfKey(text, key);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      result.entries.push({ key, value: String(value), line, quote: 'double' });
    } else {
      result.errors.push({ line, message: `${key} must be a string, number or boolean`, hint: 'flatten nested values into their own variables' });
    }
  }
  return result;
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

function lineOfKey(text: string, key: string): number {
  const index = text.indexOf(`${JSON.stringify(key)}`);
  return index === -1 ? 1 : lineOfOffset(text, index);
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
