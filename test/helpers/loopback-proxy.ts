import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** What the proxy was asked for: a CONNECT tunnel to host:port, or an absolute-form request. */
export interface Proxied {
  kind: 'connect' | 'forward';
  /** host:port the request was for. */
  target: string;
  /** The Proxy-Authorization header the client sent, if any. */
  authorization: string | undefined;
}

export interface LoopbackProxy {
  /** http://127.0.0.1:port */
  url: string;
  seen: Proxied[];
  close(): Promise<void>;
}

/**
 * A real HTTP proxy on a loopback port, for tests: it opens CONNECT tunnels (RFC 9110 section
 * 9.3.6) and forwards absolute-form requests, recording each. With `credentials` (`user:pass`)
 * it answers 407 to a client that does not present them as Basic Proxy-Authorization.
 */
export async function startLoopbackProxy(options: { credentials?: string } = {}): Promise<LoopbackProxy> {
  const seen: Proxied[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials === undefined ? undefined : `Basic ${Buffer.from(options.credentials).toString('base64')}`;
  const allowed = (req: IncomingMessage): boolean => expected === undefined || req.headers['proxy-authorization'] === expected;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/');
    seen.push({ kind: 'forward', target: url.host, authorization: req.headers['proxy-authorization'] });
    if (!allowed(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(url, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    seen.push({ kind: 'connect', target, authorization: req.headers['proxy-authorization'] });
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (!allowed(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = splitAuthority(target);
    const upstream = connect({ host, port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function splitAuthority(authority: string): [string, number] {
  const match = /^\[?([^\]]*)\]?:(\d+)$/.exec(authority);
  if (match === null) throw new Error(`not host:port: ${authority}`);
  return [match[1] as string, Number(match[2])];
}
