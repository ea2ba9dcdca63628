import { isSecretName } from './catalog.js';
import { fingerprint } from './fingerprint.js';
import type { EnvSet } from './load.js';
import type { ScimSettings } from './settings.js';

/** Values shorter than this are not scrubbed by value: a 3-character secret would shred every word it occurs in. */
export const MIN_SECRET_LENGTH = 4;

/** The value of a variable as it may be shown: secrets become fingerprints, empty secrets `(empty)`. */
export function displayValue(name: string, value: string): string {
  if (!isSecretName(name)) return maskUrlSecrets(value);
  return value === '' ? '(empty)' : fingerprint(value);
}

/**
 * Every secret value of an env set, longest first: the values of secret variables, and the values
 * of other variables that contain one (`${SCIM_AUTH_TOKEN}` expanded into a URL) are covered by
 * scrubbing the secret inside them.
 */
export function collectSecrets(set: EnvSet): string[] {
  const secrets: string[] = [];
  for (const entry of set.values.values()) {
    if (isSecretName(entry.name) && entry.value.length >= MIN_SECRET_LENGTH) secrets.push(entry.value);
    // A URL's userinfo password is a secret wherever else it shows up.
    const password = urlPassword(entry.value);
    if (password !== undefined && password.length >= MIN_SECRET_LENGTH) secrets.push(password);
  }
  return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

/** The secrets a client holds: its bearer token or OAuth client secret. */
export function settingsSecrets(settings: ScimSettings): string[] {
  return [settings.auth.mode === 'bearer' ? settings.auth.token : settings.auth.clientSecret].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/**
 * The encodings a secret travels in and may come back in from a server or a library's message:
 * raw, percent-encoded (both hex cases, and form-encoding), JSON- and HTML-escaped, base64 and
 * base64url of the value.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const percent = encodeURIComponent(secret);
  forms.add(percent);
  forms.add(percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(escapeHtml(secret));
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** HTTP Basic credentials as a client sends them (RFC 6749 section 2.3.1 form-encodes both parts first). */
export function basicCredentialForms(clientId: string, secret: string): string[] {
  const forms = new Set<string>();
  for (const [id, s] of [
    [clientId, secret],
    [encodeURIComponent(clientId), encodeURIComponent(secret)],
  ] as const) {
    const base64 = Buffer.from(`${id}:${s}`, 'utf8').toString('base64');
    forms.add(base64);
    forms.add(base64.replace(/=+$/, ''));
  }
  return [...forms];
}

/**
 * The one redactor every output passes through: it learns the secrets of every env set the
 * process loads, with their encodings, and replaces each with the secret's fingerprint; then it
 * masks what looks like a credential whatever its source (Authorization values, JWTs, URL
 * passwords, secret-looking query parameters).
 */
export class Redactor {
  readonly #replacements = new Map<string, string>();
  #pattern: RegExp | undefined;

  /** Learns one secret and its encodings. */
  addSecret(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) return;
    const shown = fingerprint(secret);
    for (const form of secretForms(secret)) this.#add(form, shown);
  }

  /** Learns every secret of an env set, and the Basic credentials of its OAuth client. */
  addEnvSet(set: EnvSet): void {
    for (const secret of collectSecrets(set)) this.addSecret(secret);
    const clientId = set.values.get('SCIM_OAUTH_CLIENT_ID')?.value;
    const clientSecret = set.values.get('SCIM_OAUTH_CLIENT_SECRET')?.value;
    if (clientId !== undefined && clientSecret !== undefined) this.addBasicCredentials(clientId, clientSecret);
  }

  /** Learns the HTTP Basic credentials an OAuth client sends (base64 of `id:secret`). */
  addBasicCredentials(clientId: string, clientSecret: string): void {
    if (clientSecret.length < MIN_SECRET_LENGTH) return;
    const shown = fingerprint(clientSecret);
    for (const form of basicCredentialForms(clientId, clientSecret)) this.#add(form, shown);
  }

  /** Learns the credentials a client configured by `settings` sends. */
  addSettings(settings: ScimSettings): void {
    for (const secret of settingsSecrets(settings)) this.addSecret(secret);
    if (settings.auth.mode === 'oauth2') this.addBasicCredentials(settings.auth.clientId, settings.auth.clientSecret);
  }

  /** Text as it may leave the process. */
  scrub(text: string): string {
    if (text === '') return text;
    // Known secrets first, whole (a shape mask could stop inside one and leave its tail), then shapes.
    const pattern = this.#compiled();
    const out = pattern ? text.replace(pattern, (match) => this.#replacements.get(match) ?? match) : text;
    return maskCredentialShapes(out);
  }

  #add(form: string, shown: string): void {
    if (form.length < MIN_SECRET_LENGTH || this.#replacements.has(form)) return;
    this.#replacements.set(form, shown);
    this.#pattern = undefined;
  }

  #compiled(): RegExp | undefined {
    if (this.#replacements.size === 0) return undefined;
    // One alternation, longest first, so a secret that contains another is replaced whole in one pass.
    this.#pattern ??= new RegExp(
      [...this.#replacements.keys()]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return this.#pattern;
  }
}

/** Replaces every occurrence of each secret (and its encodings) in `text` with its fingerprint. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.addSecret(secret);
  return redactor.scrub(text);
}

/** Query parameters whose values are credentials (`access_token`, `api_key`, `sig`, `client_secret`, `code`...). */
const SECRET_PARAM = /([?&;](?:[A-Za-z0-9_.-]*[_.-])?(?:access_token|token|key|apikey|sig|signature|secret|password|passwd|pwd|pass|code|auth|credential|jwt|session)=)[^&#\s"'<>]*/gi;
/** `scheme://user:password@` in any text. */
const USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:"'<>]*):[^\s/@"'<>]*@/g;
/**
 * An Authorization value (`Bearer abc...`, `Basic dXNl...`) up to the next space or quote, since
 * a server may echo a token of any characters; not a challenge's `realm=` parameters, nor a
 * fingerprint the redactor already put there, nor prose ("basic authentication": see
 * {@link looksLikeCredential}).
 */
const AUTH_VALUE = /\b(Bearer|Basic)([ \t]+)(?!(?:realm|error|scope|charset)\b|fp:)([^\s"',;<>]{6,})/gi;
/** A JSON Web Token (header.payload.signature, base64url). */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Masks credentials by their shape, whatever their source. */
export function maskCredentialShapes(text: string): string {
  if (!/[:@=]|Bearer|Basic|eyJ/i.test(text)) return text;
  return text
    .replace(AUTH_VALUE, (match, scheme: string, space: string, value: string) => (looksLikeCredential(value) ? `${scheme}${space}***` : match))
    .replace(JWT, '***')
    .replace(USERINFO, '$1:***@')
    .replace(SECRET_PARAM, '$1***');
}

/** A URL (or any text holding one) with its userinfo password and secret-looking query values masked. */
export function maskUrlSecrets(value: string): string {
  return value.replace(USERINFO, '$1:***@').replace(SECRET_PARAM, '$1***');
}

/** Tokens carry digits or symbols, or are long; words of prose do not. */
function looksLikeCredential(value: string): boolean {
  return value.length >= 20 || /[0-9+/=_.~-]/.test(value);
}

function urlPassword(value: string): string | undefined {
  if (!value.includes('@') || !value.includes('://')) return undefined;
  try {
    const url = new URL(value);
    return url.password === '' ? undefined : decodeURIComponent(url.password);
  } catch {
    return undefined;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
