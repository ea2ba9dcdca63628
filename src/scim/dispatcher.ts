import { rootCertificates } from 'node:tls';
import type { Duplex } from 'node:stream';
import { Agent, Client, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { UserError } from '../errors/user-error.js';
import { invalidProxy, type ProxySettings } from './proxy.js';


/** How one client reaches the network. */
export interface DispatcherOptions {
  timeoutMs: number;
  /** Connections per origin; undici's default (unbounded) when absent. */
  connections?: number;
  keepAliveTimeout?: number;
  pipelining?: number;
  /** An extra trusted CA (PEM), added to Node's bundled roots, for the target and the proxy alike. */
  ca?: string | Buffer | undefined;
  proxy?: ProxySettings | undefined;
}

/**
 * The one place undici dispatchers for live targets, token endpoints and the preflight are made.
 * Without a proxy, a plain Agent; with one, undici's EnvHttpProxyAgent fed the proxy settings
 * given here (never process.env), which tunnels through the proxy with CONNECT and applies the
 * same TLS options to the target behind it (`requestTls`) as a direct connection gets.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const tls = options.ca === undefined ? { timeout: options.timeoutMs } : { timeout: options.timeoutMs, ca: [...rootCertificates, options.ca] };
  const common = {
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: tls,
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    ...(options.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout }),
    ...(options.pipelining === undefined ? {} : { pipelining: options.pipelining }),
  };
  if (options.proxy === undefined) return new Agent(common);
  // Checked here, where a connection is made, so a broken proxy variable does not stop a mock run.
  const invalid = invalidProxy(options.proxy);
  if (invalid !== undefined) {
    throw new UserError('bad-proxy', `Failed to use the proxy of ${invalid.variable}: ${invalid.reason}.`, {
      hint: `Set ${invalid.variable} (or its lowercase form) to the proxy's URL, e.g. http://proxy.example.com:3128, or unset it.`,
    });
  }
  return new EnvHttpProxyAgent({
    ...common,
    httpProxy: options.proxy.httpProxy,
    httpsProxy: options.proxy.httpsProxy,
    noProxy: options.proxy.noProxy,
    requestTls: tls,
    proxyTls: tls,
  });
}

/**
 * Opens a CONNECT tunnel through `proxy` to host:port, as the proxy agent does before a request
 * (RFC 9110 section 9.3.6), for the preflight's connect step to handshake through. Resolves with
 * the proxy's status; the socket only when it answered 200. The caller destroys the socket.
 */
export async function openTunnel(proxy: URL, host: string, port: number, options: { timeoutMs: number; ca?: string | Buffer | undefined; signal: AbortSignal }): Promise<{ statusCode: number; socket?: Duplex }> {
  const tls = options.ca === undefined ? { timeout: options.timeoutMs } : { timeout: options.timeoutMs, ca: [...rootCertificates, options.ca] };
  const client = new Client(proxy.origin, { connect: tls, headersTimeout: options.timeoutMs });
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const credentials = proxy.username === '' && proxy.password === '' ? undefined : `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  try {
    const { statusCode, socket } = await client.connect({
      path: authority,
      headers: { host: authority, ...(credentials === undefined ? {} : { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` }) },
      signal: options.signal,
    });
    if (statusCode === 200) return { statusCode, socket };
    socket.destroy();
    return { statusCode };
  } finally {
    // The tunnel's socket is handed over by the client; closing the client leaves it open.
    void client.close().catch(() => undefined);
  }
}
