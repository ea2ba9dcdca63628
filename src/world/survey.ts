import type { ScimSettings } from '../env/settings.js';
import type { Clock } from '../scim/clock.js';
import { parseRetryAfterMs } from '../scim/retry-timing.js';
import { TransportError, type Transport } from '../scim/transport.js';
import { SCIM_CONTENT_TYPE, type JsonValue } from '../scim/types.js';

/** One answer of the survey, or why none came. */
export interface Probe {
  status: number;
  body: JsonValue | undefined;
  headers: Record<string, string>;
  /** `timeout` or a network error code when no answer came. */
  error?: string;
  latencyMs: number;
}

/** The kinds of request a survey sends; the keys of `capturedFrom.samples`. */
export type SurveyKind = 'token' | 'discovery' | 'list' | 'search' | 'get';

/** Rate-limit headers a server may send (draft-ietf-httpapi-ratelimit-headers and the X- forms). */
const RATE_LIMIT_HEADER = /^(x-)?rate-?limit/i;

/**
 * A read-only way to the target: GET requests (and the OAuth token request) only, one at a time,
 * each bounded by SCIM_TIMEOUT_MS, at most `budget` of them. It counts what it sent per kind, the
 * 429s it met with their Retry-After, and waits out a Retry-After once rather than retrying, so
 * a rate-limited staging server sees no more than the budget.
 */
export class Survey {
  readonly samples: Record<string, number> = {};
  readonly retryAfterMs: number[] = [];
  /** Rate-limit headers seen, each with the last value it carried. */
  readonly rateLimitHeaders = new Map<string, string>();
  /** Latency of each answered request (429s aside) per kind, in ms. */
  readonly latencies = new Map<SurveyKind, number[]>();
  throttled = 0;
  #sent = 0;
  #token: string | undefined;
  /** Why the token request failed, when it did: no further request is sent then. */
  tokenFailure: string | undefined;
  readonly #settings: ScimSettings;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #budget: number;
  readonly #base: string;

  constructor(settings: ScimSettings, transport: Transport, clock: Clock, budget: number) {
    this.#settings = settings;
    this.#transport = transport;
    this.#clock = clock;
    this.#budget = budget;
    this.#base = settings.baseUrl.replace(/\/+$/, '');
  }

  /** Requests still allowed. */
  get left(): number {
    return this.#budget - this.#sent;
  }

  /** GET `path` below the SCIM root; undefined when the budget is spent. */
  async get(kind: SurveyKind, path: string): Promise<Probe | undefined> {
    if (this.left <= 0) return undefined;
    const authorization = await this.#authorization();
    if (authorization === undefined || this.left <= 0) return undefined;
    return this.#send(kind, { method: 'GET', url: `${this.#base}${path}`, headers: { accept: SCIM_CONTENT_TYPE, authorization } });
  }

  async #authorization(): Promise<string | undefined> {
    const auth = this.#settings.auth;
    if (auth.mode === 'bearer') return `Bearer ${auth.token}`;
    if (this.#token !== undefined) return `Bearer ${this.#token}`;
    if (this.tokenFailure !== undefined) return undefined;
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret });
    if (auth.scope !== undefined) form.set('scope', auth.scope);
    const answer = await this.#send('token', {
      method: 'POST',
      url: auth.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const body = answer.body;
    const token = body !== null && typeof body === 'object' && !Array.isArray(body) && typeof body.access_token === 'string' ? body.access_token : undefined;
    this.#token = token;
    if (token === undefined) this.tokenFailure = answer.error ?? `HTTP ${answer.status}`;
    return token === undefined ? undefined : `Bearer ${token}`;
  }

  async #send(kind: SurveyKind, request: { method: string; url: string; headers: Record<string, string>; body?: string }): Promise<Probe> {
    this.#sent++;
    this.samples[kind] = (this.samples[kind] ?? 0) + 1;
    const started = this.#clock.now();
    try {
      const response = await this.#transport({ ...request, timeoutMs: this.#settings.timeoutMs });
      const latencyMs = this.#clock.now() - started;
      for (const [name, value] of Object.entries(response.headers)) if (RATE_LIMIT_HEADER.test(name)) this.rateLimitHeaders.set(name.toLowerCase(), value);
      if (response.status === 429) await this.#throttle(response.headers['retry-after']);
      else this.#time(kind, latencyMs);
      return { status: response.status, body: parse(response.body), headers: response.headers, latencyMs };
    } catch (error) {
      const code = error instanceof TransportError ? error.code : 'network';
      return { status: 0, body: undefined, headers: {}, error: code, latencyMs: this.#clock.now() - started };
    }
  }

  #time(kind: SurveyKind, ms: number): void {
    const list = this.latencies.get(kind);
    if (list) list.push(ms);
    else this.latencies.set(kind, [ms]);
  }

  /** Waits out one Retry-After (at most the timeout), so the next probe does not meet the same limit. */
  async #throttle(retryAfter: string | undefined): Promise<void> {
    this.throttled++;
    const ms = retryAfter === undefined ? undefined : parseRetryAfterMs(retryAfter, Date.now());
    if (ms !== undefined) this.retryAfterMs.push(ms);
    await this.#clock.sleep(Math.min(ms ?? 1000, this.#settings.timeoutMs));
  }
}

function parse(text: string): JsonValue | undefined {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}
