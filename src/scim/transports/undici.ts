import type { Dispatcher } from 'undici';
import { createDispatcher } from '../dispatcher.js';
import type { ProxySettings } from '../proxy.js';
import { TransportError, type Transport } from '../transport.js';

/**
 * Live targets over undici: one keep-alive dispatcher whose per-origin pool has as many
 * connections as SCIM_MAX_CONCURRENCY, so requests never queue behind a smaller pool, through the
 * proxy of HTTPS_PROXY / HTTP_PROXY unless NO_PROXY names the host. The OAuth token request of a
 * run goes the same way (the token source uses this transport).
 */
// No `'`: a URL parse percent-encodes it in a query, so a raw one would not be the same request.
const PLAIN_PATH = /^[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/;

/**
 * The largest answer body read from a live target. A SCIM page of 1000 full users is a few MiB;
 * beyond this the answer fails as `response-too-large` instead of exhausting memory.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export function createUndiciTransport(options: { connections: number; timeoutMs: number; maxResponseBytes?: number; proxy?: ProxySettings | undefined }): { transport: Transport; close(): Promise<void> } {
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const agent = createDispatcher({ connections: options.connections, keepAliveTimeout: 10_000, timeoutMs: options.timeoutMs, proxy: options.proxy });
  // One SCIM root per run: split its URLs without a URL parse per request, when the path holds
  // only characters a URL parse would leave as they are (RFC 3986 pchar, '/', '?').
  let lastOrigin = '';
  const split = (url: string): { origin: string; path: string } => {
    if (lastOrigin !== '' && url.startsWith(lastOrigin) && url.charCodeAt(lastOrigin.length) === 47) {
      const path = url.slice(lastOrigin.length);
      if (PLAIN_PATH.test(path) && !path.includes('/.')) return { origin: lastOrigin, path };
    }
    const parsed = new URL(url);
    lastOrigin = parsed.origin;
    return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  };
  const transport: Transport = async (req) => {
    // The whole attempt, answer and body, within timeoutMs (undici's own timers bound each phase).
    const timeout = req.timeoutMs === undefined ? undefined : new AbortController();
    const timer = timeout && setTimeout(() => timeout.abort(new TransportError('timeout', `no answer within ${req.timeoutMs} ms`)), req.timeoutMs);
    const signal = timeout && req.signal ? AbortSignal.any([timeout.signal, req.signal]) : (timeout?.signal ?? req.signal);
    try {
      const { origin, path } = split(req.url);
      const response = await agent.request({
        origin,
        path,
        method: req.method as 'GET',
        headers: req.headers,
        body: req.body ?? null,
        ...(signal ? { signal } : {}),
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body: await readCapped(response.body, headers['content-length'], maxBytes) };
    } catch (error) {
      if (error instanceof TransportError) throw error;
      if (signal?.aborted) throw signal.reason;
      const code = (error as { code?: string }).code ?? 'ENETWORK';
      throw new TransportError(code, (error as Error).message, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };
  return { transport, close: () => agent.close() };
}

/** Reads a body as UTF-8 text, refusing (and discarding) one larger than `maxBytes`. */
async function readCapped(body: Dispatcher.ResponseData['body'], contentLength: string | undefined, maxBytes: number): Promise<string> {
  const tooLarge = (): TransportError => {
    body.destroy();
    return new TransportError('response-too-large', `the answer is larger than ${maxBytes} bytes`);
  };
  if (contentLength !== undefined && /^\d+$/.test(contentLength)) {
    if (Number(contentLength) > maxBytes) throw tooLarge();
    // undici fails a body longer than its Content-Length: a declared size within the cap is a bound.
    return body.text();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(bytes);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
}
