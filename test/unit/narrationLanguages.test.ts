// Narration per language: numbers, ordinals, decimals, percentages, dates, times, currency, symbols and abbreviations
// are read in the document's language; sentences split with its abbreviations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LanguageCode } from '../../src/text/language/codes';
import { narrate } from '../../src/text/narrate';
import { normalize } from '../../src/text/normalize';

const TABLES: Record<LanguageCode, [input: string, spoken: string][]> = {
  en: [
    ['We have 1,234 users and 3.5 GB.', 'We have one thousand two hundred thirty-four users and three point five gigabytes.'],
    ['On 2024-05-02 at 10:30.', 'On May second, twenty twenty-four at ten thirty.'],
    ['At 9:05 and 12:00.', "At nine oh five and twelve o'clock."],
    ['42% of 1.5% is small.', 'forty-two percent of one point five percent is small.'],
    ['Costs $5.99, €1 or £3.50.', 'Costs five dollars and ninety-nine cents, one euro or three pounds and fifty pence.'],
    ['Tools, e.g. Prettier & ESLint, etc.', 'Tools, for example Prettier and ESLint, et cetera.'],
    ['It is 21 °C and -5°C.', 'It is twenty-one degrees Celsius and minus five degrees Celsius.'],
    ['The 2nd try, #12, ~5 minutes, 14+ engines.', 'The second try, number twelve, approximately five minutes, fourteen plus engines.'],
    ['Released in 1999, v1.2.3 -> v2.', 'Released in nineteen ninety-nine, version one point two point three to version two.'],
  ],
  de: [
    ['Wir haben 1.234 Nutzer und 3,5 GB.', 'Wir haben eintausendzweihundertvierunddreißig Nutzer und drei Komma fünf Gigabyte.'],
    ['Am 02.05.2024 um 10:30 Uhr.', 'Am zweiten Mai zweitausendvierundzwanzig um zehn Uhr dreißig.'],
    ['Am 3. März 2025 um 14:00.', 'Am dritten März zweitausendfünfundzwanzig um vierzehn Uhr.'],
    ['Stand: 2024-01-01, 1:00', 'Stand: erster Januar zweitausendvierundzwanzig, ein Uhr'],
    ['42 % von 1,5 % ist wenig.', 'zweiundvierzig Prozent von eins Komma fünf Prozent ist wenig.'],
    ['Kostet 5,99 €, 1 € oder $3.', 'Kostet fünf Euro und neunundneunzig Cent, ein Euro oder drei Dollar.'],
    ['Werkzeuge, z. B. Prettier & ESLint, usw.', 'Werkzeuge, zum Beispiel Prettier und ESLint, und so weiter.'],
    ['Es sind 21 °C und -5 °C.', 'Es sind einundzwanzig Grad Celsius und minus fünf Grad Celsius.'],
    ['Version 1.2.3, Python 3.11, #12, ~5 Minuten, 14+ Engines.', 'Version eins Punkt zwei Punkt drei, Python drei Punkt elf, Nummer zwölf, ungefähr fünf Minuten, vierzehn plus Engines.'],
    ['Erschienen 1999, Nr. 7, d.h. gut, bzw. sehr gut.', 'Erschienen neunzehnhundertneunundneunzig, Nummer sieben, das heißt gut, beziehungsweise sehr gut.'],
    ['1 MB in 20 ms, 21 €.', 'ein Megabyte in zwanzig Millisekunden, einundzwanzig Euro.'],
  ],
  fr: [
    ['Nous avons 1 234 utilisateurs et 3,5 Go.', 'Nous avons mille deux cent trente-quatre utilisateurs et trois virgule cinq gigaoctets.'],
    ['Le 02/05/2024 à 10h30.', 'Le deux mai deux mille vingt-quatre à dix heures trente.'],
    ['Le 2024-05-01 à 14:00, puis 1:15.', 'Le premier mai deux mille vingt-quatre à quatorze heures, puis une heure quinze.'],
    ['42 % de 1,5 % est peu.', 'quarante-deux pour cent de un virgule cinq pour cent est peu.'],
    ['Coûte 5,99 €, 1 € ou 3 $.', 'Coûte cinq euros et quatre-vingt-dix-neuf centimes, un euro ou trois dollars.'],
    ['Des outils, p. ex. Prettier & ESLint, etc.', 'Des outils, par exemple Prettier et ESLint, et cetera.'],
    ['Il fait 21 °C et -5 °C.', 'Il fait vingt et un degrés Celsius et moins cinq degrés Celsius.'],
    ['Le 2e essai, #12, ~5 minutes, 14+ moteurs.', 'Le deuxième essai, numéro douze, environ cinq minutes, quatorze plus moteurs.'],
    ['Sorti en 1999, Python 3.11, Mme Dupont, 1er prix.', 'Sorti en mille neuf cent quatre-vingt-dix-neuf, Python trois point onze, Madame Dupont, premier prix.'],
  ],
  it: [
    ['Abbiamo 1.234 utenti e 3,5 GB.', 'Abbiamo milleduecentotrentaquattro utenti e tre virgola cinque gigabyte.'],
    ['Il 02/05/2024 alle 10:30.', 'Il due maggio duemilaventiquattro alle dieci e trenta.'],
    ['42 % di 1,5 % è poco.', 'quarantadue per cento di uno virgola cinque per cento è poco.'],
    ['Costa 5,99 €, 1 € o 21 $.', 'Costa cinque euro e novantanove centesimi, un euro o ventuno dollari.'],
    ['Strumenti, ad es. Prettier & ESLint, ecc.', 'Strumenti, ad esempio Prettier e ESLint, eccetera.'],
    ['Ci sono 21 °C e -5 °C.', 'Ci sono ventuno gradi Celsius e meno cinque gradi Celsius.'],
    ['Il 2º tentativo, #12, ~5 minuti, 14+ motori.', 'Il secondo tentativo, numero dodici, circa cinque minuti, quattordici più motori.'],
    ['Uscito nel 1999, Python 3.11, v2.', 'Uscito nel millenovecentonovantanove, Python tre punto undici, versione due.'],
  ],
  pt: [
    ['Temos 1.234 utilizadores e 3,5 GB.', 'Temos mil duzentos e trinta e quatro utilizadores e três vírgula cinco gigabytes.'],
    ['Em 02/05/2024 às 10:30.', 'Em dois de maio de dois mil e vinte e quatro às dez e trinta.'],
    ['Às 2:00 e à 1:00.', 'Às duas horas e à uma hora.'],
    ['42 % de 1,5 % é pouco.', 'quarenta e dois por cento de um vírgula cinco por cento é pouco.'],
    ['Custa 5,99 €, 1 € ou 21 $.', 'Custa cinco euros e noventa e nove cêntimos, um euro ou vinte e um dólares.'],
    ['Ferramentas, p. ex. Prettier & ESLint, etc.', 'Ferramentas, por exemplo Prettier e ESLint, et cetera.'],
    ['Estão 21 °C e -5 °C.', 'Estão vinte e um graus Celsius e menos cinco graus Celsius.'],
    ['A 2ª tentativa, #12, ~5 minutos, 14+ motores.', 'A segunda tentativa, número doze, aproximadamente cinco minutos, catorze mais motores.'],
    ['Lançado em 1999, Python 3.11.', 'Lançado em mil novecentos e noventa e nove, Python três ponto onze.'],
  ],
  es: [
    ['Tenemos 1.234 usuarios y 3,5 GB.', 'Tenemos mil doscientos treinta y cuatro usuarios y tres coma cinco gigabytes.'],
    ['El 02/05/2024 a las 10:30.', 'El dos de mayo de dos mil veinticuatro a las diez y treinta.'],
    ['A la 1:00 y a las 21:05.', 'A la una en punto y a las veintiuna y cinco.'],
    ['42 % de 1,5 % es poco.', 'cuarenta y dos por ciento de uno coma cinco por ciento es poco.'],
    ['Cuesta 5,99 €, 1 €, 21 $ o 0,50 €.', 'Cuesta cinco euros con noventa y nueve céntimos, un euro, veintiún dólares o cincuenta céntimos.'],
    ['Herramientas, p. ej. Prettier & ESLint, etc.', 'Herramientas, por ejemplo Prettier y ESLint, etcétera.'],
    ['Hace 21 °C y -5 °C.', 'Hace veintiún grados Celsius y menos cinco grados Celsius.'],
    ['El 2º intento, #12, ~5 minutos, 14+ motores.', 'El segundo intento, número doce, aproximadamente cinco minutos, catorce más motores.'],
    ['Publicado en 1999, Python 3.11, Sr. García.', 'Publicado en mil novecientos noventa y nueve, Python tres punto once, Señor García.'],
  ],
};

for (const [lang, rows] of Object.entries(TABLES) as [LanguageCode, [string, string][]][]) {
  describe(`normalize (${lang})`, () => {
    for (const [input, spoken] of rows) test(input, () => assert.equal(normalize(input, lang), spoken));
    test('is idempotent', () => {
      for (const [input] of rows) assert.equal(normalize(normalize(input, lang), lang), normalize(input, lang));
    });
    test('leaves no digit behind', () => {
      for (const [input] of rows) assert.doesNotMatch(normalize(input, lang), /\d/, input);
    });
  });
}

describe('sentences per language', () => {
  const texts = (source: string, language: LanguageCode) => narrate(source, { languageId: 'plaintext', codeBlocks: 'skip', language }).map((s) => s.text);

  test('German abbreviations do not end a sentence', () => {
    assert.deepEqual(texts('Nutze Werkzeuge, z. B. Prettier. Dann d. h. Tests. Fertig.', 'de'), [
      'Nutze Werkzeuge, zum Beispiel Prettier.',
      'Dann das heißt Tests.',
      'Fertig.',
    ]);
  });

  test('French, Spanish and Portuguese "p. ex." / "p. ej." do not end a sentence', () => {
    assert.deepEqual(texts('Des outils, p. ex. Prettier. Voilà.', 'fr'), ['Des outils, par exemple Prettier.', 'Voilà.']);
    assert.deepEqual(texts('Herramientas, p. ej. Prettier. Listo.', 'es'), ['Herramientas, por ejemplo Prettier.', 'Listo.']);
    assert.deepEqual(texts('Ferramentas, p. ex. Prettier. Pronto.', 'pt'), ['Ferramentas, por exemplo Prettier.', 'Pronto.']);
  });

  test('Spanish inverted marks and Italian elisions stay in their sentence', () => {
    assert.deepEqual(texts('¿Funciona? ¡Sí! Vale.', 'es'), ['¿Funciona?', '¡Sí!', 'Vale.']);
    assert.deepEqual(texts("Dov'è l'estensione? È qui.", 'it'), ["Dov'è l'estensione?", 'È qui.']);
  });

  test('a German Markdown file reads numbers in German and announces code in German', () => {
    const md = '# Installation\n\nAm 3. März 2025 kamen 1.234 Nutzer (42 %).\n\n```sh\nnpm i\n```\n';
    const segs = narrate(md, { languageId: 'markdown', codeBlocks: 'announce', language: 'de' }).map((s) => s.text);
    assert.deepEqual(segs, ['Installation', 'Am dritten März zweitausendfünfundzwanzig kamen eintausendzweihundertvierunddreißig Nutzer (zweiundvierzig Prozent).', 'Codeblock übersprungen.']);
  });

  test('emoji that stand for a word are named in the language (CLDR names)', () => {
    assert.deepEqual(texts('Mit ❤️ gemacht.', 'de'), ['Mit rotes Herz gemacht.']);
    assert.deepEqual(texts('Fait avec ❤️ à Lyon.', 'fr'), ['Fait avec cœur rouge à Lyon.']);
    assert.deepEqual(texts('Hecho con ❤️ en Madrid.', 'es'), ['Hecho con corazón rojo en Madrid.']);
  });

  test('without a language, narration stays English', () => {
    assert.deepEqual(texts('It costs €20.', 'en'), texts('It costs €20.', undefined as unknown as LanguageCode));
  });
});
