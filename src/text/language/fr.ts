import { cardinal } from './numberWords';
import type { LanguageRules } from './rules';

const say = (n: number) => cardinal(String(n), 'fr');
/** Hours are feminine: "une heure", "vingt et une heures". */
const feminine = (w: string) => w.replace(/\bun$/, 'une');

export const fr: LanguageRules = {
  lang: 'fr',
  locale: 'fr',
  number: { group: ' ', decimal: ',' },
  words: {
    decimal: 'virgule', dot: 'point', percent: 'pour cent', and: 'et', plus: 'plus', minus: 'moins', plusMinus: 'plus ou moins',
    approximately: 'environ', number: 'numéro', copyright: 'copyright', to: 'vers', times: 'fois', version: 'version',
    degree: ['degré', 'degrés'], celsius: 'Celsius', fahrenheit: 'Fahrenheit', codeSkipped: 'Bloc de code ignoré.', tableSkipped: 'Tableau ignoré.', heading: 'Titre.',
  },
  beforeNoun: (w) => w,
  months: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  date: (d, m, y) => `${d === 1 ? 'premier' : say(d)} ${fr.months[m - 1]} ${y}`,
  time: (h, m) => `${feminine(say(h))} ${h > 1 ? 'heures' : 'heure'}${m === 0 ? '' : ` ${say(m)}`}`,
  money: {
    $: { one: 'dollar', many: 'dollars', cent: ['cent', 'cents'] },
    '€': { one: 'euro', many: 'euros', cent: ['centime', 'centimes'] },
    '£': { one: 'livre', many: 'livres', cent: ['penny', 'pence'] },
    '¥': { one: 'yen', many: 'yens', cent: ['sen', 'sen'] },
  },
  centsJoin: 'et',
  abbreviations: {
    'p.ex.': 'par exemple', 'c.-à-d.': "c'est-à-dire", 'etc.': 'et cetera', 'env.': 'environ', 'cf.': 'voir',
    mme: 'Madame', mlle: 'Mademoiselle', 'dr.': 'Docteur', 'n°': 'numéro',
  },
  noBreakAfter: ['p\\.\\s?ex', 'p', 'ex', 'env', 'cf', 'c\\.-à-d', 'dr', 'mme', 'mlle', 'vol', 'chap'],
  units: {
    ms: ['milliseconde', 'millisecondes'], KB: ['kilooctet', 'kilooctets'], MB: ['mégaoctet', 'mégaoctets'], GB: ['gigaoctet', 'gigaoctets'],
    TB: ['téraoctet', 'téraoctets'], Ko: ['kilooctet', 'kilooctets'], Mo: ['mégaoctet', 'mégaoctets'], Go: ['gigaoctet', 'gigaoctets'],
    To: ['téraoctet', 'téraoctets'], Hz: ['hertz', 'hertz'], kHz: ['kilohertz', 'kilohertz'], MHz: ['mégahertz', 'mégahertz'],
    GHz: ['gigahertz', 'gigahertz'], fps: ['images par seconde', 'images par seconde'],
  },
  ordinalSuffix: 'er|re|e|ème',
  localDate: 'dmy/',
};
