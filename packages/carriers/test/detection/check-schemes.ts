import { s10CheckDigit } from '../../src/index.js';

/**
 * What each checked format's check digit covers, and which one-digit changes its arithmetic
 * cannot see. A carrier's scheme defines validity: a change it cannot see yields a number that
 * is valid by the carrier's own rule, so the honest property is "never valid, except in the
 * scheme's blind spot", with the blind spot stated here from the arithmetic, not from our code.
 */
export type Scheme = {
  /** Index range [from, to) the check digit covers (routing prefixes and letters excluded). */
  range: (number: string) => [number, number];
  /** True when changing `number[index]` to `digit` keeps the check digit right by the scheme's arithmetic. */
  blind: (number: string, index: number, digit: number) => boolean;
};

const digitAt = (number: string, index: number) => Number(number[index]);
const whole = (number: string): [number, number] => [0, number.length];
const never = () => false;

/** Weights 1 and 2 (UPS), or 4 and 9 (Identcode): a change of 5 under an even weight is invisible mod 10. */
function evenWeightBlind(weightOf: (number: string, index: number) => number) {
  return (number: string, index: number, digit: number) => {
    const weight = weightOf(number, index);
    return weight % 2 === 0 && Math.abs(digit - digitAt(number, index)) === 5;
  };
}

/** S10 maps remainders 0 and 6 both to check digit 5 (11 - 0 = 11 -> 5; 11 - 6 = 5). */
function s10Blind(number: string, index: number, digit: number): boolean {
  if (index === 10) return false;
  const serial = number.slice(2, 10);
  const changed = `${serial.slice(0, index - 2)}${digit}${serial.slice(index - 1)}`;
  return s10CheckDigit(changed) === s10CheckDigit(serial);
}

/** FedEx's mod 11 maps remainders 0 and 10 both to check digit 0. */
function fedexMod11Blind(tailStart: number) {
  const weights = [1, 3, 7];
  const remainder = (digits: string) => [...digits].reverse().reduce((sum, d, i) => sum + Number(d) * (weights[i % 3] ?? 0), 0) % 11;
  return (number: string, index: number, digit: number) => {
    if (index === number.length - 1) return false;
    const body = number.slice(tailStart, -1);
    const at = index - tailStart;
    const changed = `${body.slice(0, at)}${digit}${body.slice(at + 1)}`;
    return remainder(body) % 10 === remainder(changed) % 10;
  };
}

export const SCHEMES: Record<string, Scheme> = {
  // GS1 mod 10 with weights 3 and 1 sees every one-digit change (3 is prime to 10).
  'usps-impb': { range: whole, blind: never },
  'usps-20': { range: whole, blind: never },
  'fedex-ground-15': { range: whole, blind: never },
  'fedex-ground-96': { range: (n) => [7, n.length], blind: never },
  'fedex-smartpost-20': { range: whole, blind: never },
  'sscc-18': { range: whole, blind: never },
  // Mod 7 of the number: a digit changed by 7 (0<->7, 1<->8, 2<->9) changes it by a multiple of 7.
  'dhl-express-10': { range: whole, blind: (n, i, d) => i < n.length - 1 && Math.abs(d - digitAt(n, i)) === 7 },
  'dhl-express-11': { range: whole, blind: (n, i, d) => i < n.length - 1 && Math.abs(d - digitAt(n, i)) === 7 },
  'dhl-paket-12': { range: whole, blind: evenWeightBlind((n, i) => (i === n.length - 1 ? 1 : i % 2 === 0 ? 4 : 9)) },
  'ups-1z': { range: () => [2, 18], blind: evenWeightBlind((n, i) => (i === 17 ? 1 : (i - 2) % 2 === 0 ? 1 : 2)) },
  'ups-waybill': { range: () => [1, 11], blind: evenWeightBlind((n, i) => (i === 10 ? 1 : (i - 1) % 2 === 0 ? 1 : 2)) },
  'upu-s10': { range: () => [2, 11], blind: s10Blind },
  'fedex-express-12': { range: whole, blind: fedexMod11Blind(0) },
  'fedex-express-34': { range: (n) => [20, n.length], blind: fedexMod11Blind(20) },
  'fedex-ground-gsn': { range: (n) => [20, n.length], blind: fedexMod11Blind(20) },
};

/** Every one-digit change inside the checked range: the number, the index, the new digit. */
export function oneDigitMutations(number: string, [from, to]: [number, number]): Array<{ mutated: string; index: number; digit: number }> {
  const out: Array<{ mutated: string; index: number; digit: number }> = [];
  for (let index = from; index < to; index += 1) {
    if (!/\d/.test(number[index] ?? '')) continue;
    for (let digit = 0; digit <= 9; digit += 1) {
      if (String(digit) !== number[index]) out.push({ mutated: `${number.slice(0, index)}${digit}${number.slice(index + 1)}`, index, digit });
    }
  }
  return out;
}
