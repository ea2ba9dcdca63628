import { scrubSecrets } from '../redact.js';

/** Server text shown to the user is cut here: enough to recognise a message, too short to flood a report. */
export const ECHO_LIMIT = 120;

/**
 * Prepares text a server sent (an error_description, a SCIM error detail, a page title) for a
 * step's detail: secrets become fingerprints, whitespace collapses, and it is cut to
 * {@link ECHO_LIMIT} characters. Scrubbing comes first so a cut can never leave half a secret.
 */
export function echoServerText(text: string, secrets: readonly string[]): string {
  const flat = scrubSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return flat.length <= ECHO_LIMIT ? flat : `${flat.slice(0, ECHO_LIMIT - 1)}…`;
}

/** A URL as it may be shown: user info removed, since validation may not have run on it. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return '(not a URL)';
  }
}

/**
 * True for an answer that is a web page rather than an API response: a login page, a proxy's
 * error page. A JSON body wins over a wrong Content-Type, which some servers send.
 */
export function looksLikeHtml(contentType: string, text: string): boolean {
  if (/^\s*[[{]/.test(text)) return false;
  return /html/i.test(contentType) || /^\s*<(?:!doctype|html|head|body)/i.test(text);
}

/** The `<title>` of an HTML page, which usually names the login page or proxy that answered. */
export function htmlTitle(text: string): string | undefined {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(text);
  const title = match?.[1]?.trim();
  return title === undefined || title === '' ? undefined : title;
}

/** The parts of a SCIM error body (RFC 7644 section 3.12) worth echoing. */
export interface ScimErrorBody {
  scimType?: string;
  detail?: string;
}

/** Reads `scimType` and `detail` from a SCIM error body; tolerant of servers that send neither. */
export function readScimError(json: unknown): ScimErrorBody {
  const error: ScimErrorBody = {};
  if (!isRecord(json)) return error;
  if (typeof json['scimType'] === 'string') error.scimType = json['scimType'];
  if (typeof json['detail'] === 'string') error.detail = json['detail'];
  return error;
}

/** Narrows parsed JSON to an object; the one place the preflight looks inside untyped answers. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `schemas` of a SCIM resource, or an empty list when absent or malformed. */
export function schemasOf(json: unknown): string[] {
  if (!isRecord(json) || !Array.isArray(json['schemas'])) return [];
  return json['schemas'].filter((s): s is string => typeof s === 'string');
}
