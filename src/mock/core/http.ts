import { SCIM_CONTENT_TYPE, type JsonObject } from '../../scim/types.js';
import type { ScimHttpError } from './errors.js';

/** A request as every adapter hands it to the provider core: the full URL, lower-case headers. */
export interface ProviderRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string | undefined;
}

/**
 * The core's answer, plus what the adapter must simulate: wait `latencyMs` (virtual or real
 * time) before answering, or drop the connection for a `reset` fault.
 */
export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  body: string | undefined;
  latencyMs: number;
  fault?: 'reset';
}

/** The parts of a response the route handlers produce; the pipeline adds latency. */
export interface Reply {
  status: number;
  /** Made for this reply alone: finish adds the content type to it. */
  headers?: Record<string, string>;
  body?: JsonObject | string;
}

export function jsonReply(status: number, body: JsonObject, headers: Record<string, string> = {}): Reply {
  return { status, body, headers };
}

export function errorReply(error: ScimHttpError): Reply {
  return { status: error.status, body: error.toBody() as unknown as JsonObject, headers: error.headers };
}

/** Serialises a reply: JSON bodies as application/scim+json. */
export function finish(reply: Reply, latencyMs: number): ProviderResponse {
  const headers: Record<string, string> = reply.headers ?? {};
  let body: string | undefined;
  if (reply.body !== undefined) {
    body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    headers['content-type'] ??= `${SCIM_CONTENT_TYPE}; charset=utf-8`;
  }
  return { status: reply.status, headers, body, latencyMs };
}
