/**
 * What differs between languages when text is read aloud: number formats, the words for symbols, units, money,
 * dates and times, abbreviations. One table per language (./en.ts, ./de.ts, …); normalize.ts turns a table into
 * rewrite rules, so adding a language is adding a table.
 */
import type { LanguageCode } from './codes';
import { de } from './de';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { it } from './it';
import { pt } from './pt';

export type Currency = '$' | '€' | '£' | '¥';

export interface LanguageRules {
  lang: LanguageCode;
  /** For Intl.Segmenter (sentence boundaries). */
  locale: string;
  /** How amounts are written: "1,234.5" (en), "1.234,5" (de, it, pt, es), "1 234,5" (fr). */
  number: { group: ',' | '.' | ' '; decimal: '.' | ',' };
  words: {
    /** The decimal separator read aloud ("point", "Komma", "virgule"). */
    decimal: string;
    /** The dot in versions and addresses ("1.2.3", "10.0.0.1", "3.x"). */
    dot: string;
    percent: string;
    and: string;
    plus: string;
    plusMinus: string;
    /** A negative temperature. */
    minus: string;
    approximately: string;
    /** "#12" */
    number: string;
    copyright: string;
    /** "A -> B" */
    to: string;
    /** "10x faster" */
    times: string;
    version: string;
    degree: [one: string, many: string];
    celsius: string;
    fahrenheit: string;
    /** Said where a code block or a table was skipped (pocketReader.codeBlocks / tables = announce). */
    codeSkipped: string;
    tableSkipped: string;
    /** Said before each heading (pocketReader.announceHeadings). */
    heading: string;
  };
  /** The number as said before a noun where it differs: German "eins" → "ein" Euro, Spanish "veintiuno" → "veintiún". */
  beforeNoun: (words: string) => string;
  months: readonly string[];
  /**
   * A calendar date read aloud; `day` and `month` are numbers (month 0: the month is written after the day and read
   * as it stands), `year` is words or empty, `before` the text before the date (German inflects after "am").
   */
  date(day: number, month: number, year: string, before: string): string;
  /** A 24-hour clock time read aloud. */
  time(hours: number, minutes: number): string;
  money: Record<Currency, { one: string; many: string; cent: [one: string, many: string] }>;
  /** Joins whole units and cents ("and", "und", "con"). */
  centsJoin: string;
  /** Lower-case abbreviation as written (inner ". " may be written without the space) → words. */
  abbreviations: Record<string, string>;
  /** Regex sources of abbreviations (without their final ".") after which a "." does not end a sentence. */
  noBreakAfter: readonly string[];
  /** Unit as written → [singular, plural]. */
  units: Record<string, [one: string, many: string]>;
  /** Regex source of an ordinal suffix after digits ("st|nd|rd|th", "er|e|ème"), if the language writes them. */
  ordinalSuffix?: string;
  /** Local date format besides ISO: day.month.year (de) or day/month/year. */
  localDate?: 'dmy.' | 'dmy/';
}

export const RULES: Record<LanguageCode, LanguageRules> = { en, fr, de, it, pt, es };
