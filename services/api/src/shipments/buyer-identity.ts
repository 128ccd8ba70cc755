import { createHmac } from 'node:crypto';
import { isE164 } from '@parcelwatch/contracts';

/**
 * Who the buyer is across a merchant's orders, from the registration's email or phone. Pure.
 *
 * Email: trimmed and lower-cased, and a "+tag" sub-address (RFC 5233: jane+tiktok@ goes to
 * jane@ at Gmail, Outlook, iCloud, Fastmail...) is cut, so a buyer who tags the address per
 * shop keeps one history. The risk is a false merge at a provider where "+" is a literal
 * character, which is rare; and nothing is gained by tagging someone else's address that the
 * bare address would not give already (intake emails are not verified). Provider-specific
 * rules (Gmail's ignored dots, googlemail.com) are not applied: they hold for one provider only.
 *
 * Phone, only without an email: the E.164 number (the intake has stripped the formatting). A
 * number without a country code names no one for sure and gives no identity. Email wins over
 * phone, so a buyer who gives an email once and only a phone another time has two histories.
 */
export interface BuyerIdentity {
  kind: 'email' | 'phone';
  normalized: string;
}

export function normalizeEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0) return lower;
  const local = lower.slice(0, at);
  const plus = local.indexOf('+');
  return plus > 0 ? `${local.slice(0, plus)}${lower.slice(at)}` : lower;
}

/** The identity a registration's buyer has, or null (no email, no E.164 phone). */
export function buyerIdentityOf(buyer: { email?: string | undefined; phone?: string | undefined } | undefined): BuyerIdentity | null {
  if (buyer?.email !== undefined) return { kind: 'email', normalized: normalizeEmail(buyer.email) };
  const phone = buyer?.phone?.trim();
  if (phone !== undefined && isE164(phone)) return { kind: 'phone', normalized: phone };
  return null;
}

/**
 * The buyer's id: HMAC-SHA256 under the merchant's buyer key (merchants.buyer_key) of
 * merchant, kind and normalized value, its first 16 bytes laid out as a version 8 UUID.
 * Deterministic, so every order of the buyer names the same row; without the key, a guessed
 * email cannot be matched to an id seen in an event or a log.
 */
export function deriveBuyerId(merchantKey: string, merchantId: string, identity: BuyerIdentity): string {
  const bytes = createHmac('sha256', merchantKey)
    .update(`parcelwatch-buyer|${merchantId}|${identity.kind}:${identity.normalized}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
