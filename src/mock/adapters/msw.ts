import { HttpResponse, delay, http, type HttpHandler } from 'msw';
import type { ScimProvider } from '../core/provider.js';

/**
 * The provider as msw request handlers, so `setupServer(...createScimHandlers(provider, origin))`
 * answers any code's `fetch` or `node:http` calls to `origin` (tests, or a user's own connector).
 * Latency is real time here, as msw runs in real time.
 */
export function createScimHandlers(provider: ScimProvider, origin: string, options: { now?: () => number } = {}): HttpHandler[] {
  const started = performance.now();
  const now = options.now ?? (() => performance.now() - started);
  return [
    http.all(`${origin.replace(/\/+$/, '')}/*`, async ({ request }) => {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
      const response = provider.handle({ method: request.method, url: request.url, headers, body }, now());
      if (response.latencyMs > 0) await delay(response.latencyMs);
      if (response.fault === 'reset') return HttpResponse.error();
      return new HttpResponse(response.body ?? null, { status: response.status, headers: response.headers });
    }),
  ];
}
