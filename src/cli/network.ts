import type { ScimSettings } from '../env/settings.js';
import { proxySettingsFrom, type ProxySettings } from '../scim/proxy.js';
import type { CliIO } from './io.js';

/**
 * The proxies of the CLI's environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, or their lowercase
 * forms). A proxy's password is taught to the redactor first, so no output can carry it, even in
 * an error message that quotes the proxy URL.
 */
export function proxyOf(io: CliIO): ProxySettings | undefined {
  const proxy = proxySettingsFrom(io.env);
  if (proxy === undefined) return undefined;
  for (const uri of [proxy.httpProxy, proxy.httpsProxy]) {
    const credentials = credentialsOf(uri);
    if (credentials === undefined) continue;
    io.redactor?.addSecret(credentials.password);
    // The Proxy-Authorization header carries user:password in base64.
    io.redactor?.addBasicCredentials(credentials.user, credentials.password);
  }
  return proxy;
}

/** The settings with the environment's proxies, which every live connection then honours. */
export function withProxy(settings: ScimSettings, io: CliIO): ScimSettings {
  const proxy = proxyOf(io);
  return proxy === undefined ? settings : { ...settings, proxy };
}

function credentialsOf(uri: string): { user: string; password: string } | undefined {
  try {
    const url = new URL(uri);
    return url.password === '' ? undefined : { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  } catch {
    return undefined;
  }
}
