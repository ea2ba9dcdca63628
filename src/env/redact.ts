import { isSecretName } from './catalog.js';
import { fingerprint } from './fingerprint.js';
import type { EnvSet } from './load.js';

/** The value of a variable as it may be shown: secrets become fingerprints, empty secrets `(empty)`. */
export function displayValue(name: string, value: string): string {
  if (!isSecretName(name)) return value;
  return value === '' ? '(empty)' : fingerprint(value);
}

/**
 * Every secret value of an env set, longest first. Reporters do not need it (they only ever get
 * display values); the CLI uses it as a last line of defence to scrub error text that quotes input.
 */
export function collectSecrets(set: EnvSet): string[] {
  const secrets: string[] = [];
  for (const entry of set.values.values()) {
    if (isSecretName(entry.name) && entry.value.length >= 4) secrets.push(entry.value);
  }
  return secrets.sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of each secret in `text` with its fingerprint. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(fingerprint(secret));
  return out;
}
