import { cardinal, ordinal } from './numberWords';
import type { LanguageRules } from './rules';

const say = (n: number) => cardinal(String(n), 'en');

export const en: LanguageRules = {
  lang: 'en',
  locale: 'en',
  number: { group: ',', decimal: '.' },
  words: {
    decimal: 'point', dot: 'point', percent: 'percent', and: 'and', plus: 'plus', minus: 'minus', plusMinus: 'plus or minus',
    approximately: 'approximately', number: 'number', copyright: 'copyright', to: 'to', times: 'times', version: 'version',
    degree: ['degree', 'degrees'], celsius: 'Celsius', fahrenheit: 'Fahrenheit', codeSkipped: 'Code block skipped.', tableSkipped: 'Table skipped.', heading: 'Heading.',
  },
  beforeNoun: (w) => w,
  months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  date: (d, m, y) => `${en.months[m - 1]} ${ordinal(String(d), 'en')}, ${y}`,
  time: (h, m) => (m === 0 ? `${say(h)} o'clock` : m < 10 ? `${say(h)} oh ${say(m)}` : `${say(h)} ${say(m)}`),
  money: {
    $: { one: 'dollar', many: 'dollars', cent: ['cent', 'cents'] },
    '€': { one: 'euro', many: 'euros', cent: ['cent', 'cents'] },
    '£': { one: 'pound', many: 'pounds', cent: ['penny', 'pence'] },
    '¥': { one: 'yen', many: 'yen', cent: ['sen', 'sen'] },
  },
  centsJoin: 'and',
  abbreviations: {
    'e.g.': 'for example', 'i.e.': 'that is', 'etc.': 'et cetera', 'vs.': 'versus', vs: 'versus', 'cf.': 'compare',
    'approx.': 'approximately', 'dr.': 'Doctor', 'mr.': 'Mister', 'mrs.': 'Missus',
  },
  // "etc." is not listed: before a capital it usually does end the sentence.
  noBreakAfter: ['e\\.g', 'i\\.e', 'dr', 'mr', 'mrs', 'ms', 'prof', 'vs', 'cf', 'approx', 'fig'],
  units: {
    ms: ['millisecond', 'milliseconds'], KB: ['kilobyte', 'kilobytes'], MB: ['megabyte', 'megabytes'], GB: ['gigabyte', 'gigabytes'],
    TB: ['terabyte', 'terabytes'], Hz: ['hertz', 'hertz'], kHz: ['kilohertz', 'kilohertz'], MHz: ['megahertz', 'megahertz'],
    GHz: ['gigahertz', 'gigahertz'], fps: ['frames per second', 'frames per second'],
  },
  ordinalSuffix: 'st|nd|rd|th',
};
