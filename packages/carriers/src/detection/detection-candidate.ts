import { FORMATS, type FormatId } from './formats.js';

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
  format: FormatId;
  /** Why: the format's name and what its check digit said, for a person deciding. */
  reason: string;
};

/** Every reading one format family gives for a normalized number (upper case, no separators). */
export type DetectionRule = (value: string) => DetectionCandidate[];

export type Scores = { valid: number; invalid: number; unchecked?: number };

function reasonFor(format: FormatId, checkDigitValid: boolean | null, note: string | undefined): string {
  const { name, check } = FORMATS[format];
  const verdict =
    check === null
      ? 'no check digit in this format'
      : checkDigitValid === null
        ? `${check}: not verified`
        : `${check} ${checkDigitValid ? 'valid' : 'failed'}`;
  return [name, verdict, note].filter(Boolean).join('; ');
}

export function candidate(
  carrier: string,
  format: FormatId,
  normalized: string,
  checkDigitValid: boolean | null,
  scores: Scores,
  note?: string,
): DetectionCandidate {
  const confidence = checkDigitValid === null ? (scores.unchecked ?? scores.valid) : checkDigitValid ? scores.valid : scores.invalid;
  return { carrier, confidence, checkDigitValid, normalized, format, reason: reasonFor(format, checkDigitValid, note) };
}

/** A format without a check digit: the same score whatever the digits. */
export function unchecked(carrier: string, format: FormatId, normalized: string, score: number, note?: string): DetectionCandidate {
  return candidate(carrier, format, normalized, null, { valid: score, invalid: score }, note);
}
