/**
 * Name material for synthetic users: the awkward names real directories hold, and the folding
 * that turns any name into the ASCII local part of a userName.
 */

/** Given names with accents, apostrophes, hyphens or non-Latin scripts. Every entry has a non-ASCII letter or an apostrophe. */
export const AWKWARD_GIVEN_NAMES: readonly string[] = [
  'José', 'Zoë', 'Łukasz', 'Søren', 'François', 'Siobhán', 'Ümit', 'Chloé', 'Björn', 'Đorđe',
  'Ana-María', "D'Arcy", 'Renée', 'İlkay', 'Žofie', 'Ngọc', 'Þórunn', 'Małgorzata', 'Ines-Åsa', "Ta'Nisha",
  'Αλέξανδρος', 'Дмитрий', '陽翔',
];

/** Family names with accents, apostrophes, spaces or non-Latin scripts. Same rule as the given names. */
export const AWKWARD_FAMILY_NAMES: readonly string[] = [
  "O'Brien", "D'Angelo", 'Müller', 'Ødegård', 'Núñez', "N'Diaye", 'García Márquez', 'Straße', 'Çelik', 'Şahin',
  'Dvořák', 'Æbelø', 'Nguyễn', "O'Connor-Ní Bhriain", 'Lefèvre', 'Wałęsa', 'Jónsdóttir', "dell'Acqua",
  'Παπαδόπουλος', 'Иванова', '山田',
];

/** Corporate departments: faker's commerce departments (Toys, Garden) read as shop aisles. */
export const DEPARTMENTS: readonly string[] = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Human Resources', 'Legal', 'Customer Support',
  'Operations', 'IT', 'Product', 'Design', 'Research', 'Procurement', 'Facilities',
];

/**
 * A name with no apostrophe and no non-ASCII letter, redrawn a few times if need be: Faker's own
 * names include some (O'Hara), and awkward names should appear at their configured rate only.
 */
export function plainName(draw: () => string): string {
  let name = draw();
  for (let attempt = 0; attempt < 16 && !/^[A-Za-z -]+$/.test(name); attempt++) name = draw();
  return name;
}

/** Letters NFD does not decompose into an ASCII base letter plus a mark. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h',
};

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Lower-case ASCII for a userName: accents dropped (José -> jose), special letters spelt out
 * (Straße -> strasse), apostrophes and spaces removed (O'Brien -> obrien), hyphens kept.
 * Scripts with no ASCII spelling fold to the empty string; callers supply a fallback.
 */
export function foldToAscii(name: string): string {
  let out = name.toLowerCase();
  // Most names are ASCII already: NFD leaves those as they are and no special letter applies.
  if (!ASCII.test(out)) {
    const decomposed = out.normalize('NFD');
    out = '';
    for (const ch of decomposed) out += SPECIAL_LETTERS[ch] ?? ch;
  }
  return out
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The local part of a userName: `given.family.<index>`, at most 64 characters (RFC 5321's limit
 * for the local part of an address, which many servers validate userNames against). The index
 * is the last dot-separated segment and the name segments hold no dots, so two different
 * indexes can never give the same local part, whatever the names and however they are cut.
 */
export function localPart(givenName: string, familyName: string, index: number): string {
  const suffix = `.${index}`;
  const names = [foldToAscii(givenName), foldToAscii(familyName)].filter((s) => s !== '');
  // A name in a script with no ASCII spelling still needs a letter: case-only renames flip one.
  const base = names.length === 0 ? 'user' : names.join('.');
  const cut = base.slice(0, 64 - suffix.length).replace(/[.-]+$/, '');
  return `${cut}${suffix}`;
}

/**
 * A userName that differs from `userName` only in letter case: `ada.lovelace.3@x` ->
 * `Ada.Lovelace.3@x` (or `ADA.LOVELACE.3@x` when `upper`), and back to lower case when it has
 * capitals already. The domain is left alone. Throws when the local part has no letter, which
 * the factory's userNames never lack.
 */
export function flipCase(userName: string, upper = false): string {
  const at = userName.lastIndexOf('@');
  const local = at === -1 ? userName : userName.slice(0, at);
  const domain = at === -1 ? '' : userName.slice(at);
  let next: string;
  if (local !== local.toLowerCase()) next = local.toLowerCase();
  else if (upper) next = local.toUpperCase();
  else next = local.replace(/(^|[.-])([a-z])/g, (_m, sep: string, letter: string) => `${sep}${letter.toUpperCase()}`);
  // A local part whose segments all start with a digit has no first letter to capitalise.
  if (next === local) next = local.toUpperCase();
  if (next === local) throw new Error(`Bug in scimsim: cannot change the case of "${userName}", it has no letters.`);
  return `${next}${domain}`;
}

/**
 * The `n`th (n >= 1) spelling of a lower-case userName that differs from it and from every other
 * `n` only in letter case: n = 1 capitalises each name (`Ada.Lovelace.3@x`), and further n
 * capitalise the letters of the local part picked by the bits of a mask. Collision users that
 * share one namesake each get their own n, so they collide with the namesake (ignoring case)
 * but never repeat each other exactly. Throws when the local part has too few letters for n.
 */
export function caseVariant(userName: string, n: number): string {
  const at = userName.lastIndexOf('@');
  const local = at === -1 ? userName : userName.slice(0, at);
  const letters = [...local].flatMap((ch, i) => (/[a-z]/.test(ch) ? [i] : []));
  const title = letters.reduce((mask, position, bit) => (position === 0 || /[.-]/.test(local[position - 1] ?? '') ? mask | (2 ** bit) : mask), 0);
  // n = 1 takes the title-case mask (or the first letter alone, should no name start with a letter);
  // n = 2, 3, ... take masks 2, 3, ... stepping over that one.
  const first = title === 0 ? 1 : title;
  const mask = n === 1 ? first : n < first ? n : n + 1;
  if (n < 1 || mask >= 2 ** letters.length) throw new Error(`Bug in scimsim: "${userName}" has no case variant ${n}.`);
  const chars = [...local];
  letters.forEach((position, bit) => {
    if (Math.floor(mask / 2 ** bit) % 2 === 1) chars[position] = chars[position]?.toUpperCase() ?? '';
  });
  return `${chars.join('')}${at === -1 ? '' : userName.slice(at)}`;
}
