import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScimSettings } from '../../src/env/settings.js';
import { ScimProvider } from '../../src/mock/core/provider.js';
import type { ProviderRequest, ProviderResponse } from '../../src/mock/core/http.js';
import type { ServerProfile } from '../../src/mock/profile/types.js';
import { resolveProfile } from '../../src/mock/profile/resolve-profile.js';
import type { ScimStore } from '../../src/mock/core/store.js';
import { providerOptionsFor } from '../../src/target/world.js';

/** One way a real SCIM server misbehaves; each hostile server has exactly one. */
export type Misbehaviour =
  /** A member add replaces the group's whole member list (one npm server library does this). */
  | 'replace-members'
  /** Pages capped at 50 while itemsPerPage echoes the requested count. */
  | 'page-cap'
  /** Every read of one resource, and every unfiltered listing, answers 503. */
  | 'reads-503'
  /** A duplicate POST /Users answers 200 with the existing account. */
  | 'upsert'
  /** Every third POST /Users creates the account, then the connection is reset. */
  | 'create-reset'
  /** Every third POST /Users creates the account, then answers after `stallMs`. */
  | 'create-stall'
  /** Every third POST /Users creates the account and answers 201 with HTML or broken JSON. */
  | 'create-garbage'
  /** Filters other than `eq` answer 400 invalidFilter (no `sw`). */
  | 'eq-only'
  /** Unfiltered listings come in a different order on every page (no stable sort). */
  | 'unstable-order'
  /** A filter with `sw` answers 200 with an empty list instead of refusing it. */
  | 'sw-silent'
  /** Every DELETE /Users/{id} removes the account, then the connection is reset (the retry meets 404). */
  | 'delete-reset';

export interface HostileServer {
  origin: string;
  /** What SCIM_API_BASE_URL should be. */
  baseUrl: string;
  /** The provider's own store: the target's true state, read without our client. */
  store: ScimStore;
  close(): Promise<void>;
}

const PAGE_CAP: ServerProfile = { name: 'page-cap', description: 'pages capped at 50, itemsPerPage echoes count', limits: { maxResults: 50 }, quirks: { itemsPerPageEchoesCount: true } };
const PLAIN: ServerProfile = { name: 'plain', description: 'RFC-complete, no faults' };

/**
 * The embedded provider on a real loopback server (node:http on 127.0.0.1, port 0), in real
 * time, wrapped with one misbehaviour. `settings` is the env set it is valid for (its base path
 * and token).
 */
export async function startHostileServer(misbehaviour: Misbehaviour, settings: ScimSettings, options: { stallMs?: number } = {}): Promise<HostileServer> {
  const profile = resolveProfile(misbehaviour === 'page-cap' ? PAGE_CAP : PLAIN);
  const provider = new ScimProvider(providerOptionsFor(settings, profile, 'hostile'));
  const started = performance.now();
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let posts = 0;
  let lists = 0;
  const handle = (request: ProviderRequest): ProviderResponse => provider.handle(request, performance.now() - started);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const rest = url.pathname.slice(new URL(settings.baseUrl).pathname.replace(/\/+$/, '').length);
      let body = chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
      const send = (response: ProviderResponse): void => {
        res.writeHead(response.status, response.headers);
        res.end(response.body);
      };
      const fail = (status: number, scimType: string | undefined, detail: string): void => {
        res.writeHead(status, { 'content-type': 'application/scim+json' });
        res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail }));
      };
      const filter = url.searchParams.get('filter');

      if (misbehaviour === 'eq-only' && method === 'GET' && filter !== null && !/^\s*[\w.:]+\s+eq\s+"[^"]*"\s*$/i.test(filter)) {
        fail(400, 'invalidFilter', 'only eq filters are supported');
        return;
      }
      if (misbehaviour === 'unstable-order' && method === 'GET' && rest === '/Users' && filter === null) {
        const all = handle({ method, url: `${url.origin}${url.pathname}?count=1000`, headers, body: undefined });
        const list = JSON.parse(all.body ?? '{}') as { Resources?: unknown[]; totalResults?: number };
        const resources = list.Resources ?? [];
        lists++;
        // Each page is cut from another order: some resources come twice, others never.
        const order = lists % 2 === 0 ? resources : [...resources].reverse();
        const start = Math.max(1, Number(url.searchParams.get('startIndex') ?? '1'));
        const count = Number(url.searchParams.get('count') ?? '100');
        const page = order.slice(start - 1, start - 1 + count);
        res.writeHead(200, { 'content-type': 'application/scim+json' });
        res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: resources.length, startIndex: start, itemsPerPage: page.length, Resources: page }));
        return;
      }
      if (misbehaviour === 'sw-silent' && method === 'GET' && filter !== null && / sw /i.test(filter)) {
        res.writeHead(200, { 'content-type': 'application/scim+json' });
        res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }));
        return;
      }
      if (misbehaviour === 'reads-503' && method === 'GET' && (/^\/(Users|Groups)\/[^/]+$/.test(rest) || (/^\/(Users|Groups)$/.test(rest) && filter === null))) {
        fail(503, undefined, 'reads are unavailable');
        return;
      }
      if (misbehaviour === 'replace-members' && method === 'PATCH' && /^\/Groups\//.test(rest) && body !== undefined) {
        const patch = JSON.parse(body) as { Operations?: Array<{ op: string; path?: string }> };
        for (const op of patch.Operations ?? []) if (op.op.toLowerCase() === 'add' && op.path === 'members') op.op = 'replace';
        body = JSON.stringify(patch);
      }
      const request: ProviderRequest = { method, url: url.href, headers, body };
      const response = handle(request);
      if (misbehaviour === 'delete-reset' && method === 'DELETE' && /^\/Users\//.test(rest) && response.status === 204) {
        req.socket.destroy();
        return;
      }
      if (method === 'POST' && rest === '/Users') {
        posts++;
        if (misbehaviour === 'upsert' && response.status === 409 && body !== undefined) {
          const userName = (JSON.parse(body) as { userName: string }).userName;
          const existing = provider.store.findUserByUserName(userName);
          if (existing) {
            const read = handle({ method: 'GET', url: `${url.origin}${url.pathname}/${existing.id}`, headers, body: undefined });
            send({ ...read, status: 200 });
            return;
          }
        }
        const struck = response.status === 201 && posts % 3 === 0;
        if (struck && misbehaviour === 'create-reset') {
          req.socket.destroy();
          return;
        }
        if (struck && misbehaviour === 'create-stall') {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (!res.destroyed) send(response);
          }, options.stallMs ?? 1_000);
          timers.add(timer);
          return;
        }
        if (struck && misbehaviour === 'create-garbage') {
          res.writeHead(201, { 'content-type': posts % 2 === 0 ? 'text/html' : 'application/scim+json' });
          res.end(posts % 2 === 0 ? '<!DOCTYPE html><html><body>Created</body></html>' : '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"');
          return;
        }
      }
      send(response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseUrl: `${origin}${new URL(settings.baseUrl).pathname}`,
    store: provider.store,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
