/**
 * Check-digit algorithms of the tracking-number formats we detect. Each takes the digits
 * (or characters) WITHOUT the check digit and returns the expected check digit, so tests can
 * build valid numbers and detection can compare against the last character.
 */

function digitsOf(body: string): number[] {
  return [...body].map((char) => {
    const value = Number(char);
    if (!Number.isInteger(value) || char === ' ') throw new RangeError(`not a digit: ${char}`);
    return value;
  });
}

/**
 * GS1-style mod 10 (USPS IMpb, FedEx Ground 15/20/22 digits): weights 3,1,3,1... from the
 * rightmost data digit, check = (10 - sum mod 10) mod 10.
 */
export function mod10Weight31(body: string): number {
  const digits = digitsOf(body).reverse();
  const sum = digits.reduce((acc, digit, index) => acc + digit * (index % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10;
}

/**
 * UPS 1Z: over the 15 characters after "1Z"; letters count as (charCode - 63) mod 10
 * (A=2 ... I=0, J=1 ...); odd positions weight 1, even positions weight 2.
 */
export function upsCheckDigit(body15: string): number {
  const values = [...body15.toUpperCase()].map((char) => {
    if (/[0-9]/.test(char)) return Number(char);
    if (/[A-Z]/.test(char)) return (char.charCodeAt(0) - 63) % 10;
    throw new RangeError(`not alphanumeric: ${char}`);
  });
  const sum = values.reduce((acc, value, index) => acc + value * (index % 2 === 0 ? 1 : 2), 0);
  return (10 - (sum % 10)) % 10;
}

/**
 * FedEx Express 12 digits: weights 1,3,7 repeating from the rightmost data digit; sum mod 11,
 * 10 -> 0. The 34-digit Express and Ground GSN barcodes check their 13-digit serial the same way.
 */
export function fedex12CheckDigit(body11: string): number {
  const weights = [1, 3, 7];
  const digits = digitsOf(body11).reverse();
  const sum = digits.reduce((acc, digit, index) => acc + digit * (weights[index % 3] ?? 0), 0);
  const check = sum % 11;
  return check === 10 ? 0 : check;
}

/**
 * UPS waybills of a letter and 10 digits (K1506235620): over the 9 digits after the letter,
 * weights 1,2 alternating from the first, check = (10 - sum mod 10) mod 10 (no digit sums).
 */
export function upsWaybillCheckDigit(body9: string): number {
  const sum = digitsOf(body9).reduce((acc, digit, index) => acc + digit * (index % 2 === 0 ? 1 : 2), 0);
  return (10 - (sum % 10)) % 10;
}

/**
 * Deutsche Post / DHL Paket Identcode (12 digits, e.g. 470800204932 in dhl.md): weights 4 and 9
 * alternating from the first of the 11 data digits, check = (10 - sum mod 10) mod 10.
 */
export function dhlPaketCheckDigit(body11: string): number {
  const sum = digitsOf(body11).reduce((acc, digit, index) => acc + digit * (index % 2 === 0 ? 4 : 9), 0);
  return (10 - (sum % 10)) % 10;
}

/** DHL Express 10- and 11-digit waybills: the digits before the check, read as a number, mod 7. */
export function dhlExpressCheckDigit(body: string): number {
  digitsOf(body);
  return Number(body) % 7;
}

/**
 * UPU S10 (e.g. RR123456785CN): weights 8,6,4,2,3,5,9,7 over the 8 serial digits;
 * check = 11 - sum mod 11, where 10 -> 0 and 11 -> 5.
 */
export function s10CheckDigit(serial8: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = digitsOf(serial8).reduce((acc, digit, index) => acc + digit * (weights[index] ?? 0), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}

/** Does the last character equal `algorithm(everything before it)`? */
export function lastDigitMatches(value: string, algorithm: (body: string) => number): boolean {
  return value.length > 1 && String(algorithm(value.slice(0, -1))) === value.slice(-1);
}
