/**
 * Makes text speakable the way a person would read it aloud. Works on spoken text only (segment
 * offsets are computed before this runs). Every rule is a row in RULES, applied in order; each
 * rule is conservative and only substitutes, so no word is ever dropped (emoji, arrows and
 * bullets are symbols, not words; emoji that stand for a word were named before this runs).
 */
import { replaceMapped, tidyMapped, unmapped, type MappedString } from './mappedString';
import { cardinal, digitByDigit, ordinal, year } from './numbers';
import { hostOf } from './urls';

/** [cheap test that the rule can apply, pattern, replacement]. The guard keeps long documents fast. */
type Rule = readonly [when: RegExp, pattern: RegExp, replace: (match: string, ...groups: string[]) => string];

// Lookarounds instead of \b: \b is ASCII-only and would treat "é3" or "3名" as a boundary.
const NB = '(?<![\\p{L}\\p{N}_])'; // not preceded by a word character
const NA = '(?![\\p{L}\\p{N}_])'; // not followed by a word character
const AMOUNT = '\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?';

const re = (source: string, flags = 'gu') => new RegExp(source, flags);

/** "1,234.5" → "one thousand two hundred thirty-four point five". */
export function amount(text: string): string {
  const [int = '', frac] = text.replace(/,/g, '').split('.');
  return frac === undefined ? cardinal(int) : `${cardinal(int)} point ${digitByDigit(frac)}`;
}

/** Abbreviation → words; a trailing "." survives at the end of the text so the sentence still ends. */
const ABBREVIATIONS: Record<string, string> = {
  'e.g.': 'for example', 'i.e.': 'that is', 'etc.': 'et cetera', 'vs.': 'versus', vs: 'versus',
  'cf.': 'compare', 'approx.': 'approximately', 'dr.': 'Doctor', 'mr.': 'Mister', 'mrs.': 'Missus',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const CURRENCY: Record<string, [one: string, many: string]> = {
  $: ['dollar', 'dollars'], '€': ['euro', 'euros'], '£': ['pound', 'pounds'], '¥': ['yen', 'yen'],
};

const UNITS: Record<string, string> = {
  ms: 'millisecond', KB: 'kilobyte', MB: 'megabyte', GB: 'gigabyte', TB: 'terabyte',
  Hz: 'hertz', kHz: 'kilohertz', MHz: 'megahertz', GHz: 'gigahertz', fps: 'frames per second',
};

function plural(word: string, count: string): string {
  if (count === '1' || word.endsWith('hertz') || word.includes(' per ')) return word;
  return `${word}s`;
}

function capitalizeLike(original: string, words: string): string {
  return /^\p{Lu}/u.test(original) ? words[0]!.toUpperCase() + words.slice(1) : words;
}

function money(symbol: string, value: string, scale = ''): string {
  const [one, many] = CURRENCY[symbol]!;
  const [int = '', frac] = value.replace(/,/g, '').split('.');
  if (scale) return `${amount(value)} ${scale.trim().toLowerCase()} ${many}`;
  if (frac !== undefined && frac.length === 2) {
    const cents = Number(frac) === 0 ? '' : ` and ${cardinal(frac)} ${frac === '01' ? 'cent' : 'cents'}`;
    if (int === '0' && cents) return cents.slice(5);
    return `${cardinal(int)} ${int === '1' ? one : many}${cents}`;
  }
  return `${amount(value)} ${int === '1' && frac === undefined ? one : many}`;
}

const RULES: readonly Rule[] = [
  // Links first, so their digits and dots are not read as numbers.
  [/:\/\/|www\./, re(`${NB}(?:https?|ftp):\\/\\/[^\\s<>()\\[\\]]+|${NB}www\\.[^\\s<>()\\[\\]]+`), (url) => speakUrl(url)],
  // Symbols.
  [/©/, /©/g, () => ' copyright '],
  // Bullets between items ("Docs • Blog") are a pause, not a word; inside a word ("l·l") they stay.
  [/[•·▪‣◦⁃∙]/, /\s*[•·▪‣◦⁃∙]+\s*/g, (m, ...rest) => separator(m, rest)],
  // "!!!!" and "???" are read as one mark.
  [/[!?]{2}/, /[!?]{2,}/g, (m) => (m.includes('?') ? '?' : '!')],
  [/\.{4}/, /\.{4,}/g, () => '...'],
  [/[\u00A9-\uFFFF]/, re('[\\p{Extended_Pictographic}\\u{1F1E6}-\\u{1F1FF}\\u{1F3FB}-\\u{1F3FF}\\uFE0F\\u200D\\u20E3]'), () => ''],
  [/->|→|⟶|⇒/, /\s*(?:->|→|⟶|⇒)\s*/g, (m, ...rest) => arrow(m, rest)],
  [/&/, /\s*&\s*/g, () => ' and '],
  [/~/, re(`~\\s?(?=\\d)`), () => 'approximately '],
  [/±/, /±\s?/g, () => 'plus or minus '],
  [/\d\+/, re(`(?<=\\d)\\+(?![\\p{L}\\p{N}])`), () => ' plus'],
  [/#\d/, re(`#(?=\\d+${NA})`), () => 'number '],
  // Abbreviations. A dotted one must not be followed by a letter ("e.g.x" is not "e.g.").
  [/\.|vs/i, re(`${NB}(?:e\\.g\\.|i\\.e\\.|etc\\.|vs\\.?|cf\\.|approx\\.|dr\\.|mr\\.|mrs\\.)(?![\\p{L}\\p{N}])`, 'giu'), (m, ...rest) => abbreviation(m, rest)],
  // Numbers with a meaning beyond their value.
  [/\d/, re(`${NB}(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])${NA}`), (_, y, m, d) => `${MONTHS[Number(m) - 1]} ${ordinal(d!.replace(/^0/, ''))}, ${year(y!)}`],
  [/\d/, re(`${NB}(\\d+)\\.x${NA}`), (_, n) => `${cardinal(n!)} dot x`],
  [/\d/, re(`([$€£¥])\\s?(${AMOUNT})(\\s(?:thousand|million|billion|trillion)${NA})?`), (_, sym, value, scale) => money(sym!, value!, scale)],
  [/\d/, re(`${NB}(${AMOUNT})\\s?%`), (_, value) => `${amount(value!)} percent`],
  [/\d/, re(`${NB}v(\\d+(?:\\.\\d+)*)${NA}`), (_, v) => `version ${v!.split('.').map(cardinal).join(' point ')}`],
  [/\d/, re(`${NB}\\d+\\.\\d+(?:\\.\\d+)+${NA}`), (v) => v.split('.').map(cardinal).join(' point ')],
  [/\d/, re(`${NB}(\\d+)(?:st|nd|rd|th)${NA}`, 'giu'), (_, n) => ordinal(n!)],
  [/\d/, re(`${NB}(${AMOUNT})x${NA}`), (_, n) => `${amount(n!)} times`],
  [/\d/, re(`${NB}(${AMOUNT})\\s?(${Object.keys(UNITS).join('|')})${NA}`), (_, n, unit) => `${amount(n!)} ${plural(UNITS[unit!]!, n!)}`],
  // Plain numbers: grouped or decimal, then years, then anything else.
  [/\d/, re(`${NB}(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+\\.\\d+)${NA}`), (n) => amount(n)],
  [/\d/, re(`${NB}(?:1[1-9]\\d\\d|20\\d\\d)${NA}`), (y) => year(y)],
  [/\d/, re(`${NB}\\d+${NA}`), (n) => cardinal(n)],
];

/** The host, keeping sentence punctuation that the URL pattern swallowed ("see github.com."). */
function speakUrl(url: string): string {
  const trailing = /[.,;:!?]+$/.exec(url)?.[0] ?? '';
  const host = hostOf(url.slice(0, url.length - trailing.length));
  return host ? host + trailing : url;
}

/** The text before and after a match, from a replacer's trailing (offset, whole) arguments. */
function around(match: string, rest: unknown[]): [before: string, after: string] {
  const [offset, whole] = rest.slice(-2) as [number, string];
  return [whole.slice(0, offset), whole.slice(offset + match.length)];
}

/** "A -> B" → "A to B"; an arrow with nothing on one side (a bullet, a trailing hint) is dropped. */
function arrow(match: string, rest: unknown[]): string {
  const [before, after] = around(match, rest);
  return before.trim() && after.trim() ? ' to ' : ' ';
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** A bullet between two words is a comma's pause; next to punctuation or at an end it is nothing. */
function separator(match: string, rest: unknown[]): string {
  const [before, after] = around(match, rest);
  const last = before.trimEnd().at(-1) ?? '';
  const next = after.trimStart()[0] ?? '';
  if (match.trim() === match && WORD_CHAR.test(before.at(-1) ?? '') && WORD_CHAR.test(after[0] ?? '')) return match;
  return WORD_CHAR.test(last) && WORD_CHAR.test(next) ? ', ' : ' ';
}

function abbreviation(match: string, rest: unknown[]): string {
  const words = capitalizeLike(match, ABBREVIATIONS[match.toLowerCase()]!);
  const atEnd = around(match, rest)[1].trim() === '';
  return atEnd && match.endsWith('.') ? `${words}.` : words;
}

/** Normalises one sentence of spoken text. */
export function normalize(text: string): string {
  return normalizeMapped(unmapped(text)).text;
}

/** normalize() carrying each unit's source range (words that replace text map to what they replaced). */
export function normalizeMapped(input: MappedString): MappedString {
  let out = input;
  for (const [when, pattern, replace] of RULES) {
    if (when.test(out.text)) out = replaceMapped(out, pattern, replace as (m: string, ...a: never[]) => string);
  }
  return tidyMapped(out);
}
