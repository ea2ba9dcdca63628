import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import { baseTarget, type PreflightContext } from '../context.js';
import { explainNetworkError } from '../net-errors.js';
import type { StepOutcome } from '../types.js';

/**
 * Opens a TCP connection to the base URL's host and port, and for https completes the TLS
 * handshake with certificate verification, so certificate problems are named here rather than
 * surfacing as a vague request error later. Nothing is sent after the handshake.
 */
export async function checkConnect(context: PreflightContext, signal: AbortSignal): Promise<StepOutcome> {
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
