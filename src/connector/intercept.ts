import { syncBuiltinESMExports } from 'node:module';
import type { ScimSettings } from '../env/settings.js';
import type { ScimProvider } from '../mock/core/provider.js';
import type { RefusedRequest } from './types.js';

export interface Interception {
  /** Requests that reached a handler (answered or refused). */
  requests(): number;
  /** Requests refused because they went outside the env set, by method, host and path. */
  refused(): RefusedRequest[];
  close(): void;
}

/**
 * msw as it is meant to be used: `setupServer` in this thread, so the connector's `fetch`,
 * `node:http` and `node:https` calls are intercepted wherever they are made. The world answers
 * at the origin of the env set it was built for (the msw adapter, so latency is real time) and
 * at its token URL; any other request is recorded (method, host, path: never headers or query,
 * which may carry credentials) and answered with a network error, as an unreachable host would.
 * msw is imported here only, lazily: commands that do not run a connector never load it.
 */
export async function interceptWorld(provider: ScimProvider, settings: ScimSettings, now: () => number): Promise<Interception> {
  const [{ http, HttpResponse }, { setupServer }, { createScimHandlers }] = await Promise.all([import('msw'), import('msw/node'), import('../mock/adapters/msw.js')]);
  const origin = new URL(settings.baseUrl).origin;
  const handlers = [...createScimHandlers(provider, origin, { now })];
  if (settings.auth.mode === 'oauth2' && new URL(settings.auth.tokenUrl).origin !== origin) {
    const tokenUrl = new URL(settings.auth.tokenUrl);
    handlers.push(
      http.post(`${tokenUrl.origin}${tokenUrl.pathname}`, async ({ request }) => {
        const headers: Record<string, string> = {};
        request.headers.forEach((value, name) => {
          headers[name] = value;
        });
        const response = provider.handle({ method: request.method, url: request.url, headers, body: await request.text() }, now());
        return new HttpResponse(response.body ?? null, { status: response.status, headers: response.headers });
      }),
    );
  }
  const refused = new Map<string, RefusedRequest>();
  handlers.push(
    http.all('*', ({ request }) => {
      const url = new URL(request.url);
      const key = `${request.method} ${url.host}${url.pathname}`;
      const known = refused.get(key);
      if (known) known.count++;
      else refused.set(key, { method: request.method, host: url.host, path: url.pathname, count: 1 });
      return HttpResponse.error();
    }),
  );
  const server = setupServer(...handlers);
  let requests = 0;
  server.events.on('request:start', () => {
    requests++;
  });
  server.listen({ onUnhandledRequest: 'bypass' });
  // msw patches `http.request` and `https.request` on the modules; a connector that imports them
  // by name (`import { request } from 'node:https'`) sees the patch only once ESM exports are synced.
  syncBuiltinESMExports();
  return {
    requests: () => requests,
    refused: () => [...refused.values()].sort((a, b) => (a.host + a.path < b.host + b.path ? -1 : a.host + a.path > b.host + b.path ? 1 : a.method < b.method ? -1 : 1)),
    close: () => {
      server.close();
      syncBuiltinESMExports();
    },
  };
}
