// Every word the model speaks maps back to where it is written: through the SentencePiece pieces of its chunk,
// text preparation and chunking (request offsets), and narration and normalisation (document offsets), for Markdown
// with CRLF line ends, emoji read by name, precomposed and decomposed accents, hyphens, apostrophes and expanded
// numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { planChunks } from '../../src/text/chunk';
import { narrate } from '../../src/text/narrate';
import { pieceSpans, tokenToUnit } from '../../src/text/pieceSpans';
import { sourceRange } from '../../src/text/segment';
import { loadSentencePiece } from '../../src/text/sentencePiece';
import { lexicalSpans, wordUnits } from '../../src/text/wordUnits';
import { skipUnless, tinyModelDir } from '../helpers/paths';

const TOKENIZER = path.join(tinyModelDir, 'tokenizer.model');
const OPTS = { maxTokens: 50, removeSemicolons: false, padWithSpaces: false, recommendedFramesAfterEos: null, words: true };

const DOC = [
  '# Café naïve',
  '',
  "The re-read résumé 😀 costs $3.50, isn't it? A sentence that",
  'wraps onto a second line ends here.',
  'Zoë (agreed) — e.g. **bold** and [link text](http://x.y).',
  '',
  '- Item one',
  '- Item *two* with Cafe\u0301 decomposed',
  '',
].join('\r\n');

/** [word as spoken, document text it highlights] for every word, in order. */
const EXPECTED = [
  ['Café', 'Café'], ['naïve', 'naïve'],
  ['The', 'The'], ['re-read', 're-read'], ['résumé', 'résumé'], ['grinning', '😀'], ['face', '😀'], ['costs', 'costs'],
  ['three', '$3.50'], ['dollars', '$3.50'], ['and', '$3.50'], ['fifty', '$3.50'], ['cents', '$3.50'],
  ["isn't", "isn't"], ['it', 'it'],
  ['A', 'A'], ['sentence', 'sentence'], ['that', 'that'], ['wraps', 'wraps'], ['onto', 'onto'], ['a', 'a'], ['second', 'second'],
  ['line', 'line'], ['ends', 'ends'], ['here', 'here'],
  ['Zoë', 'Zoë'], ['agreed', 'agreed'], ['for', 'e.g.'], ['example', 'e.g.'], ['bold', 'bold'], ['and', 'and'], ['link', 'link'], ['text', 'text'],
  ['Item', 'Item'], ['one', 'one'],
  ['Item', 'Item'], ['two', 'two'], ['with', 'with'], ['Cafe\u0301', 'Cafe\u0301'], ['decomposed', 'decomposed'],
];

test('every word of Markdown input maps to its source range (CRLF, emoji, accents, expansions)', async (t) => {
  const skip = skipUnless(TOKENIZER, 'tiny model tokenizer');
  if (skip) return t.skip(skip);
  const tok = await loadSentencePiece(TOKENIZER);
  const got: string[][] = [];
  for (const seg of narrate(DOC, { languageId: 'markdown', codeBlocks: 'skip' })) {
    for (const chunk of planChunks(seg.text, tok, OPTS)) {
      for (const u of chunk.words!.units.filter((x) => x.isWord)) {
        const r = sourceRange(seg, u.sourceStart, u.sourceEnd);
        got.push([seg.text.slice(u.sourceStart, u.sourceEnd), DOC.slice(r.start, r.end)]);
      }
    }
  }
  assert.deepEqual(got, EXPECTED);
});

test('words: hyphens and apostrophes join, combining marks stay, punctuation is its own unit', () => {
  const text = "Don’t re-read naïve ‐dash, x-, 'quoted'…";
  assert.deepEqual(lexicalSpans(text).map((s) => text.slice(s.start, s.end)), ['Don’t', 're-read', 'naïve', 'dash', 'x', 'quoted']);
  const units = wordUnits('Hello world.', 'hello world', { start: 0, end: 11 });
  assert.deepEqual(units.map((u) => [u.isWord, u.synthetic, u.sourceStart, u.sourceEnd]), [[true, false, 0, 5], [true, false, 6, 11], [false, true, -1, -1]]);
  // The request's own period is real punctuation, not the one text preparation appends.
  assert.equal(wordUnits('Hello world.', 'Hello world.', { start: 0, end: 12 })[2]!.synthetic, false);
  // Words the chunk spells differently (NFKC) are found by their letters.
  const fi = wordUnits('The file.', 'The ﬁle', { start: 0, end: 7 });
  assert.deepEqual(fi.filter((u) => u.isWord).map((u) => [u.sourceStart, u.sourceEnd]), [[0, 3], [4, 7]]);
});

test('pieces land on the text they came from: dummy prefix, spaces, byte fallback, NFKC', () => {
  const text = 'Hi 😀 ﬁne';
  const pieces = ['▁Hi', '▁', '<0xF0>', '<0x9F>', '<0x98>', '<0x80>', '▁fi', 'ne'];
  const spans = pieceSpans(text, pieces).map((s) => text.slice(s.start, s.end));
  assert.deepEqual(spans, ['Hi', ' ', '😀', '😀', '😀', '😀', ' ﬁ', 'ne']);
  // Overlaps count code points: the emoji's bytes touch no unit, "▁fi" is all "fine".
  const m = tokenToUnit(text, pieceSpans(text, pieces), [{ start: 0, end: 2 }, { start: 6, end: 9 }]);
  assert.deepEqual([...m], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
});
