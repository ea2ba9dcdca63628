import { createHash } from 'node:crypto';
import type { BearerTokenSpec, OAuthClientSpec, ValidityWindow } from '../profile/types.js';
import { ScimHttpError } from './errors.js';
import type { Reply } from './http.js';

export interface CredentialSpec {
  bearerTokens: readonly BearerTokenSpec[];
  oauthClients: readonly OAuthClientSpec[];
  accessTokenTtlSeconds: number;
}

function within(window: ValidityWindow, now: number): boolean {
  return (window.validFromMs === undefined || now >= window.validFromMs) && (window.validUntilMs === undefined || now < window.validUntilMs);
}

/**
 * Who may call the provider: static bearer tokens (each optionally valid only within a window
 * of the run, so a rotation can be rehearsed) and access tokens issued by the client-credentials
 * token endpoint (RFC 6749 section 4.4), which expire.
 */
export class CredentialBook {
  readonly #spec: CredentialSpec;
  readonly #issued = new Map<string, number>();
  readonly #seed: string;
  #counter = 0;

  constructor(spec: CredentialSpec, seed: string | number) {
    this.#spec = spec;
    this.#seed = String(seed);
  }

  /** Throws 401 with WWW-Authenticate (RFC 6750 section 3) unless the request carries a valid token now. */
  authorize(authorization: string | undefined, now: number): void {
    const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '');
    if (!match) throw unauthorized('missing bearer token', 'invalid_request');
    const token = match[1] ?? '';
    if (this.#spec.bearerTokens.some((t) => t.token === token && within(t, now))) return;
    const expires = this.#issued.get(token);
    if (expires !== undefined && now < expires) return;
    const known = this.#spec.bearerTokens.some((t) => t.token === token) || expires !== undefined;
    throw unauthorized(known ? 'the token is expired or not valid yet' : 'the token is not valid', 'invalid_token');
  }

  /** The client-credentials grant: an access token for a known client with allowed scopes. */
  issueToken(body: string | undefined, authorization: string | undefined, now: number): Reply {
    const form = new URLSearchParams(body ?? '');
    let clientId = form.get('client_id') ?? undefined;
    let clientSecret = form.get('client_secret') ?? undefined;
    const basic = /^Basic\s+(.+)$/i.exec(authorization?.trim() ?? '');
    if (basic) {
      // RFC 6749 section 2.3.1: id and secret are form-urlencoded before Base64.
      const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    }
    const client = this.#spec.oauthClients.find((c) => c.clientId === clientId && c.clientSecret === clientSecret && within(c, now));
    if (!client) return oauthError(401, 'invalid_client', 'client authentication failed', { 'www-authenticate': 'Basic realm="scimsim"' });
    const requested = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '');
    const allowed = client.scopes ?? [];
    const refused = allowed.length === 0 ? undefined : requested.find((s) => !allowed.includes(s));
    if (refused) return oauthError(400, 'invalid_scope', `scope ${refused} is not allowed for this client`);
    const token = `at_${createHash('sha256').update(`${this.#seed}:token:${this.#counter++}`).digest('hex').slice(0, 40)}`;
    const ttl = this.#spec.accessTokenTtlSeconds;
    this.#issued.set(token, now + ttl * 1000);
    const granted = requested.length > 0 ? requested : allowed;
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
      body: JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: ttl, ...(granted.length > 0 ? { scope: granted.join(' ') } : {}) }),
    };
  }
}

function unauthorized(detail: string, error: string): ScimHttpError {
  return new ScimHttpError(401, `Authorization failed: ${detail}`, undefined, {
    'www-authenticate': `Bearer realm="scimsim", error="${error}", error_description="${detail}"`,
  });
}

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify({ error, error_description: description }),
  };
}
