// Language identification on the hand-written paragraphs of every language, mixed documents, code-only files, front
// matter and the display-language fallback.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { LANGUAGES, languageFromTag, type LanguageCode } from '../../src/text/language/codes';
import { chooseLanguage, frontMatterLanguage, identify } from '../../src/text/language/detect';
import { root } from '../helpers/paths';

type Samples = Record<LanguageCode, { short: string[]; long: string[] }>;
const SAMPLES = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'language', 'paragraphs.json'), 'utf8')) as Samples;

const auto = (document: string, languageId = 'markdown', extra: Partial<Parameters<typeof chooseLanguage>[0]> = {}) =>
  chooseLanguage({ setting: 'auto', document, languageId, displayLanguage: 'en', ...extra });

describe('identify', () => {
  for (const lang of LANGUAGES) {
    test(`${lang}: every short and long paragraph`, async () => {
      for (const p of [...SAMPLES[lang].short, ...SAMPLES[lang].long]) assert.equal(await identify([p]), lang, p);
    });
    test(`${lang}: heading-sized fragments (first three words) are right or left undecided, never wrong`, async () => {
      let right = 0;
      for (const p of SAMPLES[lang].short) {
        const got = await identify([p.split(' ').slice(0, 3).join(' ')]);
        assert.ok(got === lang || got === undefined, `${p}: ${got}`);
        if (got === lang) right++;
      }
      assert.ok(right >= SAMPLES[lang].short.length / 2, `${right} of ${SAMPLES[lang].short.length}`);
    });
  }

  test('too little text tells nothing', async () => {
    assert.equal(await identify(['OK']), undefined);
    assert.equal(await identify(['v1.2.3 → 42', '']), undefined);
  });
});

describe('chooseLanguage', () => {
  test('a Markdown document in each language', async () => {
    for (const lang of LANGUAGES) {
      const doc = `# ${SAMPLES[lang].short[0]}\n\n${SAMPLES[lang].long.join('\n\n')}\n`;
      assert.deepEqual(await auto(doc), { language: lang, source: 'detected' });
    }
  });

  test('a mixed document goes with most of its prose', async () => {
    const doc = [SAMPLES.de.long[0], SAMPLES.en.short[0], SAMPLES.de.long[1], SAMPLES.fr.short[1], SAMPLES.de.long[2]].join('\n\n');
    assert.equal((await auto(doc)).language, 'de');
    const mostlyEnglish = [SAMPLES.en.long[0], SAMPLES.en.long[1], SAMPLES.es.short[0]].join('\n\n');
    assert.equal((await auto(mostlyEnglish)).language, 'en');
  });

  test('code blocks are not prose: a French README with lots of English code is French', async () => {
    const code = '```ts\n' + 'export function readTheFileAndReturnTheLines(path: string): string[] { return [] }\n'.repeat(40) + '```\n';
    assert.equal((await auto(`${SAMPLES.fr.long[0]}\n\n${code}\n${SAMPLES.fr.short[2]}\n`)).language, 'fr');
  });

  test('a code file is identified by its comments; one without comments falls back to the display language', async () => {
    const withComments = `// ${SAMPLES.it.long[0]}\nconst x = computeTheValue(1, 2);\n`;
    assert.deepEqual(await auto(withComments, 'typescript'), { language: 'it', source: 'detected' });
    const codeOnly = 'export const answer = computeTheAnswer(forty, two);\nfunction computeTheAnswer(a, b) { return a + b; }\n';
    assert.deepEqual(await auto(codeOnly, 'typescript', { displayLanguage: 'pt-br' }), { language: 'pt', source: 'display language' });
    assert.deepEqual(await auto('{"name": "pocket-reader", "description": "reads documents aloud"}', 'json', { displayLanguage: 'de' }), { language: 'de', source: 'display language' });
  });

  test('a short selection falls back to the document, then to the display language', async () => {
    const doc = SAMPLES.es.long.join('\n\n');
    assert.deepEqual(await auto(doc, 'markdown', { selection: 'OK' }), { language: 'es', source: 'detected' });
    assert.deepEqual(await auto(doc, 'markdown', { selection: SAMPLES.it.short[3] }), { language: 'it', source: 'detected' });
    assert.deepEqual(await auto('Hi.', 'plaintext', { displayLanguage: 'fr' }), { language: 'fr', source: 'display language' });
    assert.deepEqual(await auto('Hi.', 'plaintext', { displayLanguage: 'ja' }), { language: 'en', source: 'display language' });
  });

  test('front matter wins over the text; the setting wins over everything', async () => {
    const doc = `---\ntitle: Notes\nlang: de-DE\n---\n\n${SAMPLES.en.long[0]}\n`;
    assert.deepEqual(await auto(doc), { language: 'de', source: 'front matter' });
    assert.deepEqual(await chooseLanguage({ setting: 'fr', document: doc, languageId: 'markdown' }), { language: 'fr', source: 'setting' });
  });
});

describe('front matter and tags', () => {
  test('lang / language / locale in YAML or TOML', async () => {
    assert.equal(frontMatterLanguage('---\nlanguage: "it"\n---\nCiao'), 'it');
    assert.equal(frontMatterLanguage('---\r\nlocale: pt_BR\r\n---\r\n'), 'pt');
    assert.equal(frontMatterLanguage('+++\nlang = "es"\n+++\n'), 'es');
    assert.equal(frontMatterLanguage('---\nlanguage: German\n---\n'), 'de');
    assert.equal(frontMatterLanguage('---\nlang: ja\n---\n'), undefined);
    assert.equal(frontMatterLanguage('Text\n---\nlang: de\n---\n'), undefined);
  });

  test('tags people write', async () => {
    for (const [tag, code] of [['de-AT', 'de'], ['Français', 'fr'], ['french', 'fr'], ['ESP', undefined], ['spa', 'es'], ['pt-BR', 'pt'], ['EN_us', 'en'], ['', undefined]] as const) {
      assert.equal(languageFromTag(tag), code, tag);
    }
  });
});
