import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import { openTunnel } from '../../../scim/dispatcher.js';
import { baseProxy, baseTarget, type PreflightContext } from '../context.js';
import { explainNetworkError } from '../net-errors.js';
import type { StepOutcome } from '../types.js';

/**
 * Opens a TCP connection to the base URL's host and port, and for https completes the TLS
 * handshake with certificate verification, so certificate problems are named here rather than
 * surfacing as a vague request error later. Nothing is sent after the handshake.
 */
export async function checkConnect(context: PreflightContext, signal: AbortSignal): Promise<StepOutcome> {
  const proxy = baseProxy(context);
  if (proxy !== undefined) return connectThroughProxy(context, proxy, signal);
  const where = `${context.host}:${context.port}`;
  try {
    if (!context.https) {
      (await open(tcpConnect({ host: context.host, port: context.port }), 'connect', signal)).destroy();
      return { status: 'pass', detail: `TCP connection to ${where} established` };
    }
    const socket = tlsConnect({
      host: context.host,
      port: context.port,
      // SNI must not carry an IP address (RFC 6066 section 3); Node then checks the IP SANs instead.
      ...(isIP(context.host) === 0 ? { servername: context.host } : {}),
      ...(context.ca === undefined ? {} : { ca: [...rootCertificates, context.ca] }),
    });
    const tls = await open(socket, 'secureConnect', signal);
    const session = describeSession(tls);
    tls.destroy();
    return { status: 'pass', detail: `TLS handshake with ${where}: ${session}` };
  } catch (error) {
    return { status: 'fail', ...explainNetworkError(error, baseTarget(context)) };
  }
}

/**
 * Through a proxy: a CONNECT tunnel to host:port, as every request will open one, and for https
 * the TLS handshake with the target inside it, verified as a direct one would be.
 */
async function connectThroughProxy(context: PreflightContext, proxy: NonNullable<ReturnType<typeof baseProxy>>, signal: AbortSignal): Promise<StepOutcome> {
  const where = `${context.host}:${context.port}`;
  let tunnel: Awaited<ReturnType<typeof openTunnel>>;
  try {
    tunnel = await openTunnel(proxy.url, context.host, context.port, { timeoutMs: context.settings.timeoutMs, ca: context.ca, signal });
  } catch (error) {
    return { status: 'fail', ...explainNetworkError(error, proxy.target) };
  }
  if (tunnel.socket === undefined) {
    const why = tunnel.statusCode === 407 ? 'it wants credentials' : 'it refused the tunnel';
    return {
      status: 'fail',
      detail: `the proxy ${proxy.shown} answered ${tunnel.statusCode} to CONNECT ${where}: ${why}`,
      hint:
        tunnel.statusCode === 407
          ? `put the proxy's user and password in ${proxy.target.variable} (http://user:password@host:port), or name ${context.host} in NO_PROXY`
          : `check that the proxy allows ${where}, or name ${context.host} in NO_PROXY to connect directly`,
    };
  }
  const socket = tunnel.socket as Socket;
  try {
    if (!context.https) return { status: 'pass', detail: `tunnel to ${where} through the proxy ${proxy.shown} established` };
    const tls = await open(
      tlsConnect({
        socket,
        ...(isIP(context.host) === 0 ? { servername: context.host } : {}),
        ...(context.ca === undefined ? {} : { ca: [...rootCertificates, context.ca] }),
      }),
      'secureConnect',
      signal,
    );
    const session = describeSession(tls);
    tls.destroy();
    return { status: 'pass', detail: `TLS handshake with ${where} through the proxy ${proxy.shown}: ${session}` };
  } catch (error) {
    return { status: 'fail', ...explainNetworkError(error, baseTarget(context)) };
  } finally {
    socket.destroy();
  }
}

/** Waits for the socket to reach `ready` (the caller closes it); destroys it and rejects on error or abort. */
function open<S extends Socket>(socket: S, ready: 'connect' | 'secureConnect', signal: AbortSignal): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once(ready, () => {
      signal.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(error);
    });
  });
}

function describeSession(socket: TLSSocket): string {
  const cert = socket.getPeerCertificate();
  const subject = typeof cert.subject?.CN === 'string' ? `CN=${cert.subject.CN}` : 'certificate';
  const until = cert.valid_to ? `, valid until ${cert.valid_to}` : '';
  return `${socket.getProtocol() ?? 'TLS'}, ${subject}${until}`;
}
