/*
 * Phone numbers as SMS providers take them: E.164, `+` and 7 to 15 digits (Twilio refuses
 * anything else with 21211). Buyers' numbers arrive formatted ("+1 (555) 123-4567"); the
 * formatting goes, the digits stay. A number without a country code cannot be made E.164
 * without guessing, so it is kept as typed and reported by `isE164`.
 */

const FORMATTING = /[\s().-]/g;

export function normalizePhone(phone: string): string {
  return phone.trim().replace(FORMATTING, '');
}

export function isE164(phone: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(phone);
}
