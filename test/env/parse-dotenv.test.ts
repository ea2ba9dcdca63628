import { parse as dotenvParse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/env/parse-dotenv.js';

const valuesOf = (text: string): Record<string, string> =>
  Object.fromEntries(parseDotenv(text).entries.map((e) => [e.key, e.value]));

describe('parseDotenv', () => {
  it('reads what dotenv reads: comments, quotes, export, multi-line values and escapes', () => {
    const text = [
      '# a comment',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED = around equals  ',
      "SINGLE='single $HOME \\n stays'",
      'DOUBLE="double with \\n newline"',
      'BACKTICK=`has "both" \'quotes\'`',
      'HASH_COMMENT=value # trailing comment',
      'QUOTED_HASH="has # inside"',
      'EMPTY=',
      'MULTI="line one',
      'line two"',
      'ESCAPED="say \\"hi\\""',
      'DOLLAR=pa$$word',
      'CRLF=windows\r',
      'LAST=end',
    ].join('\n');
    expect(valuesOf(text)).toEqual(dotenvParse(text));
  });

  it('gives every key its 1-based line, multi-line values their first line', () => {
    const result = parseDotenv('A=1\n\n# c\nB="x\ny"\nC=3\n');
    expect(result.entries.map((e) => [e.key, e.line])).toEqual([
      ['A', 1],
      ['B', 4],
      ['C', 6],
    ]);
  });

  it('records the quote style so single-quoted values can stay literal', () => {
    const styles = parseDotenv("A='x'\nB=\"y\"\nC=z\n").entries.map((e) => e.quote);
    expect(styles).toEqual(['single', 'double', 'none']);
  });

  it('warns about a duplicate key with both lines', () => {
    const result = parseDotenv('SCIM_PAGE_SIZE=100\nOTHER=1\nSCIM_PAGE_SIZE=200\n');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ line: 3 });
    expect(result.warnings[0]?.message).toContain('lines 1 and 3');
  });

  it('warns when an unquoted value would be cut at #, as dotenv silently does', () => {
    const result = parseDotenv('SCIM_AUTH_TOKEN=abc#def\n');
    expect(result.entries[0]?.value).toBe(dotenvParse('SCIM_AUTH_TOKEN=abc#def\n').SCIM_AUTH_TOKEN);
    expect(result.warnings[0]?.message).toContain("cut at '#'");
  });

  it('reports every malformed line that dotenv would skip, without echoing values', () => {
    const result = parseDotenv('GOOD=1\nSCIM_AUTH_TOKEN: hunter2-secret\njust words\nNAME_ONLY\n9BAD=x\n');
    expect(result.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(JSON.stringify(result.errors)).not.toContain('hunter2-secret');
    expect(result.entries.map((e) => e.key)).toEqual(['GOOD']);
  });

  it('reports an unclosed quote at the line that opens it', () => {
    const result = parseDotenv('A=1\nB="never closed\nC=3\n');
    expect(result.errors).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('never closed') })]);
  });
});
