/*
 * SMS text in the GSM 03.38 alphabet: 160 characters per message, where any other character
 * (an accent missing from it, a typographic apostrophe) switches the whole SMS to UCS-2 and 70
 * characters. Texts are folded to the alphabet: quotes and spaces to their plain forms, other
 * accents to their base letter.
 */

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '^{}\\[~]|€\f';
const BASIC_SET = new Set(BASIC);
const EXTENSION_SET = new Set(EXTENSION);

const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u00b7': '-',
};

export function isGsm7(text: string): boolean {
  return [...text].every((c) => BASIC_SET.has(c) || EXTENSION_SET.has(c));
}

/** Septets used: extension characters (€, brackets) take two. */
export function gsm7Length(text: string): number {
  return [...text].reduce((n, c) => n + (EXTENSION_SET.has(c) ? 2 : 1), 0);
}

export function toGsm7(text: string): string {
  let out = '';
  for (const c of text) {
    if (BASIC_SET.has(c) || EXTENSION_SET.has(c)) out += c;
    else if (REPLACEMENTS[c] !== undefined) out += REPLACEMENTS[c];
    else {
      const base = c.normalize('NFD').replace(/\p{M}/gu, '');
      out += [...base].every((b) => BASIC_SET.has(b)) && base.length > 0 ? base : '?';
    }
  }
  return out;
}
