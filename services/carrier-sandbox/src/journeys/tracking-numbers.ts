import { seededRandom } from './seeded-random.js';

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;

/** UPU S10 check digit over 8 serial digits (mod 11, 10 -> 0, 11 -> 5). */
export function s10CheckDigit(serial: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(serial[i]) * S10_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

/**
 * Tracking numbers in the formats CN cross-border sellers ship with: UPU S10 from China Post
 * (`LX123456785CN`, valid check digit) and YunExpress `YT` + 16 digits. Same seed, same list.
 */
export function seededTrackingNumbers(seed: number, count: number): string[] {
  const rng = seededRandom(seed ^ 0x5eed);
  const numbers = new Set<string>();
  while (numbers.size < count) {
    if (rng.chance(0.5)) {
      let serial = '';
      for (let i = 0; i < 8; i += 1) serial += String(rng.int(0, 9));
      numbers.add(`${rng.pick(['LX', 'LY', 'RB', 'UA'])}${serial}${s10CheckDigit(serial)}CN`);
    } else {
      let digits = '';
      for (let i = 0; i < 16; i += 1) digits += String(rng.int(0, 9));
      numbers.add(`YT${digits}`);
    }
  }
  return [...numbers];
}
