import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * A loopback server that echoes the credentials it receives in every error field it has: SCIM
 * errors (`detail`, `scimType`), OAuth errors (`error`, `error_description`), `WWW-Authenticate`,
 * and an HTML login page (title and body). Every request fails, so every error path runs.
 * Paths ending in `/token` answer as an OAuth token endpoint; GETs of discovery endpoints answer
 * HTML; everything else answers a SCIM 401, with the query string echoed too.
 */
export async function startEchoServer(): Promise<EchoServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const auth = req.headers.authorization ?? '(none)';
      const echoed = `${auth} ${req.url ?? ''}`;
      const challenge = `Bearer realm="echo", error="invalid_token", error_description="${auth.replace(/"/g, "'")}"`;
      if ((req.url ?? '').endsWith('/token')) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': challenge });
        res.end(JSON.stringify({ error: `invalid_client ${auth}`, error_description: `rejected ${echoed}` }));
        return;
      }
      if (req.method === 'GET' && /ServiceProviderConfig|ResourceTypes|Schemas/.test(req.url ?? '')) {
        res.writeHead(401, { 'content-type': 'text/html', 'www-authenticate': challenge });
        res.end(`<!doctype html><html><head><title>Sign in: ${auth}</title></head><body><p>You sent ${echoed}</p></body></html>`);
        return;
      }
      res.writeHead(401, { 'content-type': 'application/scim+json', 'www-authenticate': challenge });
      res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', scimType: auth, detail: `Authorization failed for ${echoed}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
