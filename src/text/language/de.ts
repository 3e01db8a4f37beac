import { cardinal, ordinal } from './numberWords';
import type { LanguageRules } from './rules';

const one = (w: string) => w.replace(/eins$/, 'ein');
const say = (n: number) => cardinal(String(n), 'de');

export const de: LanguageRules = {
  lang: 'de',
  locale: 'de',
  number: { group: '.', decimal: ',' },
  words: {
    decimal: 'Komma', dot: 'Punkt', percent: 'Prozent', and: 'und', plus: 'plus', minus: 'minus', plusMinus: 'plus minus',
    approximately: 'ungefähr', number: 'Nummer', copyright: 'Copyright', to: 'nach', times: 'mal', version: 'Version',
    degree: ['Grad', 'Grad'], celsius: 'Celsius', fahrenheit: 'Fahrenheit', codeSkipped: 'Codeblock übersprungen.', tableSkipped: 'Tabelle übersprungen.', heading: 'Überschrift.',
  },
  beforeNoun: one,
  months: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  // "am zweiten Mai" after a preposition, "zweiter Mai" on its own.
  date: (d, m, y, before) => [`${ordinal(String(d), 'de')}${/\b(?:am|vom|zum|bis|seit dem|ab dem)\s*$/i.test(before) ? 'n' : 'r'}`, de.months[m - 1], y].filter(Boolean).join(' '),
  time: (h, m) => (m === 0 ? `${one(say(h))} Uhr` : `${one(say(h))} Uhr ${say(m)}`),
  money: {
    $: { one: 'Dollar', many: 'Dollar', cent: ['Cent', 'Cent'] },
    '€': { one: 'Euro', many: 'Euro', cent: ['Cent', 'Cent'] },
    '£': { one: 'Pfund', many: 'Pfund', cent: ['Penny', 'Pence'] },
    '¥': { one: 'Yen', many: 'Yen', cent: ['Sen', 'Sen'] },
  },
  centsJoin: 'und',
  abbreviations: {
    'z.b.': 'zum Beispiel', 'd.h.': 'das heißt', 'u.a.': 'unter anderem', 'bzw.': 'beziehungsweise', 'usw.': 'und so weiter',
    'ca.': 'circa', 'evtl.': 'eventuell', 'ggf.': 'gegebenenfalls', 'inkl.': 'inklusive', 'vgl.': 'vergleiche',
    'nr.': 'Nummer', 'dr.': 'Doktor', 'bspw.': 'beispielsweise', 'etc.': 'et cetera',
  },
  // A day or ordinal ("am 3. März", "3. Kapitel") is far more common than a sentence ending in a bare number.
  noBreakAfter: ['\\d{1,2}', 'z\\.\\s?b', 'z', 'd\\.\\s?h', 'u\\.\\s?a', 'bzw', 'usw', 'ca', 'evtl', 'ggf', 'inkl', 'vgl', 'nr', 'dr', 'prof', 'bspw', 'hr', 'fr', 'str'],
  units: {
    ms: ['Millisekunde', 'Millisekunden'], KB: ['Kilobyte', 'Kilobyte'], MB: ['Megabyte', 'Megabyte'], GB: ['Gigabyte', 'Gigabyte'],
    TB: ['Terabyte', 'Terabyte'], Hz: ['Hertz', 'Hertz'], kHz: ['Kilohertz', 'Kilohertz'], MHz: ['Megahertz', 'Megahertz'],
    GHz: ['Gigahertz', 'Gigahertz'], fps: ['Bilder pro Sekunde', 'Bilder pro Sekunde'],
  },
  localDate: 'dmy.',
};
