import { rootCertificates } from 'node:tls';
import type { Duplex } from 'node:stream';
import { Agent, Client, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { fingerprint } from '../env/fingerprint.js';
import { UserError } from '../errors/user-error.js';

/**
 * The proxies of the process environment: HTTP_PROXY for http targets (and https ones when
 * HTTPS_PROXY is unset), HTTPS_PROXY for https targets, NO_PROXY the hosts that bypass both.
 * Plain data, so a replay in a worker thread reaches the target the same way.
 */
export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/**
 * Reads the proxy variables as undici and curl do: the lowercase form wins over the uppercase
 * one. Undefined when no proxy is set (NO_PROXY alone changes nothing). A proxy without a scheme
 * (`proxy.corp:3128`) is taken as http://, as curl does.
 */
export function proxySettingsFrom(env: Readonly<Record<string, string | undefined>>): ProxySettings | undefined {
  const pick = (lower: string, upper: string): string => (env[lower] ?? env[upper] ?? '').trim();
  const httpProxy = withScheme(pick('http_proxy', 'HTTP_PROXY'));
  const httpsProxy = withScheme(pick('https_proxy', 'HTTPS_PROXY'));
  if (httpProxy === '' && httpsProxy === '') return undefined;
  return { httpProxy, httpsProxy, noProxy: pick('no_proxy', 'NO_PROXY') };
}

function withScheme(value: string): string {
  return value === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

/** The proxy variable whose value is not a usable proxy URL, with why; undefined when all are fine. */
export function invalidProxy(proxy: ProxySettings): { variable: string; reason: string } | undefined {
  for (const [variable, value] of [['HTTP_PROXY', proxy.httpProxy], ['HTTPS_PROXY', proxy.httpsProxy]] as const) {
    if (value === '') continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { variable, reason: 'it is not a URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { variable, reason: `scimsim speaks to http:// and https:// proxies, not ${url.protocol}//` };
  }
  return undefined;
}

/**
 * The proxy a request to `target` goes through, or undefined when it goes direct: the choice
 * undici's EnvHttpProxyAgent makes (HTTPS_PROXY for https, else HTTP_PROXY; NO_PROXY entries
 * match a host, its subdomains, and a port when they name one; `*` matches everything). The
 * preflight uses it to resolve and connect to what the requests will really reach.
 */
export function proxyFor(target: URL, proxy: ProxySettings | undefined): URL | undefined {
  if (proxy === undefined) return undefined;
  const uri = target.protocol === 'https:' ? proxy.httpsProxy || proxy.httpProxy : proxy.httpProxy;
  if (uri === '') return undefined;
  const host = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  const value = proxy.noProxy;
  if (value === '*') return undefined;
  for (const entry of value.split(/[,\s]/)) {
    if (entry === '') continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const name = (parsed ? (parsed[1] as string) : entry).replace(/^\*?\./, '').toLowerCase();
    if (parsed && Number(parsed[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return new URL(uri);
}

/** A proxy as it may be shown: its origin, and any credentials as the user name and a fingerprint. */
export function describeProxy(proxy: URL): string {
  if (proxy.username === '' && proxy.password === '') return proxy.origin;
  const password = proxy.password === '' ? '' : `, password ${fingerprint(decodeURIComponent(proxy.password))}`;
  return `${proxy.origin} (as ${decodeURIComponent(proxy.username)}${password})`;
}

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
