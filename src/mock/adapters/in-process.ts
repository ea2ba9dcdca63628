import type { Clock } from '../../scim/clock.js';
import { TransportError, type Transport } from '../../scim/transport.js';
import type { ScimProvider } from '../core/provider.js';

/**
 * The provider as a transport for the built-in client, with no sockets: the provider answers
 * at once and the clock (virtual for rehearsals) supplies the simulated latency. The request's
 * timeout wins over a slower answer, exactly as on a real connection; the provider has still
 * done the work, as a real server would have.
 */
export function createInProcessTransport(provider: ScimProvider, clock: Clock): Transport {
  return async (request) => {
    if (request.signal?.aborted) throw request.signal.reason;
    const response = provider.handle({ method: request.method, url: request.url, headers: lowerCaseNames(request.headers), body: request.body }, clock.now());
    const latency = response.latencyMs;
    if (latency > 0) {
      // The timeout and the answer race on the one clock; an answer due at the deadline is late.
      const timeout = request.timeoutMs;
      if (timeout !== undefined && latency >= timeout) {
        await clock.sleep(timeout, request.signal);
        throw new TransportError('timeout', `no answer within ${timeout} ms`);
      }
      await clock.sleep(latency, request.signal);
    }
    if (response.fault === 'reset') throw new TransportError('ECONNRESET', 'the server reset the connection');
    return { status: response.status, headers: response.headers, body: response.body ?? '' };
  };
}

/**
 * The headers with lower-case names, as the provider reads them. The built-in client already
 * sends them so: then the provider reads them as they are (it never writes to them), with no copy.
 */
function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  let lower = true;
  for (const name in headers) {
    if (name !== name.toLowerCase()) {
      lower = false;
      break;
    }
  }
  if (lower) return headers;
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) copy[name.toLowerCase()] = value;
  return copy;
}
