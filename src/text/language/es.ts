import { cardinal } from './numberWords';
import type { LanguageRules } from './rules';

const say = (n: number) => cardinal(String(n), 'es');
/** "uno" before a noun: "un euro", "veintiún dólares". */
const apocope = (w: string) => w.replace(/veintiuno$/, 'veintiún').replace(/\buno$/, 'un');
/** Hours are feminine: "la una", "veintiuna". */
const feminine = (w: string) => w.replace(/uno$/, 'una');

export const es: LanguageRules = {
  lang: 'es',
  locale: 'es',
  number: { group: '.', decimal: ',' },
  words: {
    decimal: 'coma', dot: 'punto', percent: 'por ciento', and: 'y', plus: 'más', minus: 'menos', plusMinus: 'más o menos',
    approximately: 'aproximadamente', number: 'número', copyright: 'copyright', to: 'a', times: 'veces', version: 'versión',
    degree: ['grado', 'grados'], celsius: 'Celsius', fahrenheit: 'Fahrenheit', codeSkipped: 'Bloque de código omitido.', tableSkipped: 'Tabla omitida.', heading: 'Encabezado.',
  },
  beforeNoun: apocope,
  months: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  date: (d, m, y) => `${say(d)} de ${es.months[m - 1]} de ${y}`,
  time: (h, m) => (m === 0 ? `${feminine(say(h))} en punto` : `${feminine(say(h))} y ${say(m)}`),
  money: {
    $: { one: 'dólar', many: 'dólares', cent: ['centavo', 'centavos'] },
    '€': { one: 'euro', many: 'euros', cent: ['céntimo', 'céntimos'] },
    '£': { one: 'libra', many: 'libras', cent: ['penique', 'peniques'] },
    '¥': { one: 'yen', many: 'yenes', cent: ['sen', 'sen'] },
  },
  centsJoin: 'con',
  abbreviations: {
    'p.ej.': 'por ejemplo', 'etc.': 'etcétera', 'sr.': 'señor', 'sra.': 'señora', 'dr.': 'doctor', 'dra.': 'doctora',
    'aprox.': 'aproximadamente', 'pág.': 'página', 'ud.': 'usted', 'uds.': 'ustedes', 'nº': 'número',
  },
  noBreakAfter: ['p\\.\\s?ej', 'p', 'ej', 'sr', 'sra', 'dr', 'dra', 'prof', 'pág', 'aprox', 'ud', 'uds'],
  units: {
    ms: ['milisegundo', 'milisegundos'], KB: ['kilobyte', 'kilobytes'], MB: ['megabyte', 'megabytes'], GB: ['gigabyte', 'gigabytes'],
    TB: ['terabyte', 'terabytes'], Hz: ['hercio', 'hercios'], kHz: ['kilohercio', 'kilohercios'], MHz: ['megahercio', 'megahercios'],
    GHz: ['gigahercio', 'gigahercios'], fps: ['fotogramas por segundo', 'fotogramas por segundo'],
  },
  ordinalSuffix: 'º|ª',
  localDate: 'dmy/',
};
