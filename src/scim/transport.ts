/**
 * How the client reaches a SCIM service, injected (ky's `fetch` option): undici for live
 * targets, the in-process transport for the embedded mock.
 */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /**
   * The attempt's time budget (SCIM_TIMEOUT_MS): a transport that has no answer within it, on its
   * own clock, throws `TransportError` with code `timeout`. Each transport keeps the time its
   * cheapest way; the in-process one knows the simulated latency up front and needs no timer.
   */
  timeoutMs?: number | undefined;
  /** An abort from outside (a token request's own timeout); rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A request that got no HTTP answer: reset, refused, DNS, TLS. `code` is Node's error code. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
