import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { baseProxy, baseTarget, type PreflightContext } from '../context.js';
import { explainNetworkError } from '../net-errors.js';
import type { StepOutcome } from '../types.js';

/** Addresses shown in the detail; a CDN host can have dozens. */
const SHOWN_ADDRESSES = 3;

/**
 * Resolves the base URL's host the way Node's own connect will (dns.lookup, i.e. getaddrinfo,
 * so /etc/hosts and the system resolver count). IP literals and `localhost` need no lookup.
 * Through a proxy, the proxy resolves the target; this resolves the proxy's host instead.
 */
export async function checkDns(context: PreflightContext): Promise<StepOutcome> {
  const proxy = baseProxy(context);
  const target = proxy?.target ?? baseTarget(context);
  const via = proxy === undefined ? '' : `; ${context.host} is resolved by the proxy ${proxy.shown}`;
  const { host } = target;
  if (isIP(host) !== 0) return { status: 'pass', detail: `${host} is an IP address; no lookup needed${via}` };
  if (host.toLowerCase() === 'localhost') return { status: 'pass', detail: `localhost is the loopback interface; no lookup needed${via}` };
  try {
    const addresses = await lookup(host, { all: true });
    const shown = addresses.slice(0, SHOWN_ADDRESSES).map((a) => a.address);
    const more = addresses.length > SHOWN_ADDRESSES ? ` and ${addresses.length - SHOWN_ADDRESSES} more` : '';
    return { status: 'pass', detail: `${host} resolves to ${shown.join(', ')}${more}${via}` };
  } catch (error) {
    return { status: 'fail', ...explainNetworkError(error, target) };
  }
}
