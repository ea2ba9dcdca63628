import { request } from 'undici';
import { createDispatcher } from '../../scim/dispatcher.js';
import type { ProxySettings } from '../../scim/proxy.js';

/** One HTTP answer, fully read: the preflight looks at small discovery documents only. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  /** The Location header of a redirect, which names the login page or proxy that intercepted. */
  location: string | undefined;
  /** The WWW-Authenticate header of a 401 (RFC 6750 section 3), which may say why a token was refused. */
  wwwAuthenticate: string | undefined;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * The only HTTP the preflight can do: GETs, and a form POST that only the OAuth step uses, towards
 * the token endpoint. There is deliberately no other method, so the preflight cannot write to
 * the target.
 */
export interface PreflightHttp {
  get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer>;
  postForm(url: string, form: URLSearchParams, headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Bodies past this are cut: a discovery document is a few KiB, a runaway page must not fill memory. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * Creates the preflight's HTTP client on its own undici dispatcher, through the proxy the live
 * run would use. Every request is bounded by `timeoutMs` three ways (connect, headers, body),
 * besides the step's abort signal. An extra CA is added to Node's bundled roots, not used
 * instead of them, so public endpoints (an identity provider's token URL) still verify.
 */
export function createPreflightHttp(timeoutMs: number, ca?: string | Buffer, proxy?: ProxySettings): PreflightHttp {
  // One request per connection: nothing to reuse across a handful of calls, and close() is then immediate.
  const agent = createDispatcher({ timeoutMs, ca, proxy, pipelining: 0 });
  const send = async (
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
    body?: string,
  ): Promise<HttpAnswer> => {
    const response = await request(url, { method, headers, signal, dispatcher: agent, ...(body === undefined ? {} : { body }) });
    const text = await readCapped(response.body);
    return {
      status: response.statusCode,
      contentType: headerValue(response.headers['content-type']) ?? '',
      location: headerValue(response.headers['location']),
      wwwAuthenticate: headerValue(response.headers['www-authenticate']),
      text,
      json: parseJson(text),
    };
  };
  return {
    get: (url, headers, signal) => send('GET', url, headers, signal),
    postForm: (url, form, headers, signal) =>
      send('POST', url, { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, signal, form.toString()),
    close: () => agent.close(),
  };
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
