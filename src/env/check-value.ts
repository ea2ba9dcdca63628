import { closest } from 'fastest-levenshtein';
import type { CatalogEntry } from './catalog.js';
import { quotedValue } from './excerpt.js';
import { maskUrlSecrets } from './redact.js';

/** What is wrong with one value, before it is tied to a variable and a line. */
export interface ValueFinding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  hint?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True for hosts that never leave the machine (`localhost`, `127.0.0.0/8`, `[::1]`, `*.localhost`). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(host);
}

const PLACEHOLDER =
  /^(?:change[-_ ]?me|replace[-_ ]?me|placeholder|todo|tbd|fixme|x{3,}|\*{3,}|secret|password|token|example|dummy|test|none|null|undefined|<[^>]*>|\{\{[^}]*\}\}|your[-_ ]?\w*)$/i;
const PLACEHOLDER_INSIDE = /(?:changeme|change_me|replace_me|your[-_]?(?:token|secret|client[-_]?secret|api[-_]?key)[-_]?here)/i;

/** Checks a non-empty value against its catalog type. The value of a secret never enters a message. */
export function checkValue(entry: CatalogEntry, value: string): ValueFinding[] {
  const type = entry.type;
  switch (type.kind) {
    case 'url':
      return checkUrl(value);
    case 'integer': {
      if (!/^[+-]?\d+$/.test(value.trim())) {
        return [{ severity: 'error', code: 'not-an-integer', message: `${quotedValue(value)} is not a whole number`, hint: `use an integer from ${type.min} to ${type.max}` }];
      }
      return checkRange(Number(value), type.min, type.max);
    }
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) {
        return [{ severity: 'error', code: 'not-a-number', message: `${quotedValue(value)} is not a number`, hint: `use a number >= ${type.min}` }];
      }
      return checkRange(n, type.min, type.max);
    }
    case 'enum':
      return checkEnum(value, type.values);
    case 'boolean':
      return checkEnum(value, ['true', 'false']);
    case 'hostname':
      return checkHostname(value);
    case 'secret':
      return checkSecret(value);
    case 'string':
      return value !== value.trim()
        ? [{ severity: 'warning', code: 'surrounding-whitespace', message: 'has leading or trailing whitespace', hint: 'remove the spaces' }]
        : [];
  }
}

function checkRange(n: number, min: number, max: number | undefined): ValueFinding[] {
  if (n < min) return [{ severity: 'error', code: 'out-of-range', message: `${n} is below the minimum ${min}`, hint: rangeHint(min, max) }];
  if (max !== undefined && n > max) {
    return [{ severity: 'error', code: 'out-of-range', message: `${n} is above the maximum ${max}`, hint: rangeHint(min, max) }];
  }
  return [];
}

function rangeHint(min: number, max: number | undefined): string {
  return max === undefined ? `use a value >= ${min}` : `use a value from ${min} to ${max}`;
}

function checkEnum(value: string, values: readonly string[]): ValueFinding[] {
  if (values.includes(value)) return [];
  const sameLetters = values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
  const suggestion = sameLetters ?? closest(value, [...values]);
  return [
    {
      severity: 'error',
      code: 'unknown-value',
      message: `${quotedValue(value)} is not one of ${values.join(', ')}`,
      hint: sameLetters ? `values are case-sensitive: write ${sameLetters}` : `did you mean ${suggestion}?`,
    },
  ];
}

/**
 * Checks the expanded value. A `${...}` left in it (unresolved, nested, or single-quoted) is an
 * error of its own, and the rest of the URL (scheme, host, userinfo) is still checked around it:
 * a literal `${` must not switch the clear-text and credential checks off.
 */
function checkUrl(value: string): ValueFinding[] {
  const findings: ValueFinding[] = [];
  if (value.includes('${')) {
    findings.push({ severity: 'error', code: 'url-unexpanded', message: 'still holds a ${...} reference after expansion, which would be sent as written', hint: 'set the variable it references, or remove the reference' });
  }
  let url: URL;
  try {
    url = new URL(value.replace(/\$\{[^}]*\}?/g, 'x'));
  } catch {
    return [...findings, { severity: 'error', code: 'url-malformed', message: `${quotedValue(maskUrlSecrets(value))} is not a valid URL`, hint: 'write an absolute URL such as https://staging.example.com/scim/v2' }];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    findings.push({ severity: 'error', code: 'url-scheme', message: `uses ${url.protocol.replace(':', '')}, not http(s)`, hint: 'use an https:// URL' });
  } else if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    findings.push({
      severity: 'error',
      code: 'url-plain-http',
      message: `sends credentials in clear text: plain http to ${url.hostname}`,
      hint: 'use https://; plain http is accepted only for loopback hosts (localhost, 127.0.0.1)',
    });
  }
  if (url.username !== '' || url.password !== '') {
    findings.push({ severity: 'error', code: 'url-credentials', message: 'embeds credentials in the URL', hint: 'remove user:password@ and use the auth variables' });
  }
  if (url.search !== '' || url.hash !== '') {
    findings.push({ severity: 'error', code: 'url-query', message: 'has a query string or fragment', hint: 'remove everything from ? or #' });
  }
  return findings;
}

function checkHostname(value: string): ValueFinding[] {
  if (value.includes('@')) {
    return [{ severity: 'error', code: 'hostname-invalid', message: `${quotedValue(value)} is not a hostname`, hint: `give the domain only: ${value.slice(value.lastIndexOf('@') + 1).slice(0, 60)}` }];
  }
  const ok = value.length <= 253 && /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(value);
  return ok ? [] : [{ severity: 'error', code: 'hostname-invalid', message: `${quotedValue(value)} is not a hostname`, hint: 'use a domain such as example.com' }];
}

function checkSecret(value: string): ValueFinding[] {
  const findings: ValueFinding[] = [];
  if (value !== value.trim()) {
    findings.push({ severity: 'error', code: 'secret-whitespace', message: 'has leading or trailing whitespace, which the server will not accept', hint: 'remove the spaces around the value' });
  }
  const inner = value.trim();
  if (/^(['"`]).*\1$/s.test(inner) || /^['"`]|['"`]$/.test(inner)) {
    findings.push({ severity: 'error', code: 'secret-quoted', message: 'still has quote characters around it after parsing', hint: 'quote the value once: KEY="value"' });
  }
  if (/^bearer\s/i.test(inner)) {
    findings.push({ severity: 'error', code: 'secret-bearer-prefix', message: 'starts with "Bearer "; scimsim adds the scheme itself', hint: 'keep only the token' });
  }
  if (/[\r\n]/.test(inner)) {
    findings.push({ severity: 'error', code: 'secret-newline', message: 'contains a line break', hint: 'put the token on one line' });
  }
  const bare = inner.replace(/^(['"`])(.*)\1$/s, '$2');
  if (PLACEHOLDER.test(bare) || PLACEHOLDER_INSIDE.test(bare)) {
    findings.push({ severity: 'error', code: 'secret-placeholder', message: 'is a placeholder, not a real credential', hint: 'set the real value, e.g. from your secret store in CI' });
  }
  return findings;
}
