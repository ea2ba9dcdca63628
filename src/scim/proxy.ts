import { fingerprint } from '../env/fingerprint.js';

/*
 * The proxy variables as plain data, apart from the dispatchers that use them, so that commands
 * which only read the variables (check without --connect) do not load undici.
 */

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
