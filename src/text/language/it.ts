import { cardinal } from './numberWords';
import type { LanguageRules } from './rules';

const say = (n: number) => cardinal(String(n), 'it');

export const it: LanguageRules = {
  lang: 'it',
  locale: 'it',
  number: { group: '.', decimal: ',' },
  words: {
    decimal: 'virgola', dot: 'punto', percent: 'per cento', and: 'e', plus: 'più', minus: 'meno', plusMinus: 'più o meno',
    approximately: 'circa', number: 'numero', copyright: 'copyright', to: 'verso', times: 'volte', version: 'versione',
    degree: ['grado', 'gradi'], celsius: 'Celsius', fahrenheit: 'Fahrenheit', codeSkipped: 'Blocco di codice saltato.', tableSkipped: 'Tabella saltata.', heading: 'Titolo.',
  },
  beforeNoun: (w) => w.replace(/^uno$/, 'un'),
  months: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  date: (d, m, y) => `${d === 1 ? 'primo' : say(d)} ${it.months[m - 1]} ${y}`,
  time: (h, m) => `${h === 1 ? 'una' : say(h)}${m === 0 ? '' : ` e ${say(m)}`}`,
  money: {
    $: { one: 'dollaro', many: 'dollari', cent: ['centesimo', 'centesimi'] },
    '€': { one: 'euro', many: 'euro', cent: ['centesimo', 'centesimi'] },
    '£': { one: 'sterlina', many: 'sterline', cent: ['penny', 'pence'] },
    '¥': { one: 'yen', many: 'yen', cent: ['sen', 'sen'] },
  },
  centsJoin: 'e',
  abbreviations: {
    'ad es.': 'ad esempio', 'ecc.': 'eccetera', 'sig.': 'signor', 'sig.ra': 'signora', 'dott.': 'dottor', 'ca.': 'circa',
    'pag.': 'pagina', 'n.': 'numero',
  },
  noBreakAfter: ['ad\\s?es', 'es', 'sig', 'sig\\.ra', 'dott', 'prof', 'ca', 'pag', 'n'],
  units: {
    ms: ['millisecondo', 'millisecondi'], KB: ['kilobyte', 'kilobyte'], MB: ['megabyte', 'megabyte'], GB: ['gigabyte', 'gigabyte'],
    TB: ['terabyte', 'terabyte'], Hz: ['hertz', 'hertz'], kHz: ['kilohertz', 'kilohertz'], MHz: ['megahertz', 'megahertz'],
    GHz: ['gigahertz', 'gigahertz'], fps: ['fotogrammi al secondo', 'fotogrammi al secondo'],
  },
  ordinalSuffix: 'º|ª',
  localDate: 'dmy/',
};
