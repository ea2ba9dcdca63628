import { describe, expect, it } from 'vitest';
import { caseVariant, flipCase, foldToAscii, localPart } from '../../src/scenario/names.js';

describe('userName material', () => {
  it('folds awkward names to lower-case ASCII', () => {
    expect(["O'Brien", 'Ødegård', 'Straße', 'Łukasz', 'García Márquez', 'İlkay', 'Ana-María', '山田'].map(foldToAscii)).toEqual([
      'obrien', 'odegard', 'strasse', 'lukasz', 'garciamarquez', 'ilkay', 'ana-maria', '',
    ]);
  });

  it('keeps the local part within 64 characters and the index last, with a fallback for unspellable names', () => {
    const long = localPart('Adan', 'Crist-Jones-Stokes-Hahn-Bayer-Jakubowski-Bechtelar-Kutch-Botsford-Smith', 123_456);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.endsWith('.123456')).toBe(true);
    expect(localPart('陽翔', '山田', 9)).toBe('user.9');
    expect(localPart('Zoë', "O'Brien", 3)).toBe('zoe.obrien.3');
  });

  it('flips case back and forth without touching the domain', () => {
    expect(flipCase('ada.lovelace.3@acme.example')).toBe('Ada.Lovelace.3@acme.example');
    expect(flipCase('Ada.Lovelace.3@acme.example')).toBe('ada.lovelace.3@acme.example');
    expect(flipCase('ada.lovelace.3@acme.example', true)).toBe('ADA.LOVELACE.3@acme.example');
  });

  it('gives distinct case variants of one userName, none of them the original', () => {
    const variants = Array.from({ length: 50 }, (_, n) => caseVariant('ada.lovelace.3@acme.example', n + 1));
    expect(variants[0]).toBe('Ada.Lovelace.3@acme.example');
    expect(new Set(variants).size).toBe(50);
    expect(variants.every((v) => v !== 'ada.lovelace.3@acme.example' && v.toLowerCase() === 'ada.lovelace.3@acme.example')).toBe(true);
  });
});
