import { isRecord } from './server-text.js';

/** Where a failed network operation was going, so a message can name the variable to fix. */
export interface NetTarget {
  host: string;
  port: number;
  /** The env variable that holds the URL: SCIM_API_BASE_URL or SCIM_OAUTH_TOKEN_URL. */
  variable: string;
  timeoutMs: number;
}

/** A failed step's text. */
export interface Explanation {
  detail: string;
  hint: string;
}

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR',
  'UND_ERR_ABORTED',
]);

/**
 * The code of a Node or undici network error. undici may wrap the socket's error in `cause`, and
 * Node's happy-eyeballs connect reports an AggregateError whose first error carries the code.
 */
export function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; isRecord(current) && depth < 5; depth++) {
    if (typeof current['code'] === 'string' && current['code'] !== '') return current['code'];
    if (current['name'] === 'TimeoutError' || current['name'] === 'AbortError') return 'ABORT_ERR';
    const nested: unknown = current['errors'];
    current = Array.isArray(nested) && nested.length > 0 ? nested[0] : current['cause'];
  }
  return undefined;
}

/** True when the error means the operation ran out of time (our abort signal or an undici timer). */
export function isTimeout(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && TIMEOUT_CODES.has(code);
}

/** The text of a step that ran out of time, naming SCIM_TIMEOUT_MS as the knob. */
export function explainTimeout(what: string, timeoutMs: number): Explanation {
  return {
    detail: `${what} timed out after ${timeoutMs} ms`,
    hint: `the server did not answer within SCIM_TIMEOUT_MS=${timeoutMs}; check the server's latency (or a firewall that drops packets), or raise SCIM_TIMEOUT_MS`,
  };
}

/** Cert error codes (OpenSSL's, as Node reports them) and what they mean in words. */
const CERT_PROBLEMS: Record<string, Explanation> = {
  CERT_HAS_EXPIRED: {
    detail: 'certificate has expired',
    hint: 'renew the server certificate; scimsim never turns verification off',
  },
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    detail: 'certificate is self-signed',
    hint: 'trust it with NODE_EXTRA_CA_CERTS=/path/to/cert.pem, or give the server a certificate from a trusted CA',
  },
  SELF_SIGNED_CERT_IN_CHAIN: {
    detail: 'certificate chain ends in an untrusted self-signed root (a private CA or a TLS-inspecting proxy?)',
    hint: 'add that root CA (PEM) to NODE_EXTRA_CA_CERTS',
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    detail: 'certificate cannot be verified: the server does not send its intermediate certificates',
    hint: 'configure the server to send the full chain, or add the issuing CA to NODE_EXTRA_CA_CERTS',
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    detail: "certificate's issuer is not trusted on this machine (a private CA or a TLS-inspecting proxy?)",
    hint: 'add the issuing CA (PEM) to NODE_EXTRA_CA_CERTS',
  },
};

/**
 * Explains a failed DNS lookup, connect, handshake or request in words a user can act on,
 * naming the variable that holds the URL. Unknown errors keep their code and message.
 */
export function explainNetworkError(error: unknown, target: NetTarget): Explanation {
  const code = errorCode(error);
  const where = `${target.host}:${target.port}`;
  if (isTimeout(error)) return explainTimeout(`talking to ${where}`, target.timeoutMs);
  const cert = code === undefined ? undefined : CERT_PROBLEMS[code];
  if (cert !== undefined) return { detail: `TLS to ${where}: ${cert.detail} (${code})`, hint: cert.hint };
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        detail: `TLS to ${where}: certificate is not issued for ${target.host} (${code})`,
        hint: `use in ${target.variable} a hostname the certificate covers, or reissue the certificate with ${target.host} in its subjectAltName`,
      };
    case 'ECONNREFUSED':
      return {
        detail: `connection refused by ${where} (ECONNREFUSED)`,
        hint: `nothing listens on port ${target.port}: check the port in ${target.variable} and that the service is up`,
      };
    case 'ENOTFOUND':
      return {
        detail: `${target.host} does not resolve (ENOTFOUND)`,
        hint: `check the hostname in ${target.variable}; internal hosts may resolve only inside the VPN or private DNS zone`,
      };
    case 'EAI_AGAIN':
      return { detail: `DNS lookup of ${target.host} failed temporarily (EAI_AGAIN)`, hint: 'the DNS server did not answer; check the resolver or network and retry' };
    case 'ECONNRESET':
    case 'EPIPE':
      return {
        detail: `${where} closed the connection (${code})`,
        hint: 'a firewall or proxy may cut the connection, or the port expects another protocol (http vs https)',
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { detail: `${where} is unreachable (${code})`, hint: 'check the network route, VPN or firewall from this machine' };
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return {
        detail: `TLS handshake with ${where} failed (${code})`,
        hint: `the port may speak plain HTTP or another protocol; check the scheme and port in ${target.variable}`,
      };
    default:
      return {
        detail: `connection to ${where} failed: ${messageOf(error)}${code === undefined ? '' : ` (${code})`}`,
        hint: `check ${target.variable} and the network path to ${target.host}`,
      };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
