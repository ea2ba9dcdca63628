import { closest, distance } from 'fastest-levenshtein';

/**
 * The env catalog: every variable scimsim understands, as data. It drives validation,
 * redaction, `scimsim vars`, `.env.example`, the README table and the diff's risk notes.
 * Add a variable here and every one of those picks it up.
 */

export type VariableType =
  | { kind: 'url' }
  | { kind: 'string' }
  | { kind: 'secret' }
  | { kind: 'hostname' }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'number'; min: number; max?: number };

/** `requiredWhen` is a simple equality on another variable's effective value. */
export interface RequiredWhen {
  variable: string;
  equals: string;
}

export interface CatalogEntry {
  name: string;
  type: VariableType;
  /** Effective value when the env set does not give one. */
  default?: string;
  required?: boolean;
  requiredWhen?: RequiredWhen;
  /** Secrets are never printed; outputs show a fingerprint instead. */
  secret: boolean;
  description: string;
  example: string;
  /** One line for `scimsim diff`: what can go wrong when this variable changes. */
  risk?: string;
  /**
   * Variables that only make sense together (credentials of one auth mode) share a unit;
   * attribution moves a unit as one change.
   */
  unit?: string;
  /** A user variable (from `--catalog`) that turns this scenario stage off when `false`. */
  switches?: SwitchableStage;
  /** Where a user variable was declared, for messages; absent for built-in variables. */
  declaredAt?: { file: string; line: number };
}

/** Lifecycle stages a user's switch may turn off (the stages blocked accounts are reported at). */
export const SWITCHABLE_STAGES = ['create', 'update', 'deactivate', 'reactivate', 'delete', 'group'] as const;
export type SwitchableStage = (typeof SWITCHABLE_STAGES)[number];

const builtIn: readonly CatalogEntry[] = [
  {
    name: 'SCIM_API_BASE_URL',
    type: { kind: 'url' },
    required: true,
    secret: false,
    description: 'SCIM service root; may reference ${SCIM_TENANT_ID}',
    example: 'https://staging.example.com/scim/v2',
    risk: 'every request goes to the new root; a wrong path or tenant answers 404 for every account',
    unit: 'endpoint',
  },
  {
    name: 'SCIM_TENANT_ID',
    type: { kind: 'string' },
    secret: false,
    description: 'tenant identifier',
    example: 'acme-staging',
    risk: 'a wrong tenant sends every account to another directory or to 404',
    unit: 'endpoint',
  },
  {
    name: 'SCIM_AUTH_MODE',
    type: { kind: 'enum', values: ['bearer', 'oauth2'] },
    default: 'bearer',
    secret: false,
    description: 'how requests are authorised',
    example: 'bearer',
    risk: 'every request authenticates differently; missing credentials block every account',
    unit: 'auth',
  },
  {
    name: 'SCIM_AUTH_TOKEN',
    type: { kind: 'secret' },
    requiredWhen: { variable: 'SCIM_AUTH_MODE', equals: 'bearer' },
    secret: true,
    description: 'bearer token (required when SCIM_AUTH_MODE=bearer)',
    example: '',
    risk: 'a token the target does not accept yet blocks every account (401)',
    unit: 'auth',
  },
  {
    name: 'SCIM_OAUTH_TOKEN_URL',
    type: { kind: 'url' },
    requiredWhen: { variable: 'SCIM_AUTH_MODE', equals: 'oauth2' },
    secret: false,
    description: 'OAuth 2.0 client-credentials token endpoint (required when oauth2)',
    example: 'https://login.example.com/oauth2/token',
    risk: 'a wrong token endpoint fails the token request, blocking every account',
    unit: 'auth',
  },
  {
    name: 'SCIM_OAUTH_CLIENT_ID',
    type: { kind: 'string' },
    requiredWhen: { variable: 'SCIM_AUTH_MODE', equals: 'oauth2' },
    secret: false,
    description: 'OAuth client id (required when oauth2)',
    example: 'scimsim-staging',
    risk: 'an unknown client gets invalid_client, blocking every account',
    unit: 'auth',
  },
  {
    name: 'SCIM_OAUTH_CLIENT_SECRET',
    type: { kind: 'secret' },
    requiredWhen: { variable: 'SCIM_AUTH_MODE', equals: 'oauth2' },
    secret: true,
    description: 'OAuth client secret (required when oauth2)',
    example: '',
    risk: 'a secret the token endpoint does not accept yet blocks every account',
    unit: 'auth',
  },
  {
    name: 'SCIM_OAUTH_SCOPE',
    type: { kind: 'string' },
    secret: false,
    description: 'requested scope(s), space-separated',
    example: 'scim.read scim.write',
    risk: 'a scope the client may not request gets invalid_scope; a read-only scope blocks every write',
    unit: 'auth',
  },
  {
    name: 'SCIM_PAGE_SIZE',
    type: { kind: 'integer', min: 1, max: 1000 },
    default: '100',
    secret: false,
    description: '`count` used when listing',
    example: '100',
    risk: "above the server's filter.maxResults some servers answer 400 tooMany, so full syncs never find leavers",
  },
  {
    name: 'SCIM_MAX_CONCURRENCY',
    type: { kind: 'integer', min: 1, max: 256 },
    default: '8',
    secret: false,
    description: 'requests in flight',
    example: '8',
    risk: "more requests in flight can trip the server's rate limit (429) and time out slow requests",
  },
  {
    name: 'SCIM_RATE_LIMIT_RPS',
    type: { kind: 'number', min: 0 },
    default: '0',
    secret: false,
    description: 'client-side request rate cap, 0 = none',
    example: '25',
    risk: "a cap above the server's limit, or none, lets bursts meet 429s",
  },
  {
    name: 'SCIM_TIMEOUT_MS',
    type: { kind: 'integer', min: 100, max: 120_000 },
    default: '10000',
    secret: false,
    description: 'per-request timeout in milliseconds',
    example: '10000',
    risk: "below the server's slow-tail latency, requests time out and accounts are left half done",
  },
  {
    name: 'SCIM_MAX_RETRIES',
    type: { kind: 'integer', min: 0, max: 10 },
    default: '3',
    secret: false,
    description: 'retries on 429/5xx/network errors, honouring Retry-After',
    example: '3',
    risk: 'fewer retries turn every transient 429 or 5xx into a blocked account',
  },
  {
    name: 'SCIM_USER_MATCH_ATTRIBUTE',
    type: { kind: 'enum', values: ['userName', 'externalId'] },
    default: 'userName',
    secret: false,
    description: 'how an existing account is looked up',
    example: 'userName',
    risk: 'servers that cannot filter on the new attribute miss existing accounts and answer 409 on create',
  },
  {
    name: 'SCIM_UPDATE_METHOD',
    type: { kind: 'enum', values: ['patch', 'put'] },
    default: 'patch',
    secret: false,
    description: 'how attribute changes are sent',
    example: 'patch',
    risk: 'a server without support for the new method rejects every update',
  },
  {
    name: 'SCIM_DEACTIVATION_MODE',
    type: { kind: 'enum', values: ['patch', 'put', 'delete'] },
    default: 'patch',
    secret: false,
    description: 'how a leaver is deactivated',
    example: 'patch',
    risk: 'delete is irreversible, and servers that forbid DELETE keep every leaver active',
  },
  {
    name: 'SCIM_USERNAME_DOMAIN',
    type: { kind: 'hostname' },
    default: 'example.com',
    secret: false,
    description: 'domain of generated userNames',
    example: 'example.com',
    risk: 'servers that allow only some userName domains reject every create',
  },
  {
    name: 'SCIM_ENVIRONMENT',
    type: { kind: 'enum', values: ['development', 'test', 'staging', 'production'] },
    default: 'staging',
    secret: false,
    description: 'what the target is; live runs refuse production without explicit consent',
    example: 'staging',
  },
];

const entries: CatalogEntry[] = [...builtIn];
const byName = new Map<string, CatalogEntry>(entries.map((e) => [e.name, e]));

/**
 * The catalog: the built-in variables, then the user's own from `--catalog`. It is one map for the
 * whole process because validation, redaction, diff and attribution all read it (decision 052).
 */
export const catalog: ReadonlyMap<string, CatalogEntry> = byName;

/** The catalog in its documented order (built-in first, then the user's own). */
export function listCatalog(): readonly CatalogEntry[] {
  return entries;
}

/** True for a variable scimsim ships (never one from `--catalog`). */
export function isBuiltInVariable(name: string): boolean {
  return builtIn.some((e) => e.name === name);
}

/**
 * Adds the user's own variables for this invocation, replacing any added before. The CLI calls
 * it once per command, before anything is loaded; {@link clearUserVariables} undoes it.
 */
export function registerUserVariables(own: readonly CatalogEntry[]): void {
  clearUserVariables();
  for (const entry of own) {
    entries.push(entry);
    byName.set(entry.name, entry);
  }
}

/** Back to the built-in catalog alone. */
export function clearUserVariables(): void {
  for (const entry of entries.splice(builtIn.length)) byName.delete(entry.name);
}

/** Only names with this prefix are checked for typos; other variables are the user's own. */
export const CATALOG_PREFIX = 'SCIM_';

/**
 * The catalog name an unknown `SCIM_*` name is most likely a typo of, or undefined when none is
 * close (edit distance within a fifth of the name, at least 2).
 */
export function suggestCatalogName(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (!upper.startsWith(CATALOG_PREFIX) || catalog.has(name)) return undefined;
  const suggestion = closest(upper, [...catalog.keys()]);
  return distance(upper, suggestion) <= Math.max(2, Math.floor(suggestion.length / 5)) ? suggestion : undefined;
}

/**
 * True when a variable's value must never be printed. The catalog decides for its own names
 * (`SCIM_OAUTH_TOKEN_URL` is a URL, shown in full); a typo of a catalog secret (`SCIM_AUTH_TOKN`)
 * is secret; any other name is secret when one of its words looks like a credential.
 */
export function isSecretName(name: string): boolean {
  const own = catalog.get(name);
  if (own) return own.secret;
  if (catalog.get(suggestCatalogName(name) ?? '')?.secret) return true;
  return looksSecret(name);
}

/** Words that are credentials in part of a word too (`SCIM_AUTHTOKEN`, `SCIM_CLIENTSECRET`, `SCIM_PASSWD`). */
const SECRET_PARTS = /PASS|PASSWORD|SECRET|SECRT|TOKEN|TOKN|AUTHORIZATION|JWT|SESSION|COOKIE|CREDENTIAL|BEARER|PRIVATE/;
/** Short words that are credentials only as a whole word, or a word's end for KEY (`SCIM_APIKEY`). */
const SECRET_WORDS = /^(?:PW|PWD|AUTH|AUTHZ|[A-Z0-9]*KEY|SIG|SIGNATURE|CERT|PIN|OTP|HMAC|SALT)$/;
/** An endpoint's address is not the credential it hands out. */
const ENDPOINT_OF_TOKEN = /TOKEN[_.-]?(?:URL|URI|ENDPOINT|HOST|PATH)(?=$|[_.-])/g;

/** The name heuristic for variables the catalog does not know. */
export function looksSecret(name: string): boolean {
  const upper = name.toUpperCase().replace(ENDPOINT_OF_TOKEN, 'ENDPOINT');
  if (SECRET_PARTS.test(upper)) return true;
  return upper.split(/[_.-]+/).some((word) => SECRET_WORDS.test(word));
}

/** Human text for a variable's type, as shown in `scimsim vars` and the README. */
export function describeType(type: VariableType): string {
  switch (type.kind) {
    case 'url':
      return 'URL';
    case 'string':
      return 'string';
    case 'secret':
      return 'secret';
    case 'hostname':
      return 'hostname';
    case 'boolean':
      return '`true` or `false`';
    case 'enum':
      return type.values.map((v) => `\`${v}\``).join(' or ');
    case 'integer':
      return `integer ${type.min}..${type.max}`;
    case 'number':
      return type.max === undefined ? `number >= ${type.min}` : `number ${type.min}..${type.max}`;
  }
}
