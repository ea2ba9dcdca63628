import { setupServer, type SetupServer } from 'msw/node';
import { createInProcessTransport } from '../../src/mock/adapters/in-process.js';
import { createScimHandlers } from '../../src/mock/adapters/msw.js';
import { startMockServer, type MockServer } from '../../src/mock/adapters/server.js';
import { ScimProvider, type ProviderOptions } from '../../src/mock/core/provider.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { VirtualClock } from '../../src/scim/clock.js';
import { TransportError } from '../../src/scim/transport.js';

export const BASE_PATH = '/acme/scim/v2';
export const TOKEN = 'conformance-token-5b6c7d';

/** An answer as a test sees it, whichever adapter carried it. `network` is set when no HTTP answer came. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: Record<string, unknown>;
  network?: string;
}

export interface SendOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw body text, sent as is (for malformed-request tests). */
  raw?: string;
  /** Send no Authorization header. */
  anonymous?: boolean;
}

/** One way to reach the provider: in-process, msw-intercepted fetch, or a real loopback server. */
export interface Adapter {
  name: string;
  /** Builds a fresh world and starts serving it. */
  start(profile?: ServerProfile, options?: Partial<ProviderOptions>): Promise<ScimProvider>;
  send(method: string, path: string, options?: SendOptions): Promise<Answer>;
  stop(): Promise<void>;
  /** Advances time (virtual adapters only). */
  clock?: VirtualClock;
}

function buildProvider(profile: ServerProfile | undefined, options: Partial<ProviderOptions>): ScimProvider {
  return new ScimProvider({
    profile: resolveProfile(profile ?? { name: 'test', description: 'conformance world' }),
    basePath: BASE_PATH,
    bearerTokens: [TOKEN],
    seed: 7,
    ...options,
  });
}

function requestHeaders(options: SendOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!options.anonymous) headers.authorization = `Bearer ${TOKEN}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/scim+json';
  return { ...headers, ...options.headers };
}

function toAnswer(status: number, headers: Record<string, string>, text: string): Answer {
  let json: Record<string, unknown> = {};
  try {
    json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = {};
  }
  return { status, headers, text, json };
}

async function viaFetch(url: string, method: string, options: SendOptions): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method,
      headers: requestHeaders(options),
      ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return toAnswer(response.status, headers, await response.text());
  } catch (error) {
    return { status: 0, headers: {}, text: '', json: {}, network: (error as Error).message };
  }
}

export function inProcessAdapter(): Adapter {
  let transport: ReturnType<typeof createInProcessTransport> | undefined;
  const adapter: Adapter = {
    name: 'in-process',
    async start(profile, options = {}) {
      adapter.clock = new VirtualClock();
      const provider = buildProvider(profile, options);
      transport = createInProcessTransport(provider, adapter.clock);
      return provider;
    },
    async send(method, path, options = {}) {
      if (!transport) throw new Error('adapter not started');
      const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      try {
        const r = await transport({ method, url: `http://scim.inprocess.test${path}`, headers: requestHeaders(options), body });
        return toAnswer(r.status, r.headers, r.body);
      } catch (error) {
        if (error instanceof TransportError) return { status: 0, headers: {}, text: '', json: {}, network: error.code };
        throw error;
      }
    },
    async stop() {
      transport = undefined;
    },
  };
  return adapter;
}

export function mswAdapter(): Adapter {
  const origin = 'http://scim.msw.test';
  let server: SetupServer | undefined;
  return {
    name: 'msw',
    async start(profile, options = {}) {
      const provider = buildProvider(profile, options);
      const intercepting = setupServer(...createScimHandlers(provider, origin));
      intercepting.listen({ onUnhandledRequest: 'error' });
      server = intercepting;
      return provider;
    },
    send: (method, path, options = {}) => viaFetch(`${origin}${path}`, method, options),
    async stop() {
      server?.close();
      server = undefined;
    },
  };
}

export function loopbackAdapter(): Adapter {
  let server: MockServer | undefined;
  return {
    name: 'loopback',
    async start(profile, options = {}) {
      const provider = buildProvider(profile, options);
      server = await startMockServer(provider);
      return provider;
    },
    send: (method, path, options = {}) => {
      if (!server) throw new Error('adapter not started');
      return viaFetch(`${server.origin}${path}`, method, options);
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
}

export const ADAPTERS = [inProcessAdapter, mswAdapter, loopbackAdapter];
