import { z } from 'zod';
import { canonicalAddress, inCidr, isAddress, parseCidr, refusedRange } from './address-class.js';

/*
 * The explicit exceptions to the public-only rule, for receivers on premises (and the tests'
 * loopback receivers). An entry is a block (`10.20.0.0/16`, `fd00:1::/64`), one address on every
 * port (`10.20.0.7`), or one host and port (`127.0.0.1:4001`, `[::1]:4001`,
 * `hooks.internal:8443`): a host:port entry lets exactly that receiver through, not its
 * neighbours on other ports.
 */
export type AllowEntry =
  | { kind: 'block'; text: string; cidr: NonNullable<ReturnType<typeof parseCidr>> }
  | { kind: 'address-port'; text: string; address: string; port: number }
  | { kind: 'name-port'; text: string; name: string; port: number };

export type OutboundAllowList = readonly AllowEntry[];

/** A host name as compared: lower case, without the trailing dot of a fully qualified name. */
export function normalName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function entryOf(text: string): AllowEntry | string {
  if (text.includes('/')) {
    const cidr = parseCidr(text);
    return cidr === null ? `${text} is not an address block` : { kind: 'block', text, cidr };
  }
  if (isAddress(text)) return { kind: 'block', text, cidr: parseCidr(`${text}/${text.includes(':') ? 128 : 32}`)! };
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65535) return `${text} is not a block, an address or host:port`;
  const host = match[1] ?? match[2]!;
  if (match[1] !== undefined && !isAddress(host)) return `${text} has no IPv6 address in its brackets`;
  return isAddress(host) ? { kind: 'address-port', text, address: canonicalAddress(host), port } : { kind: 'name-port', text, name: normalName(host), port };
}

export function parseOutboundAllow(text: string): { entries: AllowEntry[]; errors: string[] } {
  const entries: AllowEntry[] = [];
  const errors: string[] = [];
  for (const part of text.split(',').map((item) => item.trim()).filter((item) => item.length > 0)) {
    const entry = entryOf(part);
    if (typeof entry === 'string') errors.push(entry);
    else entries.push(entry);
  }
  return { entries, errors };
}

/** The setting, for each service that sends to (or registers) merchant-supplied URLs. */
export const outboundAllowEnv = {
  PARCELWATCH_OUTBOUND_ALLOW: z
    .string()
    .default('')
    .transform((text, ctx): AllowEntry[] => {
      const { entries, errors } = parseOutboundAllow(text);
      for (const message of errors) ctx.addIssue({ code: 'custom', message });
      return entries;
    }),
};

/** Where a request goes: the URL's host as written (a name or an address) and its port. */
export interface OutboundTarget {
  /** A normalized name, or a canonical address for a literal. */
  host: string;
  port: number;
}

/**
 * Whether `address` may be reached for `target`: public unicast always; anything else only
 * through an allow-list entry. Returns the refused range's name, or null when allowed.
 */
export function refusalOf(address: string, target: OutboundTarget, allow: OutboundAllowList): string | null {
  const refused = refusedRange(address);
  if (refused === null) return null;
  const canonical = canonicalAddress(address);
  const allowed = allow.some((entry) => {
    if (entry.kind === 'block') return inCidr(address, entry.cidr);
    if (entry.port !== target.port) return false;
    return entry.kind === 'address-port' ? entry.address === canonical : entry.name === target.host;
  });
  return allowed ? null : refused;
}
