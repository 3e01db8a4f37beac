/**
 * Makes text speakable the way a person would read it aloud, in the document's language. Works on spoken text only
 * (segment offsets are computed before this runs). Every rule is a row in the table rulesFor() builds from the
 * language's words (./language/*.ts), applied in order; each rule is conservative and only substitutes, so no
 * word is ever dropped (emoji, arrows and bullets are symbols, not words; emoji that stand for a word were named
 * before this runs).
 */
import type { LanguageCode } from './language/codes';
import { cardinal, digitByDigit, ordinal, year } from './language/numberWords';
import { RULES, type Currency, type LanguageRules } from './language/rules';
import { replaceMapped, tidyMapped, unmapped, type MappedString } from './mappedString';
import { hostOf } from './urls';

/** [cheap test that the rule can apply, pattern, replacement]. The guard keeps long documents fast. */
type Rule = readonly [when: RegExp, pattern: RegExp, replace: (match: string, ...groups: string[]) => string];

// Lookarounds instead of \b: \b is ASCII-only and would treat "é3" or "3名" as a boundary.
const NB = '(?<![\\p{L}\\p{N}_])'; // not preceded by a word character
const NA = '(?![\\p{L}\\p{N}_])'; // not followed by a word character

const re = (source: string, flags = 'gu') => new RegExp(source, flags);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The integer and fraction digits of an amount written the language's way ("1,234.5" / "1.234,5" / "1 234,5"). */
function parseAmount(text: string, r: LanguageRules): [int: string, frac: string | undefined] {
  const [int = '', frac] = text.replace(/[\s\u00a0\u202f]/g, '').split(r.number.decimal);
  return [int.replaceAll(r.number.group, ''), frac];
}

/** Regex source of an amount: grouped ("1,234") or plain, with optional decimals. */
function amountSource(r: LanguageRules): string {
  const g = r.number.group === ' ' ? '[ \\u00a0\\u202f]' : escape(r.number.group);
  const d = escape(r.number.decimal);
  return `\\d{1,3}(?:${g}\\d{3})+(?:${d}\\d+)?|\\d+(?:${d}\\d+)?`;
}

/** "1,234.5" → "one thousand two hundred thirty-four point five"; Romance languages read short fractions as numbers. */
function amount(text: string, r: LanguageRules): string {
  const [int, frac] = parseAmount(text, r);
  if (frac === undefined) return cardinal(int, r.lang);
  const asNumber = r.number.decimal === ',' && r.lang !== 'de' && frac.length <= 2 && !frac.startsWith('0');
  return `${cardinal(int, r.lang)} ${r.words.decimal} ${asNumber ? cardinal(frac, r.lang) : digitByDigit(frac, r.lang)}`;
}

/** An amount before a noun ("ein Euro", "veintiún dólares"), singular or plural noun by its value. */
function counted(text: string, r: LanguageRules, [one, many]: readonly [string, string]): string {
  const [int, frac] = parseAmount(text, r);
  const words = frac === undefined ? r.beforeNoun(amount(text, r)) : amount(text, r);
  return `${words} ${int === '1' && frac === undefined ? one : many}`;
}

function money(r: LanguageRules, symbol: Currency, value: string, scale = ''): string {
  const { one, many, cent } = r.money[symbol];
  const [int, frac] = parseAmount(value, r);
  if (scale) return `${amount(value, r)} ${scale.trim().toLowerCase()} ${many}`;
  if (frac !== undefined && frac.length === 2) {
    const cents = Number(frac) === 0 ? '' : counted(String(Number(frac)), r, cent);
    const whole = counted(int, r, [one, many]);
    if (int === '0') return cents || whole;
    return cents ? `${whole} ${r.centsJoin} ${cents}` : whole;
  }
  return counted(value, r, [one, many]);
}

function capitalizeLike(original: string, words: string): string {
  return /^\p{Lu}/u.test(original) ? words[0]!.toUpperCase() + words.slice(1) : words;
}

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
function arrow(to: string, match: string, rest: unknown[]): string {
  const [before, after] = around(match, rest);
  return before.trim() && after.trim() ? ` ${to} ` : ' ';
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

/**
 * Abbreviation → words; a trailing "." survives at the end of the text so the sentence still ends. Capitals without
 * a dot are an acronym, not the abbreviation: "VS Code" stays, "vs" is "versus".
 */
function abbreviation(r: LanguageRules, match: string, rest: unknown[]): string {
  if (!match.includes('.') && match.length > 1 && match === match.toUpperCase()) return match;
  const words = capitalizeLike(match, abbreviationWords(r).get(match.toLowerCase().replace(/\s+/g, ''))!);
  const atEnd = around(match, rest)[1].trim() === '';
  return atEnd && match.endsWith('.') ? `${words}.` : words;
}

const abbreviationMaps = new Map<LanguageCode, Map<string, string>>();

/** The language's abbreviations keyed without spaces ("ad es." and "z. b." are looked up as "ades.", "z.b."). */
function abbreviationWords(r: LanguageRules): Map<string, string> {
  let m = abbreviationMaps.get(r.lang);
  if (!m) abbreviationMaps.set(r.lang, (m = new Map(Object.entries(r.abbreviations).map(([k, v]) => [k.replace(/\s+/g, ''), v]))));
  return m;
}

/** "z.b." → `z\.\s?b\.`: an inner dot may be followed by a space ("z. B."). */
function abbreviationSource(key: string): string {
  return escape(key).replace(/\\\.(?=.)/g, '\\.\\s?').replace(/ /g, '\\s?');
}

const validDate = (d: number, m: number) => d >= 1 && d <= 31 && m >= 1 && m <= 12;

/** The text before a match, for rules whose words depend on it (German "am zweiten Mai"). */
function textBefore(rest: unknown[]): string {
  const [offset, whole] = rest.slice(-2) as [number, string];
  return whole.slice(0, offset);
}

function dateRules(r: LanguageRules): Rule[] {
  const spoken = (d: string, m: string, y: string | undefined, rest: unknown[]) => r.date(Number(d), Number(m), y === undefined ? '' : year(y, r.lang), textBefore(rest));
  const rules: Rule[] = [[/\d/, re(`${NB}(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])${NA}`), (_, y, m, d, ...rest) => spoken(d!, m!, y!, rest)]];
  if (r.localDate) {
    const sep = r.localDate === 'dmy.' ? '\\.' : '\\/';
    rules.push([/\d/, re(`${NB}(\\d{1,2})${sep}(\\d{1,2})${sep}(\\d{4})${NA}`), (m, d, mo, y, ...rest) => (validDate(Number(d), Number(mo)) ? spoken(d!, mo!, y!, rest) : m)]);
  }
  if (r.lang === 'de') {
    // "am 3. März 2025": the dot makes the day an ordinal; the month and year follow as written.
    const months = r.months.join('|');
    rules.push([/\d\.\s/, re(`${NB}(\\d{1,2})\\.\\s(?=(?:${months})${NA})`), (m, d, ...rest) => (validDate(Number(d), 1) ? `${r.date(Number(d), 0, '', textBefore(rest))} ` : m)]);
  }
  return rules;
}

function timeRules(r: LanguageRules): Rule[] {
  // German adds "Uhr" after the time ("10:30 Uhr"); r.time says it already.
  const uhr = r.lang === 'de' ? `(?:\\s?Uhr${NA})?` : '';
  const rules: Rule[] = [[/\d:\d/, re(`(?<![\\d:.,])([01]?\\d|2[0-3]):([0-5]\\d)(?![\\d:])${uhr}`), (_, h, m) => r.time(Number(h), Number(m))]];
  // French also writes "10h30" and "14h".
  if (r.lang === 'fr') rules.push([/\dh/, re(`${NB}([01]?\\d|2[0-3])h([0-5]\\d)?${NA}`), (_, h, m) => r.time(Number(h), Number(m ?? 0))]);
  return rules;
}

function build(r: LanguageRules): readonly Rule[] {
  const w = r.words;
  const AMOUNT = amountSource(r);
  const keys = Object.keys(r.abbreviations).sort((a, b) => b.length - a.length);
  const abbreviations = keys.map(abbreviationSource).join('|');
  // Cheap guard: a dot, or one of the abbreviations written without one ("vs", "Mme").
  const abbreviationGuard = new RegExp(['\\.', ...keys.filter((k) => !k.includes('.')).map(escape)].join('|'), 'iu');
  const units = Object.keys(r.units).join('|');
  // "$3 million": only English writes the scale word after a symbol-first amount.
  const scales = r.lang === 'en' ? `(\\s(?:thousand|million|billion|trillion)${NA})?` : '()';
  const ordinalRule: Rule[] = r.ordinalSuffix
    ? [[/\d/, re(`${NB}(\\d+)(${r.ordinalSuffix})${NA}`, 'giu'), (_, n, suffix) => (suffix === 'ª' ? ordinal(n!, r.lang).replace(/o\b/g, 'a') : ordinal(n!, r.lang))]]
    : [];
  const dottedVersion: Rule = [/\d/, re(`${NB}\\d+\\.\\d+(?:\\.\\d+)+${NA}`), (v) => v.split('.').map((n) => cardinal(n, r.lang)).join(` ${w.dot} `)];
  // Where "." groups thousands, "1.234.567" is an amount, and a lone "3.5" is a version ("drei Punkt fünf").
  const groupedAmount: Rule = [/\d/, re(`${NB}(?:\\d{1,3}(?:\\.\\d{3})+(?:,\\d+)?)${NA}`), (n) => amount(n, r)];
  const dotRules: Rule[] =
    r.number.group === '.'
      ? [groupedAmount, dottedVersion, [/\d\.\d/, re(`${NB}(\\d+)\\.(\\d+)${NA}`), (_, a, b) => `${cardinal(a!, r.lang)} ${w.dot} ${cardinal(b!, r.lang)}`]]
      : r.number.decimal === ','
        ? [dottedVersion, [/\d\.\d/, re(`${NB}(\\d+)\\.(\\d+)${NA}`), (_, a, b) => `${cardinal(a!, r.lang)} ${w.dot} ${cardinal(b!, r.lang)}`]]
        : [dottedVersion];
  return [
    // Links first, so their digits and dots are not read as numbers.
    [/:\/\/|www\./, re(`${NB}(?:https?|ftp):\\/\\/[^\\s<>()\\[\\]]+|${NB}www\\.[^\\s<>()\\[\\]]+`), (url) => speakUrl(url)],
    // Symbols.
    [/©/, /©/g, () => ` ${w.copyright} `],
    // Bullets between items ("Docs • Blog") are a pause, not a word; inside a word ("l·l") they stay.
    [/[•·▪‣◦⁃∙]/, /\s*[•·▪‣◦⁃∙]+\s*/g, (m, ...rest) => separator(m, rest)],
    // "!!!!" and "???" are read as one mark.
    [/[!?]{2}/, /[!?]{2,}/g, (m) => (m.includes('?') ? '?' : '!')],
    [/\.{4}/, /\.{4,}/g, () => '...'],
    [/[\u00A9-\uFFFF]/, re('[\\p{Extended_Pictographic}\\u{1F1E6}-\\u{1F1FF}\\u{1F3FB}-\\u{1F3FF}\\uFE0F\\u200D\\u20E3]'), () => ''],
    [/->|→|⟶|⇒/, /\s*(?:->|→|⟶|⇒)\s*/g, (m, ...rest) => arrow(w.to, m, rest)],
    [/&/, /\s*&\s*/g, () => ` ${w.and} `],
    [/~/, re(`~\\s?(?=\\d)`), () => `${w.approximately} `],
    [/±/, /±\s?/g, () => `${w.plusMinus} `],
    [/\d\+/, re(`(?<=\\d)\\+(?![\\p{L}\\p{N}])`), () => ` ${w.plus}`],
    [/#\d/, re(`#(?=\\d+${NA})`), () => `${w.number} `],
    // Abbreviations. A dotted one must not be followed by a letter ("e.g.x" is not "e.g.").
    [abbreviationGuard, re(`${NB}(?:${abbreviations})(?![\\p{L}\\p{N}])`, 'giu'), (m, ...rest) => abbreviation(r, m, rest)],
    // Numbers with a meaning beyond their value.
    ...dateRules(r),
    ...timeRules(r),
    [/\d/, re(`${NB}(\\d+)\\.x${NA}`), (_, n) => `${cardinal(n!, r.lang)} ${r.lang === 'en' ? 'dot' : w.dot} x`],
    [/\d/, re(`([$€£¥])\\s?(${AMOUNT})${scales}`), (_, sym, value, scale) => money(r, sym as Currency, value!, scale)],
    [/\d/, re(`${NB}(${AMOUNT})\\s?([$€£¥])`), (_, value, sym) => money(r, sym as Currency, value!)],
    [/\d/, re(`${NB}(${AMOUNT})[ \\u00a0\\u202f]?%`), (_, value) => `${amount(value!, r)} ${w.percent}`],
    [/°/, re(`${NB}(-?)(${AMOUNT})\\s?°\\s?([CF])?${NA}`), (_, minus, value, scale) => degrees(r, minus!, value!, scale)],
    [/\d/, re(`${NB}v(\\d+(?:\\.\\d+)*)${NA}`), (_, v) => `${w.version} ${v!.split('.').map((n) => cardinal(n, r.lang)).join(` ${w.dot} `)}`],
    ...dotRules,
    ...ordinalRule,
    [/\d/, re(`${NB}(${AMOUNT})x${NA}`), (_, n) => `${amount(n!, r)} ${w.times}`],
    [/\d/, re(`${NB}(${AMOUNT})\\s?(${units})${NA}`), (_, n, unit) => counted(n!, r, r.units[unit!]!)],
    // Plain numbers: grouped or decimal, then years, then anything else.
    [/\d/, re(`${NB}(?:${AMOUNT})${NA}`), (n) => (/\D/.test(n) ? amount(n, r) : n)],
    [/\d/, re(`${NB}(?:1[1-9]\\d\\d|20\\d\\d)${NA}`), (y) => year(y, r.lang)],
    [/\d/, re(`${NB}\\d+${NA}`), (n) => cardinal(n, r.lang)],
  ];
}

function degrees(r: LanguageRules, minus: string, value: string, scale: string | undefined): string {
  const sign = minus ? `${r.words.minus} ` : '';
  const said = counted(value, r, r.words.degree);
  return `${sign}${said}${scale === 'C' ? ` ${r.words.celsius}` : scale === 'F' ? ` ${r.words.fahrenheit}` : ''}`;
}

const built = new Map<LanguageCode, readonly Rule[]>();

function rulesFor(lang: LanguageCode): readonly Rule[] {
  let rules = built.get(lang);
  if (!rules) built.set(lang, (rules = build(RULES[lang])));
  return rules;
}

/** Normalises one sentence of spoken text in `lang` (default English). */
export function normalize(text: string, lang: LanguageCode = 'en'): string {
  return normalizeMapped(unmapped(text), lang).text;
}

/** normalize() carrying each unit's source range (words that replace text map to what they replaced). */
export function normalizeMapped(input: MappedString, lang: LanguageCode = 'en'): MappedString {
  let out = input;
  for (const [when, pattern, replace] of rulesFor(lang)) {
    if (when.test(out.text)) out = replaceMapped(out, pattern, replace as (m: string, ...a: never[]) => string);
  }
  return tidyMapped(out);
}
