/**
 * A dotenv parser that keeps what `dotenv.parse` throws away: the line of every key,
 * duplicate keys, the quote style (single quotes switch off expansion) and the lines it
 * would silently skip. Values follow dotenv's rules so that what we validate is what the
 * provisioning service would load; test/env/parse-dotenv.test.ts checks that against dotenv
 * itself. See docs/decisions/001-own-dotenv-parser.md.
 */

export type QuoteStyle = 'none' | 'single' | 'double' | 'backtick';

export interface DotenvEntry {
  key: string;
  value: string;
  /** 1-based line of the key. */
  line: number;
  quote: QuoteStyle;
}

export interface DotenvProblem {
  line: number;
  message: string;
  hint?: string;
}

export interface DotenvParseResult {
  entries: DotenvEntry[];
  errors: DotenvProblem[];
  warnings: DotenvProblem[];
}

import { maskedExcerpt, shownName } from './excerpt.js';

/** A name longer than this is not a variable name a provisioning service would read. */
const MAX_NAME_LENGTH = 128;

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=[ \t]*(.*)$/;
const QUOTES: Record<string, QuoteStyle> = { "'": 'single', '"': 'double', '`': 'backtick' };

/** Parses dotenv text. Never throws: malformed lines come back as errors with their line. */
export function parseDotenv(text: string): DotenvParseResult {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const result: DotenvParseResult = { entries: [], errors: [], warnings: [] };
  for (let i = 0; i < lines.length; i++) {
    const lineText = lines[i] ?? '';
    const lineNo = i + 1;
    const trimmed = lineText.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(lineText);
    if (!match) {
      result.errors.push(describeMalformedLine(lineNo, trimmed));
      continue;
    }
    const key = match[1] ?? '';
    const rest = match[2] ?? '';
    if (key.length > MAX_NAME_LENGTH) {
      result.errors.push({ line: lineNo, message: `the name ${shownName(key)} is longer than ${MAX_NAME_LENGTH} characters`, hint: 'use a short variable name' });
      continue;
    }
    const quoteChar = rest[0] ?? '';
    const quote = QUOTES[quoteChar];
    if (quote === undefined) {
      result.entries.push({ key, value: readUnquoted(rest, key, lineNo, result), line: lineNo, quote: 'none' });
      continue;
    }
    const closed = findClosingQuote(lines, i, rest, quoteChar);
    if (!closed) {
      result.errors.push({
        line: lineNo,
        message: `the ${quote}-quoted value of ${shownName(key)} is never closed`,
        hint: `end the value with ${quoteChar}`,
      });
      // Everything after an unclosed quote belongs to it in dotenv too; stop here.
      break;
    }
    const trailing = closed.after.trim();
    if (trailing !== '' && !trailing.startsWith('#')) {
      result.errors.push({
        line: closed.endLine + 1,
        message: `unexpected text after the closing quote of ${shownName(key)}`,
        hint: 'put the whole value inside the quotes, or start a comment with #',
      });
    }
    let value = closed.body;
    if (quote === 'double') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    result.entries.push({ key, value, line: lineNo, quote });
    i = closed.endLine;
  }
  flagDuplicates(result);
  return result;
}

function readUnquoted(rest: string, key: string, line: number, result: DotenvParseResult): string {
  const hash = rest.indexOf('#');
  if (hash === -1) return rest.trim();
  const value = rest.slice(0, hash).trim();
  // dotenv starts a comment at any #, even inside a value: a secret like "ab#cd" loads as "ab".
  if (hash > 0 && !/\s/.test(rest[hash - 1] ?? ' ')) {
    result.warnings.push({
      line,
      message: `the value of ${shownName(key)} is cut at '#': dotenv reads everything after it as a comment`,
      hint: `quote the value: ${shownName(key)}="..."`,
    });
  }
  return value;
}

interface ClosedQuote {
  body: string;
  after: string;
  endLine: number;
}

function findClosingQuote(lines: string[], startLine: number, rest: string, quoteChar: string): ClosedQuote | undefined {
  let text = rest.slice(1);
  let lineIndex = startLine;
  const parts: string[] = [];
  for (;;) {
    const end = indexOfUnescaped(text, quoteChar);
    if (end !== -1) {
      parts.push(text.slice(0, end));
      return { body: parts.join('\n'), after: text.slice(end + 1), endLine: lineIndex };
    }
    parts.push(text);
    lineIndex++;
    if (lineIndex >= lines.length) return undefined;
    text = lines[lineIndex] ?? '';
  }
}

function indexOfUnescaped(text: string, quoteChar: string): number {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    // As in dotenv, only a backslash right before the quote character escapes it.
    if (ch === '\\' && text[i + 1] === quoteChar) {
      i++;
      continue;
    }
    if (ch === quoteChar) return i;
  }
  return -1;
}

/**
 * Messages about malformed lines never quote the value part: a line such as
 * `SCIM_AUTH_TOKEN: s3cret` is malformed and still holds a secret. A name is shown only when it
 * looks like one (a wrapped JWT on its own line matches the name syntax too); anything else is
 * shown as its first characters and its length.
 */
function describeMalformedLine(line: number, trimmed: string): DotenvProblem {
  const head = /^(?:export\s+)?([^\s=:]*)/.exec(trimmed)?.[1] ?? '';
  const shown = shownName(head);
  if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(trimmed)) {
    if (shown !== head) return { line, message: `expected KEY=VALUE, found a line of ${trimmed.length} characters with no = (it starts ${maskedExcerpt(trimmed)})`, hint: 'a value that wraps onto its own line belongs inside quotes on the line of its key' };
    return { line, message: `${shown} has no value`, hint: `write ${shown}= for an empty value, or remove the line` };
  }
  if (/^(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*:/.test(trimmed)) {
    return { line, message: `expected ${shown}=VALUE, found ${shown}: ...`, hint: 'use = between the name and the value' };
  }
  if (/^(?:export\s+)?[^=\s]+\s*=/.test(trimmed)) {
    return {
      line,
      message: `${shown} is not a valid variable name`,
      hint: 'names start with a letter or _ and hold letters, digits, _ . -',
    };
  }
  return { line, message: `expected KEY=VALUE, found a line starting ${maskedExcerpt(head)}`, hint: 'comment the line out with # or fix it' };
}

function flagDuplicates(result: DotenvParseResult): void {
  const firstLine = new Map<string, number>();
  for (const entry of result.entries) {
    const earlier = firstLine.get(entry.key);
    if (earlier === undefined) {
      firstLine.set(entry.key, entry.line);
      continue;
    }
    result.warnings.push({
      line: entry.line,
      message: `${entry.key} is set twice, on lines ${earlier} and ${entry.line}; line ${entry.line} wins`,
      hint: 'remove one of the two lines',
    });
    firstLine.set(entry.key, entry.line);
  }
}
