import type { ScimType } from '../../../scim/types.js';
import { badRequest } from '../errors.js';

/** A filter token; `position` is 1-based, `end` the 1-based position just after it. */
export type Token =
  | { type: 'word'; text: string; position: number; end: number }
  | { type: 'string'; value: string; position: number; end: number }
  | { type: 'number'; value: number; position: number; end: number }
  | { type: '(' | ')' | '[' | ']' | 'end'; position: number; end: number };

// Names, URNs (`urn:...:2.0:User:name.givenName`), keywords and the `.sub` after a `]`.
const WORD = /[A-Za-z_$.][\w$.:-]*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const DELIMITER = /[\s()[\]]/;

/**
 * Splits filter text into tokens. Strings are JSON strings (RFC 7644 section 3.4.2.2 says
 * compValue follows JSON), so escapes are decoded by JSON.parse. `scimType` is invalidFilter
 * for a filter and invalidPath for a PATCH path.
 */
export function tokenize(text: string, scimType: ScimType, what: string): Token[] {
  const tokens: Token[] = [];
  function fail(detail: string, index: number): never {
    throw badRequest(scimType, `Failed to parse ${what} ${JSON.stringify(text)}: ${detail} at position ${index + 1}`);
  }
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')' || char === '[' || char === ']') {
      tokens.push({ type: char, position: i + 1, end: i + 2 });
      i++;
    } else if (char === '"') {
      const end = closingQuote(text, i);
      if (end === -1) fail('unterminated string', i);
      tokens.push({ type: 'string', value: decodeString(text.slice(i, end + 1)) ?? fail('invalid escape or control character in string', i), position: i + 1, end: end + 2 });
      i = end + 1;
    } else {
      const token = match(NUMBER, text, i) ?? match(WORD, text, i);
      if (token === undefined) return fail(`unexpected character ${JSON.stringify(char)}`, i);
      const next = text[i + token.length];
      if (next !== undefined && !DELIMITER.test(next)) fail(`unexpected character ${JSON.stringify(next)}`, i + token.length);
      const number = /^[-\d]/.test(token);
      tokens.push(
        number
          ? { type: 'number', value: Number(token), position: i + 1, end: i + token.length + 1 }
          : { type: 'word', text: token, position: i + 1, end: i + token.length + 1 },
      );
      i += token.length;
    }
  }
  tokens.push({ type: 'end', position: text.length + 1, end: text.length + 1 });
  return tokens;
}

function decodeString(quoted: string): string | undefined {
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function match(pattern: RegExp, text: string, index: number): string | undefined {
  pattern.lastIndex = index;
  return pattern.exec(text)?.[0];
}

/** Index of the quote closing the string opened at `start`, skipping escaped characters; -1 if none. */
function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
