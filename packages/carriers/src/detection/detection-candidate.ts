/**
 * One reading of a tracking number. `confidence` is a rank score in 0..1, not a probability:
 * a format with a passing check digit scores high, a format match without any check
 * (the China cross-border prefixes) scores lower, a failed check digit lower still (a typo
 * is more likely than another carrier). `checkDigitValid` is null when the format defines no
 * check digit (or we do not know it).
 */
export type DetectionCandidate = {
  carrier: string;
  confidence: number;
  checkDigitValid: boolean | null;
  /** The number as the carrier's API wants it: upper case, no separators, routing prefix removed. */
  normalized: string;
  /** Which format matched, e.g. 'ups-1z', 'usps-impb', 'upu-s10'. */
  format: string;
};

/** Every reading one format family gives for a normalized number (upper case, no separators). */
export type DetectionRule = (value: string) => DetectionCandidate[];

export type Scores = { valid: number; invalid: number; unchecked?: number };

export function candidate(
  carrier: string,
  format: string,
  normalized: string,
  checkDigitValid: boolean | null,
  scores: Scores,
): DetectionCandidate {
  const confidence = checkDigitValid === null ? (scores.unchecked ?? scores.valid) : checkDigitValid ? scores.valid : scores.invalid;
  return { carrier, confidence, checkDigitValid, normalized, format };
}

/** A format without a check digit: the same score whatever the digits. */
export function unchecked(carrier: string, format: string, normalized: string, score: number): DetectionCandidate {
  return candidate(carrier, format, normalized, null, { valid: score, invalid: score });
}
