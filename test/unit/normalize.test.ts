import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { speakIdentifier } from '../../src/text/identifiers';
import { normalize } from '../../src/text/normalize';
import { cardinal, ordinal, year } from '../../src/text/language/numberWords';

const NORMALIZE: [input: string, expected: string][] = [
  // Numbers as a person reads them.
  ['Pi is about 3.14.', 'Pi is about three point one four.'],
  ['It is 3.5 times faster.', 'It is three point five times faster.'],
  ['We have 1,234 users.', 'We have one thousand two hundred thirty-four users.'],
  ['1,000,000 rows', 'one million rows'],
  ['0 errors, 1 warning, 42 notes', 'zero errors, one warning, forty-two notes'],
  ['The 2nd and 3rd try, then the 21st and 100th.', 'The second and third try, then the twenty-first and one hundredth.'],
  ['Released in 1999.', 'Released in nineteen ninety-nine.'],
  ['In 2024, not 2005 or 1905 or 1900.', 'In twenty twenty-four, not two thousand five or nineteen oh five or nineteen hundred.'],
  ['On 2024-05-02.', 'On May second, twenty twenty-four.'],
  ['42% of 1.5% is small.', 'forty-two percent of one point five percent is small.'],
  ['Costs $5, $1, $5.99, $0.50 or $1,000.', 'Costs five dollars, one dollar, five dollars and ninety-nine cents, fifty cents or one thousand dollars.'],
  ['Raised $3 million and €20.', 'Raised three million dollars and twenty euros.'],
  ['Use v1.2 or v1.2.3, not v2.', 'Use version one point two or version one point two point three, not version two.'],
  ['Node 20.x and 1.x', 'Node twenty dot x and one dot x'],
  ['IP 10.0.0.1', 'IP ten point zero point zero point one'],
  ['10x faster, 50ms, 24kHz, 1 MB, 16 GB', 'ten times faster, fifty milliseconds, twenty-four kilohertz, one megabyte, sixteen gigabytes'],
  ['Fix #123 now', 'Fix number one hundred twenty-three now'],
  ['~5 minutes, ±10%', 'approximately five minutes, plus or minus ten percent'],
  ['14+ engines', 'fourteen plus engines'],
  ['Code 007 and id 12345678901234567890', 'Code zero zero seven and id one two three four five six seven eight nine zero one two three four five six seven eight nine zero'],
  // Abbreviations.
  ['Tools, e.g. Prettier, i.e. a formatter.', 'Tools, for example Prettier, that is a formatter.'],
  ['E.g. this one.', 'For example this one.'],
  ['Apples, pears, etc.', 'Apples, pears, et cetera.'],
  ['Apples, etc. and more', 'Apples, et cetera and more'],
  ['React vs. Vue vs Svelte', 'React versus Vue versus Svelte'],
  ['an acronym in capitals is not the abbreviation: VS Code, CF cards', 'an acronym in capitals is not the abbreviation: VS Code, CF cards'],
  ['Ask Dr. Smith.', 'Ask Doctor Smith.'],
  // Symbols.
  ['Tom & Jerry, R&D', 'Tom and Jerry, R and D'],
  ['Input -> output → result', 'Input to output to result'],
  ['→ next step', 'next step'],
  ['Ship it 🚀 now 👍🏽! 🇵🇹', 'Ship it now!'],
  ['👨‍👩‍👧 family', 'family'],
  ['© 2024 Acme', 'copyright twenty twenty-four Acme'],
  // URLs → host, keeping sentence punctuation.
  ['See https://github.com/foo/bar.', 'See github.com.'],
  ['Try www.example.com/path?q=1 today', 'Try example.com today'],
  // Conservative: left alone.
  ['utf8 x86_64 h264 ES2022 3D V8 A4', 'utf8 x86_64 h264 ES2022 3D V8 A4'],
  ['e.gx and vsx stay', 'e.gx and vsx stay'],
  ['中文 العربية Русский', '中文 العربية Русский'],
  ['', ''],
];

describe('normalize', () => {
  for (const [input, expected] of NORMALIZE) test(JSON.stringify(input), () => assert.equal(normalize(input), expected));

  test('never drops a word', () => {
    // Words that are replaced by design: abbreviations, units, and URL parts other than the host.
    const replaced = /^(?:etc|vs|dr|khz|ms|mb|gb|https?|www|foo|bar|path)$/i;
    for (const [input] of NORMALIZE) {
      const words = normalize(input).toLowerCase();
      for (const w of input.match(/\p{L}{2,}/gu) ?? []) {
        if (!replaced.test(w)) assert.ok(words.includes(w.toLowerCase()), `${w} kept in ${JSON.stringify(input)}`);
      }
    }
  });

  test('is idempotent', () => {
    for (const [input] of NORMALIZE) assert.equal(normalize(normalize(input)), normalize(input));
  });
});

describe('numbers', () => {
  const CARDINAL: [string, string][] = [
    ['0', 'zero'], ['7', 'seven'], ['13', 'thirteen'], ['40', 'forty'], ['99', 'ninety-nine'], ['100', 'one hundred'],
    ['101', 'one hundred one'], ['1000', 'one thousand'], ['1001', 'one thousand one'], ['20000', 'twenty thousand'],
    ['1000000', 'one million'], ['123456789', 'one hundred twenty-three million four hundred fifty-six thousand seven hundred eighty-nine'],
  ];
  for (const [n, words] of CARDINAL) test(`cardinal ${n}`, () => assert.equal(cardinal(n), words));
  const ORDINAL: [string, string][] = [['1', 'first'], ['2', 'second'], ['3', 'third'], ['5', 'fifth'], ['8', 'eighth'], ['9', 'ninth'], ['12', 'twelfth'], ['20', 'twentieth'], ['22', 'twenty-second'], ['101', 'one hundred first']];
  for (const [n, words] of ORDINAL) test(`ordinal ${n}`, () => assert.equal(ordinal(n), words));
  const YEAR: [string, string][] = [['1066', 'ten sixty-six'], ['1800', 'eighteen hundred'], ['1999', 'nineteen ninety-nine'], ['2000', 'two thousand'], ['2009', 'two thousand nine'], ['2010', 'twenty ten'], ['2099', 'twenty ninety-nine']];
  for (const [n, words] of YEAR) test(`year ${n}`, () => assert.equal(year(n), words));
});

describe('speakIdentifier', () => {
  const ROWS: [string, string][] = [
    ['getUserName', 'get user name'],
    ['snake_case', 'snake case'],
    ['kebab-case', 'kebab case'],
    ['XMLHttpRequest', 'XML http request'],
    ['parseJSON', 'parse JSON'],
    ['MAX_VALUE', 'MAX VALUE'],
    ['package.json', 'package dot json'],
    ['foo.bar()', 'foo dot bar'],
    ['a && b || c', 'a and b or c'],
    ['npm install --save-dev', 'npm install save dev'],
    ['@types/node', 'types node'],
    ['', ''],
  ];
  for (const [code, words] of ROWS) test(code || '(empty)', () => assert.equal(speakIdentifier(code), words));
});
