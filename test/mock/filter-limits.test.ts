import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/mock/core/filter/index.js';
import { ScimHttpError } from '../../src/mock/core/errors.js';

function refusal(text: string): ScimHttpError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof ScimHttpError) return error;
    throw error;
  }
  throw new Error('the filter parsed');
}

describe('filter limits', () => {
  it('refuses 200,000 nested parentheses as 400 invalidFilter, with a short detail', () => {
    const error = refusal(`${'('.repeat(200_000)}userName eq "a"${')'.repeat(200_000)}`);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toMatch(/nests deeper than 32 levels/);
    expect(error.message.length).toBeLessThan(400);
  });

  it('refuses a 40,000-term or chain as 400 invalidFilter', () => {
    const error = refusal(Array.from({ length: 40_000 }, (_, i) => `userName eq "u${i}"`).join(' or '));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toMatch(/more than 500 comparisons/);
  });

  it('still parses what identity providers send', () => {
    expect(() => parseFilter('(userName eq "a" or externalId eq "b") and not (active eq false)')).not.toThrow();
    expect(() => parseFilter(Array.from({ length: 500 }, (_, i) => `userName eq "u${i}"`).join(' or '))).not.toThrow();
  });
});
