import ipaddr from 'ipaddr.js';

/*
 * Which addresses a merchant-supplied URL may reach. Only public unicast: ipaddr.js names the
 * special ranges (loopback, RFC 1918, link-local with the 169.254.169.254 metadata service,
 * CGNAT, multicast, unspecified, broadcast, documentation and other reserved blocks, IPv6 ULA,
 * link-local, discard, ...). IPv6 forms that carry an IPv4 address (mapped, SIIT, the NAT64
 * well-known prefix) are judged by the IPv4 address inside; the other IPv6 tunnels (6to4,
 * Teredo), the local-use NAT64 prefix and anything outside the global unicast block 2000::/3
 * (IPv4-compatible `::a.b.c.d` included) are refused outright.
 */

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** The reason an address is refused (its range's name), or null when it is public unicast. */
export function refusedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an address';
  return refusedRangeOf(ipaddr.parse(address));
}

function refusedRangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  if (address.kind() === 'ipv4') {
    const range = address.range();
    return range === 'unicast' ? null : range;
  }
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145') return embedded(v6, range);
  if (range === 'rfc6052') return v6.match(NAT64_WELL_KNOWN) ? embedded(v6, range) : 'rfc6052 local-use';
  if (range !== 'unicast') return range;
  return v6.match(GLOBAL_UNICAST_V6) ? null : 'reserved';
}

/** An IPv6 form carrying an IPv4 address: refused when that address is. */
function embedded(address: ipaddr.IPv6, form: string): string | null {
  const parts = address.toByteArray().slice(12);
  const inner = refusedRangeOf(new ipaddr.IPv4(parts));
  return inner === null ? null : `${form} of ${inner}`;
}

/** True for a literal IPv4 or IPv6 address (no brackets). */
export function isAddress(text: string): boolean {
  return ipaddr.isValid(text);
}

/** The canonical text of an address (IPv6 compact, IPv4 dotted), for comparing. */
export function canonicalAddress(text: string): string {
  return ipaddr.process(text).toString();
}

export function inCidr(address: string, cidr: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === cidr[0].kind()) return parsed.match(cidr);
  // An IPv4-mapped address is its IPv4 address for an IPv4 block.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address().match(cidr);
  return false;
}

export function parseCidr(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  try {
    return ipaddr.parseCIDR(text);
  } catch {
    return null;
  }
}
