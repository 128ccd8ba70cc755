import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { refusalOf, type OutboundAllowList } from './outbound-allow.js';
import { checkOutboundUrl } from './outbound-url.js';

/*
 * One request to a merchant-supplied URL. The host's addresses are resolved once and every one
 * must be allowed; the socket then connects to the first of them by address (no second lookup),
 * so a name cannot resolve to something else between the check and the connect (DNS
 * rebinding). The Host header and the TLS server name (SNI and certificate check) stay the URL's. Redirects
 * are never followed (the caller sees a 3xx). The answer's body is read up to `maxBodyBytes`
 * and dropped: the caller learns the status and nothing the receiver wrote.
 */

export type OutboundResult =
  | { outcome: 'answered'; status: number }
  /** The URL or one of its addresses is not allowed; nothing was sent. `detail` is for logs. */
  | { outcome: 'refused'; detail: string }
  | { outcome: 'timeout' }
  /** DNS failure, connection refused or reset, TLS failure: deliberately one kind. */
  | { outcome: 'network_error'; detail: string };

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export interface OutboundRequest {
  method: 'POST' | 'PUT';
  headers: Record<string, string>;
  body: string;
  /** Time to a connected socket. */
  connectTimeoutMs: number;
  /** Time for the whole exchange, connect included. */
  timeoutMs: number;
  maxBodyBytes?: number;
}

export interface OutboundClientOptions {
  allow: OutboundAllowList;
  /** Name resolution (default: the system resolver, every address). */
  resolve?: Resolve;
}

export interface OutboundClient {
  send(url: string, request: OutboundRequest): Promise<OutboundResult>;
}

const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

function errorCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unknown';
}

class OutboundTimeout extends Error {}

export function createOutboundClient(options: OutboundClientOptions): OutboundClient {
  const resolve = options.resolve ?? systemResolve;

  async function addressFor(host: string, literal: string | null, target: { host: string; port: number }): Promise<OutboundResult | string> {
    let addresses: string[];
    if (literal !== null) addresses = [literal];
    else {
      try {
        addresses = (await resolve(host)).map((entry) => entry.address);
      } catch (err) {
        return { outcome: 'network_error', detail: `dns ${errorCode(err)}` };
      }
    }
    if (addresses.length === 0) return { outcome: 'network_error', detail: 'dns no address' };
    for (const address of addresses) {
      const refused = refusalOf(address, target, options.allow);
      if (refused !== null) return { outcome: 'refused', detail: `address not allowed (${refused})` };
    }
    return addresses[0]!;
  }

  async function send(text: string, request: OutboundRequest): Promise<OutboundResult> {
    const check = checkOutboundUrl(text, options.allow);
    if (!check.ok) return { outcome: 'refused', detail: check.reason };
    const { url, target, literal } = check.checked;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const address = await addressFor(host, literal, target);
    if (typeof address !== 'string') return address;
    const requestOptions: RequestOptions & { servername?: string } = {
      method: request.method,
      host: address,
      port: target.port,
      path: `${url.pathname}${url.search}`,
      headers: { ...request.headers, host: url.host, 'content-length': String(Buffer.byteLength(request.body)) },
      agent: false,
      ...(url.protocol === 'https:' && literal === null ? { servername: host } : {}),
    };
    return exchange(url.protocol === 'https:', requestOptions, request);
  }

  return { send };
}

function exchange(tls: boolean, options: RequestOptions, request: OutboundRequest): Promise<OutboundResult> {
  const limit = request.maxBodyBytes ?? 4096;
  return new Promise<OutboundResult>((resolve) => {
    let settled = false;
    const finish = (result: OutboundResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(whole);
      clearTimeout(connect);
      resolve(result);
    };
    const req = (tls ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        // Enough of an answer: the rest is not ours to hold.
        if (read >= limit) {
          res.destroy();
          finish({ outcome: 'answered', status });
        }
      });
      res.on('end', () => finish({ outcome: 'answered', status }));
      res.on('error', () => finish({ outcome: 'answered', status }));
      res.on('close', () => finish({ outcome: 'answered', status }));
    });
    const whole = setTimeout(() => req.destroy(new OutboundTimeout()), request.timeoutMs);
    const connect = setTimeout(() => req.destroy(new OutboundTimeout()), request.connectTimeoutMs);
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connect);
      else socket.once(tls ? 'secureConnect' : 'connect', () => clearTimeout(connect));
    });
    req.on('error', (err) => finish(err instanceof OutboundTimeout ? { outcome: 'timeout' } : { outcome: 'network_error', detail: errorCode(err) }));
    req.end(request.body);
  });
}
