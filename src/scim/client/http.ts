import type { Clock } from '../clock.js';
import type { Random } from '../random.js';
import { Redactor } from '../../env/redact.js';
import { RETRY_AFTER_CAP_MS, backoffDelayMs, parseRetryAfterMs, retryAfterWaitMs } from '../retry-timing.js';
import { SCIM_CONTENT_TYPE, type JsonValue } from '../types.js';
import { TransportError, type Transport, type TransportResponse } from '../transport.js';
import type { TokenSource } from './auth.js';
import type { RatePacer } from './limiter.js';

/** What one logical request came to, after retries. HTTP failures are data here, never exceptions. */
export interface HttpOutcome {
  ok: boolean;
  /** The last HTTP status; 0 when no answer came (timeout, network error). */
  status: number;
  scimType?: string;
  detail?: string;
  /** `timeout` or a network error code (ECONNRESET, ECONNREFUSED, ENOTFOUND...) when no answer came. */
  error?: string;
  /**
   * The reference attribute this failure is about, when the failed request set only that
   * attribute (Entra's manager in a PATCH of its own): the run's other changes were applied.
   */
  reference?: 'manager';
  attempts: number;
  latencyMs: number;
  body: JsonValue | undefined;
  headers: Record<string, string>;
  /** Attempts answered 429, when any were (set only then, to keep the common path lean). */
  throttled?: number;
  /** The Retry-After each 429 carried, in ms (only when a 429 carried one). */
  retryAfterMs?: number[];
}

export interface HttpRequest {
  method: string;
  /** Path below the SCIM root (`/Users?filter=...`) or an absolute URL. */
  path: string;
  body?: JsonValue;
  headers?: Record<string, string>;
  /**
   * Nothing reads a success's reply body (a PATCH the client acts on by status alone): it is
   * not parsed, and the outcome's body stays undefined. Errors are parsed as ever.
   */
  ignoreBody?: boolean;
  /**
   * Do not retry when no answer came (timeout, reset): the server may have acted (a create), so
   * the caller looks first and retries itself. 429 and 5xx answers are still retried.
   */
  noRetryWithoutAnswer?: boolean;
}

export interface HttpOptions {
  baseUrl: string;
  transport: Transport;
  clock: Clock;
  random: Random;
  timeoutMs: number;
  maxRetries: number;
  tokens: TokenSource;
  pacer: RatePacer;
  userAgent: string;
  /** Counts every request sent, retries included. */
  onSend?: (method: string) => void;
  /**
   * Asked before every attempt: a reason to refuse it (`not-ours`, `request-cap`) or undefined.
   * A refused request is never sent and never retried.
   */
  gate?: (method: string, path: string) => { error: string; detail: string } | undefined;
  /**
   * The run's interrupt, asked before each wait (backoff, Retry-After, the rate pacer): a wait it
   * aborts ends the request at once as `interrupted`. Undefined while cleaning up, which must wait.
   */
  interrupt?: () => AbortSignal | undefined;
  /** Knows the credentials this client sends: server text it keeps is scrubbed of them (and their encodings). */
  redactor?: Redactor;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
/** Errors a retry cannot change: the answer was too large, or the run was interrupted. */
const FINAL_ERRORS = new Set(['response-too-large', 'interrupted']);
/** Server text kept in a ledger or report is cut here: enough to recognise it, too short to flood. */
const DETAIL_LIMIT = 200;
const SCIM_TYPE_LIMIT = 64;

/**
 * Sends SCIM requests the way SCIM_TIMEOUT_MS and SCIM_MAX_RETRIES say: each attempt bounded
 * by the timeout, retries on 429, 5xx, timeouts and network errors with exponential backoff and
 * jitter, Retry-After honoured (RFC 7644 section 3.12 says 429 may carry it), and one token
 * refresh on 401 (the token may have expired in flight).
 */
export class ScimHttp {
  readonly #o: HttpOptions;
  readonly #redactor: Redactor;

  constructor(options: HttpOptions) {
    this.#o = options;
    this.#redactor = options.redactor ?? new Redactor();
  }

  /** Waits `ms` unless the run is interrupted first; false when interrupted. */
  async #wait(ms: number): Promise<boolean> {
    const signal = this.#o.interrupt?.();
    if (signal === undefined) {
      await this.#o.clock.sleep(ms);
      return true;
    }
    if (signal.aborted) return false;
    try {
      await this.#o.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }

  async send(request: HttpRequest): Promise<HttpOutcome> {
    const o = this.#o;
    const started = o.clock.now();
    const url = request.path.charCodeAt(0) === 47 || !/^https?:\/\//.test(request.path) ? `${o.baseUrl}${request.path}` : request.path;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    let attempts = 0;
    let refreshed = false;
    let throttled = 0;
    let retryAfters: number[] | undefined;
    for (;;) {
      const refused = o.gate?.(request.method, request.path);
      if (refused) return withThrottles({ ok: false, status: 0, ...refused, attempts, latencyMs: o.clock.now() - started, body: undefined, headers: {} }, throttled, retryAfters);
      attempts++;
      const token = o.tokens.current() ?? (await o.tokens.get());
      const outcome = typeof token === 'string' ? await this.#attempt(request.method, url, body, token, request.headers, request.ignoreBody === true) : token;
      if (!outcome.ok) this.#sanitize(outcome, token);
      if (outcome.status === 401 && !refreshed && o.tokens.refreshable) {
        refreshed = true;
        o.tokens.invalidate();
        attempts--;
        continue;
      }
      const retryAfterHeader = outcome.headers['retry-after'];
      const retryAfter = retryAfterHeader === undefined ? undefined : parseRetryAfterMs(retryAfterHeader, Date.now());
      if (outcome.status === 429) {
        throttled++;
        if (retryAfter !== undefined) (retryAfters ??= []).push(retryAfter);
      }
      const retryable = outcome.error !== undefined ? request.noRetryWithoutAnswer !== true && !FINAL_ERRORS.has(outcome.error) : RETRYABLE.has(outcome.status);
      const waited = retryable && attempts <= o.maxRetries ? await this.#wait(retryAfter === undefined ? backoffDelayMs(attempts, o.random.next()) : retryAfterWaitMs(retryAfter)) : undefined;
      if (waited === false) {
        return withThrottles({ ok: false, status: outcome.status, error: 'interrupted', attempts, latencyMs: o.clock.now() - started, body: undefined, headers: outcome.headers }, throttled, retryAfters);
      }
      if (waited === undefined) {
        // A fresh outcome from this attempt is ours to complete; a token failure may be shared.
        const final = typeof token === 'string' ? outcome : { ...outcome };
        final.attempts = attempts;
        final.latencyMs = o.clock.now() - started;
        const asked = retryAfters === undefined ? 0 : Math.max(...retryAfters);
        if (final.status === 429 && asked > RETRY_AFTER_CAP_MS) {
          final.detail = `the server asked to wait ${Math.round(asked / 1000)} s (Retry-After); scimsim waits at most ${RETRY_AFTER_CAP_MS / 1000} s`;
        }
        return withThrottles(final, throttled, retryAfters);
      }
    }
  }

  /**
   * Server text is hostile input: a server may echo the Authorization header, the Basic
   * credentials or a token in `detail` or `scimType`. Both are scrubbed and cut before anything
   * keeps them; only error answers pay for it.
   */
  #sanitize(outcome: HttpOutcome, token: string | HttpOutcome): void {
    if (outcome.detail === undefined && outcome.scimType === undefined) return;
    if (typeof token === 'string') this.#redactor.addSecret(token);
    if (outcome.detail !== undefined) outcome.detail = cleanServerText(this.#redactor.scrub(outcome.detail), DETAIL_LIMIT);
    if (outcome.scimType !== undefined) outcome.scimType = cleanServerText(this.#redactor.scrub(outcome.scimType), SCIM_TYPE_LIMIT);
  }

  /** Waits as a retry after `attempts` failed attempts would (for callers that retry themselves); an interrupt cuts it short. */
  async backoff(attempts: number): Promise<void> {
    await this.#wait(backoffDelayMs(attempts, this.#o.random.next()));
  }

  async #attempt(method: string, url: string, body: string | undefined, token: string, extra: Record<string, string> | undefined, ignoreBody: boolean): Promise<HttpOutcome> {
    const o = this.#o;
    const wait = o.pacer.reserve();
    if (wait > 0 && !(await this.#wait(wait))) return failed('interrupted');
    const headers: Record<string, string> = { accept: SCIM_CONTENT_TYPE, authorization: `Bearer ${token}`, 'user-agent': o.userAgent };
    if (extra) Object.assign(headers, extra);
    if (body !== undefined) headers['content-type'] = SCIM_CONTENT_TYPE;
    o.onSend?.(method);
    try {
      // The transport keeps the timeout on its clock: no AbortController or timer per request here.
      const response = await o.transport({ method, url, headers, body, timeoutMs: o.timeoutMs });
      return readOutcome(response, ignoreBody);
    } catch (error) {
      if (error instanceof TransportError) return failed(error.code);
      const code = networkCode(error);
      if (code) return failed(code);
      throw error;
    }
  }
}

function withThrottles(outcome: HttpOutcome, throttled: number, retryAfters: number[] | undefined): HttpOutcome {
  if (throttled > 0) outcome.throttled = throttled;
  if (retryAfters) outcome.retryAfterMs = retryAfters;
  return outcome;
}

/** Adds what `earlier` (a request of the same operation) met to `later`'s 429 tally. */
export function carryThrottles(earlier: HttpOutcome, later: HttpOutcome): HttpOutcome {
  if (earlier.throttled === undefined) return later;
  later.throttled = (later.throttled ?? 0) + earlier.throttled;
  if (earlier.retryAfterMs) later.retryAfterMs = [...earlier.retryAfterMs, ...(later.retryAfterMs ?? [])];
  return later;
}

function failed(error: string): HttpOutcome {
  return { ok: false, status: 0, error, attempts: 1, latencyMs: 0, body: undefined, headers: {} };
}

/** An answer as an outcome; an error's scimType and detail read from its body. */
function readOutcome(response: TransportResponse, ignoreBody: boolean): HttpOutcome {
  const { status, headers } = response;
  const ok = status < 300;
  const body = response.body === '' || (ok && ignoreBody) ? undefined : parseJson(response.body);
  const outcome: HttpOutcome = { ok, status, attempts: 1, latencyMs: 0, body, headers };
  if (!ok && body !== null && typeof body === 'object' && !Array.isArray(body)) {
    if (typeof body.scimType === 'string') outcome.scimType = body.scimType;
    if (typeof body.detail === 'string') outcome.detail = body.detail.slice(0, DETAIL_LIMIT * 4);
  }
  return outcome;
}

/** One line of printable text, at most `limit` characters. */
function cleanServerText(text: string, limit: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1)}…`;
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** undici and fetch wrap socket errors in `cause`; dig the code out. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
