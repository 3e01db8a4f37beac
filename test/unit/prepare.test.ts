// prepare_text_prompt parity: table cases for each rule, plus a live comparison of the Python `str`
// semantics we emulate (strip/split whitespace set, isupper/upper, isalnum) when python3 is around.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { prepareTextPrompt } from '../../src/text/prepare';

const OFF = { padWithSpaces: false, removeSemicolons: false };

const cases: { name: string; input: string; opts?: Partial<typeof OFF>; expected: { text: string; guess: number } }[] = [
  { name: 'capitalises and adds a period', input: 'hello world', expected: { text: 'Hello world.', guess: 3 } },
  { name: 'strips outer whitespace', input: ' \t hello \n', expected: { text: 'Hello.', guess: 3 } },
  { name: 'newlines and CR become spaces', input: 'a\nb\r\n\r\nc', expected: { text: 'A b  c.', guess: 3 } },
  { name: 'one pass of double-space collapse', input: 'a   b    c', expected: { text: 'A  b  c.', guess: 3 } },
  { name: 'keeps final punctuation', input: 'Done?', expected: { text: 'Done?', guess: 3 } },
  { name: 'no period after a closing quote', input: 'he said "hi"', expected: { text: 'He said "hi"', guess: 3 } },
  { name: 'digit start is not changed, digit end gets a period', input: '42 is 6 times 7', expected: { text: '42 is 6 times 7.', guess: 1 } },
  { name: 'five words -> guess 1', input: 'one two three four five', expected: { text: 'One two three four five.', guess: 1 } },
  { name: 'four words -> guess 3', input: 'one two three four', expected: { text: 'One two three four.', guess: 3 } },
  { name: 'semicolons kept by default', input: 'a; b', expected: { text: 'A; b.', guess: 3 } },
  { name: 'semicolons removed when asked', input: 'a; b', opts: { removeSemicolons: true }, expected: { text: 'A, b.', guess: 3 } },
  { name: 'pads short inputs when asked', input: 'hi there', opts: { padWithSpaces: true }, expected: { text: '        Hi there.', guess: 3 } },
  { name: 'no pad for 5+ words', input: 'a b c d e', opts: { padWithSpaces: true }, expected: { text: 'A b c d e.', guess: 1 } },
  { name: 'accented first letter upper-cased', input: 'émile', expected: { text: 'Émile.', guess: 3 } },
  { name: 'ß upper-cases to SS (full case mapping)', input: 'ßtraße', expected: { text: 'SStraße.', guess: 3 } },
  { name: 'astral letter at the end counts as alnum', input: 'x 𝐀', expected: { text: 'X 𝐀.', guess: 3 } },
  { name: 'emoji end gets no period', input: 'ok 😀', expected: { text: 'Ok 😀', guess: 3 } },
  { name: 'NBSP is Python whitespace for strip and split', input: '\u00a0a\u00a0b\u00a0', expected: { text: 'A\u00a0b.', guess: 3 } },
  { name: 'U+200B is not Python whitespace', input: '\u200bhi', expected: { text: '\u200bhi.', guess: 3 } },
];

for (const c of cases) {
  test(`prepare: ${c.name}`, () => {
    const r = prepareTextPrompt(c.input, { ...OFF, ...c.opts });
    assert.deepEqual({ text: r.text, guess: r.framesAfterEosGuess }, c.expected);
  });
}

test('prepare: empty and whitespace-only raise EMPTY_TEXT', () => {
  for (const input of ['', '   ', '\n\t\r', '\u3000\u00a0\x1c']) {
    assert.throws(() => prepareTextPrompt(input, OFF), { code: 'EMPTY_TEXT' }, JSON.stringify(input));
  }
});

// Oracle written from reference §4.2 using Python's own str methods (the point is their semantics).
const PY = `
import json, sys
def prepare(text, pad, semi):
    text = text.strip()
    if text == "":
        return None
    text = text.replace("\\n", " ").replace("\\r", " ").replace("  ", " ")
    if semi:
        text = text.replace(";", ",")
    guess = 3 if len(text.split()) <= 4 else 1
    if not text[0].isupper():
        text = text[0].upper() + text[1:]
    if text[-1].isalnum():
        text += "."
    if pad and len(text.split()) < 5:
        text = " " * 8 + text
    return [text, guess]
req = json.load(sys.stdin)
print(json.dumps([prepare(t, p, s) for t, p, s in req]))
`;

test('prepare: matches Python str semantics on tricky characters', (t) => {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return t.skip('/usr/bin/python3 not available');
  const firsts = ['a', 'A', 'é', 'ß', 'ǆ', 'ǅ', 'ﬁ', 'ŉ', 'ı', 'i', '1', '"', '¿', 'ⓐ', 'Ⓐ', 'σ', 'ς', 'ꭓ', '𝐚', '😀', '日', 'ǰ', 'ΐ'];
  const lasts = ['a', '.', '1', '²', '½', 'Ⅻ', '日', '😀', '𝐀', '_', '-', 'ª', 'ʰ', '\u0301', '٣', '〇'];
  const spaces = [' ', '\t', '\u00a0', '\u1680', '\u2003', '\u2028', '\u202f', '\u3000', '\x1c', '\x85', '\u200b', '\ufeff', '\u180e'];
  const inputs: [string, boolean, boolean][] = [];
  for (const f of firsts) for (const l of lasts) inputs.push([`${f}x ${l}`, false, false]);
  for (const s of spaces) inputs.push([`${s}a${s}b${s}c${s}d${s}e${s}`, true, false], [`${s}${s}a;${s}b${s}`, true, true]);
  const r = spawnSync(python, ['-c', PY], { input: JSON.stringify(inputs), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as ([string, number] | null)[];
  inputs.forEach(([text, pad, semi], i) => {
    const want = expected[i];
    const opts = { padWithSpaces: pad, removeSemicolons: semi };
    if (want === null) {
      assert.throws(() => prepareTextPrompt(text, opts), { code: 'EMPTY_TEXT' });
    } else {
      const got = prepareTextPrompt(text, opts);
      assert.deepEqual([got.text, got.framesAfterEosGuess], want, JSON.stringify(text));
    }
  });
});
