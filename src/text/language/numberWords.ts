/**
 * Number words in the six languages, from n2words (one maintained table per language) plus the few readings a
 * library does not know: digit-by-digit for IDs, and years as people say them.
 */
import * as de from 'n2words/de-DE';
import * as en from 'n2words/en-US';
import * as es from 'n2words/es-ES';
import * as fr from 'n2words/fr-FR';
import * as it from 'n2words/it-IT';
import * as pt from 'n2words/pt-PT';
import type { LanguageCode } from './codes';

const LIBRARY: Record<LanguageCode, { toCardinal(v: string | bigint): string; toOrdinal(v: string | bigint): string }> = { en, fr, de, it, pt, es };

/** Longest integer read as a number; longer runs (IDs, hashes) are read digit by digit. */
const MAX_CARDINAL_DIGITS = 18;

/** "1234" → "one thousand two hundred thirty-four" (digits only, grouping removed); "007" is read digit by digit. */
export function cardinal(digits: string, lang: LanguageCode = 'en'): string {
  if ((digits.length > 1 && digits.startsWith('0')) || digits.length > MAX_CARDINAL_DIGITS) return digitByDigit(digits, lang);
  return LIBRARY[lang].toCardinal(BigInt(digits));
}

/** "007" → "zero zero seven"; also the digits after a decimal separator. */
export function digitByDigit(digits: string, lang: LanguageCode = 'en'): string {
  return [...digits].map((d) => LIBRARY[lang].toCardinal(BigInt(d))).join(' ');
}

/** "21" → "twenty-first", "einundzwanzigste", "vingt et unième"… (the form the library gives, masculine). */
export function ordinal(digits: string, lang: LanguageCode = 'en'): string {
  const n = BigInt(digits);
  return n === 0n ? cardinal(digits, lang) : LIBRARY[lang].toOrdinal(n);
}

/**
 * A year as it is said: English in pairs ("nineteen ninety-nine", "twenty ten", "nineteen oh five"), German in
 * hundreds before 2000 ("neunzehnhundertneunundneunzig"); the other languages say the plain number.
 */
export function year(digits: string, lang: LanguageCode = 'en'): string {
  const n = Number(digits);
  const hi = Math.floor(n / 100);
  const lo = n % 100;
  const say = (v: number) => cardinal(String(v), lang);
  if (lang === 'de') return n >= 1100 && n < 2000 ? `${say(hi)}hundert${lo ? say(lo) : ''}` : say(n);
  if (lang !== 'en' || (n >= 2000 && n <= 2009) || n < 1000) return say(n);
  if (lo === 0) return `${say(hi)} hundred`;
  if (lo < 10) return `${say(hi)} oh ${say(lo)}`;
  return `${say(hi)} ${say(lo)}`;
}
