import { canonicalAddress, isAddress } from './address-class.js';
import { normalName, refusalOf, type OutboundAllowList, type OutboundTarget } from './outbound-allow.js';

/*
 * The checks a URL passes before any DNS: http(s) only, no credentials, and a literal address
 * (however it is written: `2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]`)
 * or a `localhost` name that the allow-list does not let through is refused. The WHATWG parser
 * turns every IPv4 spelling into its dotted form, and that parsed host is both what is checked
 * and what is connected to. A name's addresses are checked again after resolution, at send time.
 */

export interface CheckedUrl {
  url: URL;
  target: OutboundTarget;
  /** The address when the host is written as one (no DNS), else null. */
  literal: string | null;
}

export type UrlCheck = { ok: true; checked: CheckedUrl } | { ok: false; reason: string };

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** `localhost` and its subdomains resolve to loopback by definition (RFC 6761), whatever DNS says. */
function isLocalhostName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

export function checkOutboundUrl(text: string, allow: OutboundAllowList): UrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined) return { ok: false, reason: 'only http and https URLs are sent to' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL are not accepted' };
  const bare = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (bare === '') return { ok: false, reason: 'the URL has no host' };
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (isAddress(bare)) {
    const literal = canonicalAddress(bare);
    const target = { host: literal, port };
    const refused = refusalOf(bare, target, allow);
    if (refused !== null) return { ok: false, reason: `address not allowed (${refused})` };
    return { ok: true, checked: { url, target, literal: bare } };
  }
  const target = { host: normalName(bare), port };
  if (isLocalhostName(target.host) && refusalOf('127.0.0.1', target, allow) !== null) return { ok: false, reason: 'address not allowed (loopback)' };
  return { ok: true, checked: { url, target, literal: null } };
}
