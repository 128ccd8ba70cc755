import { createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from './secret-box.js';

/*
 * The bearer token of a buyer's tracking page (`<base>/t/<token>`): 192 random bits, not derived
 * from any id. The page finds its link by the token's SHA-256, so the lookup column says nothing
 * usable. The token itself must stay quotable (every buyer message and WISMO answer carries the
 * link, long after registration), so it is kept sealed under PARCELWATCH_SECRET_KEY, bound to its
 * shipment; a deployment without a key keeps it in clear (`pwt_…`), as merchant webhook secrets.
 */

const CLEAR_PREFIX = 'pwt_';
const TOKEN_BYTES = 24;

const contextOf = (shipmentId: string) => `tracking-link:${shipmentId}`;

export function newTrackingToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** What the page looks a token up by (hex). */
export function trackingTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a presented token has the shape of one (so junk never reaches the database). */
export function isTrackingTokenShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]{32}$/.test(token);
}

export function storedTrackingToken(box: SecretBox | null, shipmentId: string, token: string): string {
  return box === null ? `${CLEAR_PREFIX}${token}` : box.seal(token, contextOf(shipmentId));
}

/** Whether a stored token should be sealed (again): kept in clear, or sealed under a key other than the current one. */
export function trackingTokenNeedsReseal(box: SecretBox, stored: string): boolean {
  return stored.startsWith(CLEAR_PREFIX) || box.needsReseal(stored);
}

/** The token of a stored value; null when it is sealed and cannot be opened here (no key, unknown key, altered). */
export function openTrackingToken(box: SecretBox | null, shipmentId: string, stored: string): string | null {
  if (stored.startsWith(CLEAR_PREFIX)) return stored.slice(CLEAR_PREFIX.length);
  if (box === null) return null;
  try {
    return box.open(stored, contextOf(shipmentId));
  } catch {
    return null;
  }
}

/** The page's address under a public base URL (a trailing slash or not). */
export function trackingPageUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/t/${token}`;
}
