import { cardinal } from './numberWords';
import type { LanguageRules } from './rules';

const say = (n: number) => cardinal(String(n), 'pt');
/** Hours are feminine: "uma hora", "duas e trinta". */
const feminine = (w: string) => w.replace(/\bum$/, 'uma').replace(/\bdois$/, 'duas');

export const pt: LanguageRules = {
  lang: 'pt',
  locale: 'pt',
  number: { group: '.', decimal: ',' },
  words: {
    decimal: 'vírgula', dot: 'ponto', percent: 'por cento', and: 'e', plus: 'mais', minus: 'menos', plusMinus: 'mais ou menos',
    approximately: 'aproximadamente', number: 'número', copyright: 'copyright', to: 'para', times: 'vezes', version: 'versão',
    degree: ['grau', 'graus'], celsius: 'Celsius', fahrenheit: 'Fahrenheit', codeSkipped: 'Bloco de código ignorado.', tableSkipped: 'Tabela ignorada.', heading: 'Título.',
  },
  beforeNoun: (w) => w,
  months: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
  date: (d, m, y) => `${d === 1 ? 'primeiro' : say(d)} de ${pt.months[m - 1]} de ${y}`,
  time: (h, m) => (m === 0 ? `${feminine(say(h))} ${h === 1 ? 'hora' : 'horas'}` : `${feminine(say(h))} e ${say(m)}`),
  money: {
    $: { one: 'dólar', many: 'dólares', cent: ['cêntimo', 'cêntimos'] },
    '€': { one: 'euro', many: 'euros', cent: ['cêntimo', 'cêntimos'] },
    '£': { one: 'libra', many: 'libras', cent: ['péni', 'pence'] },
    '¥': { one: 'iene', many: 'ienes', cent: ['sen', 'sen'] },
  },
  centsJoin: 'e',
  abbreviations: {
    'p.ex.': 'por exemplo', 'etc.': 'et cetera', 'sr.': 'senhor', 'sra.': 'senhora', 'dr.': 'doutor', 'dra.': 'doutora',
    'aprox.': 'aproximadamente', 'pág.': 'página', 'nº': 'número',
  },
  noBreakAfter: ['p\\.\\s?ex', 'p', 'ex', 'sr', 'sra', 'dr', 'dra', 'prof', 'pág', 'aprox'],
  units: {
    ms: ['milissegundo', 'milissegundos'], KB: ['kilobyte', 'kilobytes'], MB: ['megabyte', 'megabytes'], GB: ['gigabyte', 'gigabytes'],
    TB: ['terabyte', 'terabytes'], Hz: ['hertz', 'hertz'], kHz: ['quilohertz', 'quilohertz'], MHz: ['megahertz', 'megahertz'],
    GHz: ['gigahertz', 'gigahertz'], fps: ['quadros por segundo', 'quadros por segundo'],
  },
  ordinalSuffix: 'º|ª',
  localDate: 'dmy/',
};
