/**
 * How input is quoted in messages. Input may be hostile or hold a secret in the wrong place (a
 * wrapped token on its own line, a 10 MB line): a message shows at most a short, masked excerpt.
 */

/** Longest variable name shown whole; longer ones are cut. */
const NAME_LIMIT = 64;
/** Longest value quoted whole in a message about it. */
const VALUE_LIMIT = 60;

/**
 * A name as a message shows it: whole when it looks like an env variable name (one case only,
 * letters, digits, `_ . -`) and is short; otherwise only its first characters
 * and its length, since a line such as a wrapped JWT matches the name syntax too.
 */
export function shownName(name: string): string {
  // Base64 and JWTs mix cases; env names are all upper or all lower case.
  if (name.length <= NAME_LIMIT && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name) && (name === name.toUpperCase() || name === name.toLowerCase())) return name;
  return maskedExcerpt(name);
}

/** The first four characters and the length: enough to find the line, too little to leak a secret. */
export function maskedExcerpt(text: string): string {
  return `"${[...text].slice(0, 4).join('').replace(/[^\x20-\x7e]/g, '?')}…" (${text.length} characters)`;
}

/** A non-secret value quoted in a message: whole when short, else cut with its length. */
export function quotedValue(value: string): string {
  if (value.length <= VALUE_LIMIT) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, VALUE_LIMIT - 20))}… (${value.length} characters)`;
}

/** A message line capped in length, whatever built it. */
export function capMessage(text: string, limit = 400): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
