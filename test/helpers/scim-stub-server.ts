import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** How /Users?filter=... answers a filter that matches nobody. */
export type EmptyFilterAnswer = 'empty-list' | 'not-found' | 'invalid-filter' | 'ignore-filter';

/** A token endpoint at /oauth2/token that runs the client credentials grant. */
export interface StubOAuth {
  clientId: string;
  clientSecret: string;
  accessToken: string;
  /** Scopes the client is granted; a requested scope outside them gets invalid_scope. */
  scopes?: string[];
  /** Answer the token request with a login page instead. */
  html?: boolean;
}

/** What the stub does; every field has a healthy default. */
export interface StubBehaviour {
  /** The bearer token SCIM requests must carry (with `oauth`, its access token is also accepted). */
  token?: string;
  /** Where the SCIM root lives; requests outside it get 404. */
  basePath?: string;
  /** The body of GET ServiceProviderConfig. */
  serviceProviderConfig?: Record<string, unknown>;
  emptyFilter?: EmptyFilterAnswer;
  /** Every answer waits this long first (a slow server). */
  delayMs?: number;
  /** Every SCIM path answers 200 with a login page (a proxy or SSO in front of the API). */
  html?: boolean;
  oauth?: StubOAuth;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** One request the stub saw, to assert the preflight only reads. */
export interface RecordedRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

export interface StubServer {
  /** http(s)://127.0.0.1:port */
  origin: string;
  /** origin + basePath: what SCIM_API_BASE_URL should be. */
  baseUrl: string;
  tokenUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const HEALTHY_CONFIG = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 200 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [],
};

const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Sign in to Contoso</title></head><body>Please sign in</body></html>';

/** Starts a SCIM service provider stub on 127.0.0.1 and an ephemeral port. */
export async function startScimStub(behaviour: StubBehaviour = {}): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(behaviour, req, body, res);
      }, behaviour.delayMs ?? 0);
      timers.add(timer);
    });
  };
  const server: Server = behaviour.tls ? createHttpsServer(behaviour.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `${behaviour.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    origin,
    baseUrl: `${origin}${behaviour.basePath ?? '/scim/v2'}`,
    tokenUrl: `${origin}/oauth2/token`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening now. */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function answer(behaviour: StubBehaviour, req: IncomingMessage, body: string, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://stub');
  if (url.pathname === '/oauth2/token' && behaviour.oauth) return answerToken(behaviour.oauth, req, body, res);
  const basePath = behaviour.basePath ?? '/scim/v2';
  if (!url.pathname.startsWith(`${basePath}/`)) return scimError(res, 404, undefined, `no route for ${url.pathname}`);
  if (behaviour.html) return send(res, 200, 'text/html; charset=utf-8', LOGIN_PAGE);
  const presented = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const accepted = [behaviour.token ?? 'good-token', behaviour.oauth?.accessToken].filter((t) => t !== undefined);
  if (presented === undefined || !accepted.includes(presented)) {
    // Real servers do echo the presented token in error text; the preflight must scrub it.
    return scimError(res, 401, undefined, `Bearer token ${presented ?? '(none)'} is not valid for this tenant`);
  }
  const resource = url.pathname.slice(basePath.length);
  if (resource === '/ServiceProviderConfig') return sendJson(res, 200, behaviour.serviceProviderConfig ?? HEALTHY_CONFIG, 'application/scim+json');
  if (resource === '/Users' && req.method === 'GET') return answerUsers(behaviour.emptyFilter ?? 'empty-list', url, res);
  if (resource === '/Groups' && req.method === 'GET') return answerGroups(url, res);
  return scimError(res, 404, undefined, `no route for ${url.pathname}`);
}

/** A displayName filter that matches no group: an empty ListResponse. */
function answerGroups(url: URL, res: ServerResponse): void {
  const filter = url.searchParams.get('filter') ?? '';
  if (!/^displayName eq "[^"]+"$/.test(filter)) return scimError(res, 400, 'invalidFilter', `Unsupported filter: ${filter}`);
  sendJson(res, 200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }, 'application/scim+json');
}

function answerUsers(mode: EmptyFilterAnswer, url: URL, res: ServerResponse): void {
  const filter = url.searchParams.get('filter') ?? '';
  if (!/^userName eq "[^"]+"$/.test(filter) || mode === 'invalid-filter') {
    return scimError(res, 400, 'invalidFilter', `Unsupported filter: ${filter}`);
  }
  if (mode === 'not-found') return scimError(res, 404, undefined, 'User not found');
  const listed = mode === 'ignore-filter' ? [{ id: '1', userName: 'alice@example.com' }] : [];
  const list = {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    totalResults: listed.length,
    startIndex: 1,
    itemsPerPage: listed.length,
    Resources: listed,
  };
  return sendJson(res, 200, list, 'application/scim+json');
}

function answerToken(oauth: StubOAuth, req: IncomingMessage, body: string, res: ServerResponse): void {
  if (oauth.html) return send(res, 200, 'text/html', LOGIN_PAGE);
  const form = new URLSearchParams(body);
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const [id = '', secret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
  if (req.method !== 'POST' || form.get('grant_type') !== 'client_credentials') {
    return sendJson(res, 400, { error: 'unsupported_grant_type' });
  }
  if (id !== oauth.clientId || secret !== oauth.clientSecret) {
    return sendJson(res, 401, { error: 'invalid_client', error_description: `Client secret ${secret} is invalid for ${id}` });
  }
  const scope = form.get('scope');
  if (scope !== null && !(oauth.scopes ?? []).includes(scope)) {
    return sendJson(res, 400, { error: 'invalid_scope', error_description: `The scope ${scope} is not granted` });
  }
  return sendJson(res, 200, { access_token: oauth.accessToken, token_type: 'Bearer', expires_in: 3600 });
}

function scimError(res: ServerResponse, status: number, scimType: string | undefined, detail: string): void {
  sendJson(res, status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail }, 'application/scim+json');
}

function sendJson(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  send(res, status, type, JSON.stringify(body));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
