import type { Clock } from '../clock.js';
import type { Transport } from '../transport.js';
import type { HttpOutcome } from './http.js';

/**
 * Where the client's bearer token comes from. A failure to get one is an outcome (the request
 * is then reported with it), not an exception.
 */
export interface TokenSource {
  get(): Promise<string | HttpOutcome>;
  /** The token at hand when no request for one is needed (the hot path, with no await). */
  current(): string | undefined;
  invalidate(): void;
  /** Whether a fresh token could differ from the current one (OAuth yes, a static token no). */
  readonly refreshable: boolean;
}

export function staticToken(token: string): TokenSource {
  return { get: async () => token, current: () => token, invalidate: () => undefined, refreshable: false };
}

export interface OAuthOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string | undefined;
  transport: Transport;
  clock: Clock;
  timeoutMs: number;
  onSend?: (method: string) => void;
}

/** Tokens are renewed this long before they expire, so none expires in flight. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4): one token request at a time, the token
 * cached until shortly before `expires_in`, and dropped on a 401 so the next request gets a new one.
 */
export function clientCredentials(o: OAuthOptions): TokenSource {
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string | HttpOutcome> | undefined;
  const fetchToken = async (): Promise<string | HttpOutcome> => {
    const started = o.clock.now();
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (o.scope) form.set('scope', o.scope);
    const basic = Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`).toString('base64');
    const controller = new AbortController();
    const cancel = new AbortController();
    o.clock.sleep(o.timeoutMs, cancel.signal).then(() => controller.abort(new Error('timeout')), () => undefined);
    o.onSend?.('POST');
    try {
      const response = await o.transport({
        method: 'POST',
        url: o.tokenUrl,
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: controller.signal,
      });
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(response.body) as Record<string, unknown>;
      } catch {
        json = {};
      }
      if (response.status === 200 && typeof json.access_token === 'string') {
        const ttl = typeof json.expires_in === 'number' ? json.expires_in * 1000 : 3_600_000;
        cached = { token: json.access_token, expiresAt: o.clock.now() + ttl };
        return json.access_token;
      }
      const outcome: HttpOutcome = { ok: false, status: response.status, attempts: 1, latencyMs: o.clock.now() - started, body: undefined, headers: response.headers };
      outcome.scimType = typeof json.error === 'string' ? json.error : 'token-request-failed';
      return outcome;
    } catch (error) {
      const timedOut = controller.signal.aborted;
      const code = (error as { code?: string }).code;
      return { ok: false, status: 0, error: timedOut ? 'timeout' : (code ?? 'network'), attempts: 1, latencyMs: o.clock.now() - started, body: undefined, headers: {} };
    } finally {
      cancel.abort();
    }
  };
  return {
    refreshable: true,
    invalidate: () => {
      cached = undefined;
    },
    current: () => (cached && o.clock.now() < cached.expiresAt - REFRESH_MARGIN_MS ? cached.token : undefined),
    get: async () => {
      if (cached && o.clock.now() < cached.expiresAt - REFRESH_MARGIN_MS) return cached.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
