import { unchecked, type DetectionCandidate, type DetectionRule } from './detection-candidate.js';
import type { FormatId } from './formats.js';

type Shape = readonly [RegExp, string, FormatId, number];

/**
 * The China cross-border formats sellers ship with. None publishes a check digit, so these are
 * prefix-and-length matches and score below every checked format; the looser shapes (4PX
 * `304…`, Cainiao `CN…`, Yanwen letter prefixes) score lower still.
 */
const SHAPES: readonly Shape[] = [
  [/^SF\d{12,13}$/, 'sf-express', 'sf-express', 0.9],
  // JD + 13 to 15 digits, or JD + one or two letters (JDVA, JDX...) + 11 to 13 digits. JD + 18
  // digits is a DHL piece id (dhl.rules.ts).
  [/^JD(\d{13,15}|[A-Z]{1,2}\d{11,13})$/, 'jd-logistics', 'jd-logistics', 0.85],
  [/^YT\d{16}$/, 'yunexpress', 'yunexpress-yt', 0.9],
  [/^4PX\d{10,16}(CN)?$/, '4px', '4px', 0.85],
  // 4PX's all-digit "304…" numbers: a shape only.
  [/^304\d{10,14}$/, '4px', '4px-304', 0.3],
  [/^LP\d{12,16}$/, 'cainiao', 'cainiao-lp', 0.85],
  [/^CN[A-Z]{2}[A-Z0-9]{10,20}$/, 'cainiao', 'cainiao-cn', 0.6],
  [/^JT\d{13}$/, 'jtexpress', 'jt-jt', 0.8],
];

export const chinaCrossBorder: DetectionRule = (value) => {
  const found: DetectionCandidate[] = SHAPES.filter(([pattern]) => pattern.test(value))
    .filter(([, , format]) => format !== 'cainiao-cn' || /\d{8}/.test(value))
    .map(([, carrier, format, score]) => unchecked(carrier, format, value, score));
  // Yanwen's own prefixes; `UG…CN` is left to the S10 rule (a China Post number).
  if (/^(YW|UG|UF|LW)\d{9}(CN|YP)?$/.test(value) && !/^[A-Z]{2}\d{9}CN$/.test(value)) {
    found.push(unchecked('yanwen', 'yanwen', value, 0.5));
  }
  return found;
};
