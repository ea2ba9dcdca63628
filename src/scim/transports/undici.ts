import { Agent, request } from 'undici';
import { TransportError, type Transport } from '../transport.js';

/**
 * Live targets over undici: one keep-alive Agent whose per-origin pool has as many connections
 * as SCIM_MAX_CONCURRENCY, so requests never queue behind a smaller pool.
 */
export function createUndiciTransport(options: { connections: number; timeoutMs: number }): { transport: Transport; close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 10_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: options.timeoutMs },
  });
  const transport: Transport = async (req) => {
    try {
      const response = await request(req.url, {
        method: req.method as 'GET',
        headers: req.headers,
        body: req.body ?? null,
        ...(req.signal ? { signal: req.signal } : {}),
        dispatcher: agent,
      });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body: await response.body.text() };
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      const code = (error as { code?: string }).code ?? 'ENETWORK';
      throw new TransportError(code, (error as Error).message, { cause: error });
    }
  };
  return { transport, close: () => agent.close() };
}
