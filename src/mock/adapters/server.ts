import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ScimProvider } from '../core/provider.js';

export interface MockServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * The provider on a real loopback HTTP server, in real time: latency is a timer, a reset fault
 * destroys the socket. Binds to 127.0.0.1 only. Bodies are read up to the profile's limit plus
 * one byte, so a huge body costs no memory and still gets the provider's 413.
 */
export async function startMockServer(provider: ScimProvider, options: { port?: number; host?: string } = {}): Promise<MockServer> {
  const started = performance.now();
  const limit = provider.profile.limits.maxBodyBytes;
  const server = createServer((req, res) => {
    readBody(req, limit + 1).then(
      (body) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const host = req.headers.host ?? `${options.host ?? '127.0.0.1'}`;
        const response = provider.handle({ method: req.method ?? 'GET', url: `http://${host}${req.url ?? '/'}`, headers, body }, performance.now() - started);
        const send = (): void => {
          if (response.fault === 'reset') {
            req.socket.destroy();
            return;
          }
          res.writeHead(response.status, response.headers);
          res.end(response.body);
        };
        if (response.latencyMs > 0) setTimeout(send, response.latencyMs).unref();
        else send();
      },
      () => req.socket.destroy(),
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    origin: `http://${address.address}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    req.on('end', () => resolve(size === 0 && req.method === 'GET' ? undefined : Buffer.concat(chunks).subarray(0, limit).toString('utf8')));
    req.on('error', reject);
  });
}
