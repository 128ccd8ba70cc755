/*
 * Provider error texts quote the recipient: SMTP relays the address ("550 5.1.1
 * <jane@example.com>: Recipient address rejected"), SMS APIs the number ("The 'To' number
 * +15005550001 is not a valid phone number"). Such a text is stored on the notification, in its
 * attempt and in the `notification.failed` event, all of which outlive a buyer's erasure, so
 * the addresses are taken out before any of that. SMTP reply and enhanced status codes
 * ("550 5.1.1"), dates and relay host names stay: they are what an operator needs.
 */

const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Digit runs joined by spaces, dashes or brackets (not dots: those are status codes and IPs). */
const PHONE_CANDIDATE = /(?:\+|\b)\(?\d[\d ()-]{5,}\d\b/g;
/** An ISO date, maybe with the hour of a time after it ("2026-11-23 12" of "2026-11-23 12:00"). */
const DATE = /^\d{4}-\d{2}-\d{2}(?: \d{2})?$/;
/** Fewer digits than any phone number in use (E.164 numbers have 8 or more with the country code). */
const MIN_PHONE_DIGITS = 7;

function redactNumber(candidate: string): string {
  const digits = candidate.replace(/\D/g, '').length;
  return digits >= MIN_PHONE_DIGITS && !DATE.test(candidate) ? '[number]' : candidate;
}

/** The text without email addresses and phone numbers; the one redaction every provider error passes. */
export function redactAddresses(text: string): string {
  return text.replace(EMAIL, '[address]').replace(PHONE_CANDIDATE, redactNumber);
}
