// Chunk planning: official golden texts/ids, table cases, a Python oracle, span properties, 1 MB streaming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { iterateChunks, planChunks, type ChunkOptions, type TextChunk } from '../../src/text/chunk';
import { loadSentencePiece } from '../../src/text/sentencePiece';
import { MAX_BLOCK, textBlocks } from '../../src/text/textBlocks';
import type { Tokenizer } from '../../src/text/tokenizer';

const ROOT = path.resolve(__dirname, '..', '..');
const PARITY_DIR = path.resolve(ROOT, '..', 'shared', 'models', 'tiny-parity');
const TINY_PARITY = path.join(PARITY_DIR, 'tokenizer.model');
const GENERATED_TINY = path.join(ROOT, 'models', 'generated', 'tiny', 'tokenizer.model');
const NO_SHARED = `tiny-parity model absent at ${PARITY_DIR}`;
const PYTHON = '/usr/bin/python3';

const OPTS: ChunkOptions = { maxTokens: 50, removeSemicolons: false, padWithSpaces: false, recommendedFramesAfterEos: null };

let parity: Promise<Tokenizer> | undefined;
const parityTokenizer = (): Promise<Tokenizer> => (parity ??= loadSentencePiece(TINY_PARITY));

/**
 * SentencePiece-shaped stand-in (one token per code point, "▁" dummy prefix, whitespace collapsed) so
 * the property and streaming tests also run without ../shared. Decoding is lossless, like byte fallback.
 */
const charTokenizer: Tokenizer = {
  vocabSize: 0x110000,
  encode: (text) => Array.from(charPieces(text).join(''), (c) => c.codePointAt(0)!),
  encodePieces: (text) => charPieces(text),
  decode: (ids) => String.fromCodePoint(...ids).replaceAll('▁', ' ').replace(/^ /, ''),
};

function charPieces(text: string): string[] {
  const norm = text.replace(/\s+/g, ' ').trim();
  return norm === '' ? [] : Array.from('▁' + norm.replaceAll(' ', '▁'));
}

// ---------------------------------------------------------------- golden (official implementation)

for (const name of ['t1_two_words', 't2_ten_words', 't3_paragraph']) {
  test(`golden ${name}: chunk texts, token ids and frames match the official loop`, async (t) => {
    const infoPath = path.join(PARITY_DIR, 'golden', name, 'info.json');
    if (!existsSync(infoPath)) return t.skip(NO_SHARED);
    const info = JSON.parse(readFileSync(infoPath, 'utf8')) as {
      text: string;
      chunks: { text: string; token_ids: number[]; frames_after_eos: number }[];
      params: { max_tokens_per_chunk: number };
    };
    const chunks = planChunks(info.text, await parityTokenizer(), { ...OPTS, maxTokens: info.params.max_tokens_per_chunk });
    assert.deepEqual(
      chunks.map((c) => ({ text: c.text, ids: c.tokenIds, frames: c.framesAfterEos })),
      info.chunks.map((c) => ({ text: c.text, ids: c.token_ids, frames: c.frames_after_eos })),
    );
    assertSpanInvariants(info.text, chunks);
  });
}

// ---------------------------------------------------------------- table (kokoro.js style)

interface Expected {
  text: string;
  /** input.slice(start, end) */
  source: string;
  frames: number;
}
const table: { name: string; input: string; opts?: Partial<ChunkOptions>; expected: Expected[] }[] = [
  {
    name: 'two words: capital, period, 5 frames',
    input: 'hello world',
    expected: [{ text: 'Hello world.', source: 'hello world', frames: 5 }],
  },
  {
    name: 'short sentences pack into one chunk; later sentences stay lowercase',
    input: 'hello there. how are you? fine thanks.',
    expected: [{ text: 'Hello there. how are you? fine thanks.', source: 'hello there. how are you? fine thanks.', frames: 3 }],
  },
  {
    name: 'tight budget: one sentence per chunk, only the first capitalised',
    input: 'hello there. how are you? fine thanks.',
    opts: { maxTokens: 8 },
    expected: [
      { text: 'Hello there.', source: 'hello there.', frames: 5 },
      { text: 'how are you?', source: 'how are you?', frames: 5 },
      { text: 'fine thanks.', source: 'fine thanks.', frames: 5 },
    ],
  },
  {
    name: 'ellipsis and ?! runs end sentences; over-budget sentences are kept whole',
    input: 'Wait... what?! Yes.',
    opts: { maxTokens: 3 },
    expected: [
      { text: 'Wait...', source: 'Wait...', frames: 5 },
      { text: 'what?!', source: 'what?!', frames: 5 },
      { text: 'Yes.', source: 'Yes.', frames: 5 },
    ],
  },
  {
    name: 'newlines become spaces; spans exclude outer whitespace',
    input: '\n  Some text here\nand more on the next line  \n',
    expected: [{ text: 'Some text here and more on the next line.', source: 'Some text here\nand more on the next line', frames: 3 }],
  },
  {
    name: 'oversized sentence falls back to commas, then packs greedily',
    input: 'One, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve, thirteen.',
    opts: { maxTokens: 20 },
    expected: [
      { text: 'One, two, three, four, five,', source: 'One, two, three, four, five,', frames: 3 },
      { text: 'six, seven, eight, nine,', source: 'six, seven, eight, nine,', frames: 5 },
      { text: 'ten, eleven, twelve,', source: 'ten, eleven, twelve,', frames: 5 },
      { text: 'thirteen.', source: 'thirteen.', frames: 5 },
    ],
  },
  {
    name: 'oversized sentence without commas stays one chunk',
    input: 'this sentence is far too long for such a tiny budget of tokens',
    opts: { maxTokens: 10 },
    expected: [
      {
        text: 'This sentence is far too long for such a tiny budget of tokens.',
        source: 'this sentence is far too long for such a tiny budget of tokens',
        frames: 3,
      },
    ],
  },
  {
    name: 'semicolons become commas when the model asks (F is not in this tiny vocabulary)',
    input: 'first part; second part',
    opts: { removeSemicolons: true },
    expected: [{ text: '⁇ irst part, second part.', source: 'first part; second part', frames: 3 }],
  },
  {
    name: "the model's recommended frames override the guess",
    input: 'a b. c d e f g h.',
    opts: { recommendedFramesAfterEos: 8 },
    expected: [{ text: 'A b. c d e f g h.', source: 'a b. c d e f g h.', frames: 8 }],
  },
  {
    name: 'out-of-vocabulary characters decode to ⁇ (which count as words) and stay inside spans',
    input: 'Café ñandú über. The end.',
    opts: { maxTokens: 12 },
    expected: [
      { text: 'Caf ⁇   ⁇ and ⁇   ⁇ ber.', source: 'Café ñandú über.', frames: 3 },
      { text: 'The end.', source: 'The end.', frames: 5 },
    ],
  },
  {
    name: 'a decimal point is a sentence boundary',
    input: 'It is 3.14 now. OK then.',
    opts: { maxTokens: 6 },
    expected: [
      // Digits are unknown to this tokenizer, so "14" cannot be aligned and stays with the first span.
      { text: 'It is  ⁇ .', source: 'It is 3.14', frames: 5 },
      { text: '⁇  now.', source: 'now.', frames: 5 },
      { text: 'O ⁇  then.', source: 'OK then.', frames: 5 },
    ],
  },
  {
    name: 'sentence ends without a following space',
    input: 'one.two.three',
    opts: { maxTokens: 3 },
    expected: [
      { text: 'One.', source: 'one.', frames: 5 },
      { text: 'two.', source: 'two.', frames: 5 },
      { text: 'three.', source: 'three', frames: 5 },
    ],
  },
];

for (const c of table) {
  test(`table: ${c.name}`, async (t) => {
    if (!existsSync(TINY_PARITY)) return t.skip(NO_SHARED);
    const chunks = planChunks(c.input, await parityTokenizer(), { ...OPTS, ...c.opts });
    assert.deepEqual(
      chunks.map((x) => ({ text: x.text, source: c.input.slice(x.start, x.end), frames: x.framesAfterEos })),
      c.expected,
    );
    assertSpanInvariants(c.input, chunks);
  });
}

test('errors: empty / whitespace-only -> EMPTY_TEXT; no letter or digit -> NOTHING_SPEAKABLE', () => {
  for (const input of ['', '   ', '\n\t\r\n', '\u3000\u00a0']) {
    assert.throws(() => iterateChunks(input, charTokenizer, OPTS), { code: 'EMPTY_TEXT' }, JSON.stringify(input));
  }
  for (const input of ['😀🎉', '👨‍👩‍👧 🏳️‍🌈', '... !!! ???', '— * # @', '\u200b']) {
    assert.throws(() => planChunks(input, charTokenizer, OPTS), { code: 'NOTHING_SPEAKABLE' }, JSON.stringify(input));
  }
  // Any script counts as speakable.
  for (const input of ['日本', '٣', 'Ж', '😀 7']) assert.ok(planChunks(input, charTokenizer, OPTS).length > 0);
  assert.throws(() => planChunks('hi', charTokenizer, { ...OPTS, maxTokens: 0 }), RangeError);
});

// ---------------------------------------------------------------- Python oracle

// Written from reference §4.2/§4.3 (not copied): whole-text prepare + strip, boundary ids minus the first,
// segment counts from the whole tokenisation, fallback split of oversized segments, greedy packing.
const PY_SPLIT = `
import json, sys, sentencepiece as spm
req = json.load(sys.stdin)
sp = spm.SentencePieceProcessor(model_file=req["model"])
def prep(t, semi):
    t = t.strip().replace("\\n", " ").replace("\\r", " ").replace("  ", " ")
    if semi: t = t.replace(";", ",")
    g = 3 if len(t.split()) <= 4 else 1
    if not t[0].isupper(): t = t[0].upper() + t[1:]
    if t[-1].isalnum(): t += "."
    return t, g
def segs(ids, bounds):
    cuts, prev = [0], False
    for i, x in enumerate(ids):
        if x in bounds: prev = True
        else:
            if prev: cuts.append(i)
            prev = False
    cuts.append(len(ids))
    return [(b - a, sp.decode(ids[a:b])) for a, b in zip(cuts, cuts[1:])]
def split(text, mx, semi):
    ids = sp.encode(prep(text, semi)[0].strip())
    out = []
    for n, s in segs(ids, sp.encode(".!...?")[1:]):
        sub = segs(sp.encode(s.strip()), sp.encode(",;:")[1:]) if n > mx else []
        out.extend(sub if len(sub) > 1 else [(n, s)])
    chunks, cur, cn = [], "", 0
    for n, s in out:
        if cur == "": cur, cn = s, n
        elif cn + n > mx: chunks.append(cur.strip()); cur, cn = s, n
        else: cur, cn = cur + " " + s, cn + n
    if cur != "": chunks.append(cur.strip())
    return [{"text": c, "ids": sp.encode(c), "frames": prep(c, semi)[1] + 2} for c in chunks]
print(json.dumps([split(t, mx, semi) for t, mx, semi in req["cases"]]))
`;

function randomText(seed: number, minLen: number, maxLen: number): string {
  const words = ['the', 'quick', 'brown', 'fox', 'Émile', 'naïve', 'straße', 'über', '3.14', '1,000', 'e.g.', 'Dr.', 'x', 'long-word', 'don\'t', '“quoted”', 'ok', 'mid.dle', '日本', '😀'];
  const seps = [' ', ' ', ' ', ', ', '; ', ': ', '. ', '! ', '? ', '... ', '.\n', '\n\n', '  ', '   ', '\t', ' — ', '?! '];
  let s = seed >>> 0;
  const rnd = (k: number): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s % k);
  const len = minLen + rnd(maxLen - minLen);
  let out = rnd(3) ? '' : '  ';
  while (out.length < len) out += words[rnd(words.length)]! + seps[rnd(seps.length)]!;
  return out;
}

for (const [name, model] of [
  ['tiny-parity', TINY_PARITY],
  ['models/generated/tiny', GENERATED_TINY],
] as const) {
  test(`python oracle (${name}): texts, ids and frames for 120 random inputs`, async (t) => {
    if (!existsSync(model)) return t.skip(`${name} tokenizer absent at ${model}`);
    const hasSp = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sentencepiece'], { stdio: 'ignore' }).status === 0;
    if (!hasSp) return t.skip(`${PYTHON} with sentencepiece not available`);
    const cases: [string, number, boolean][] = [];
    for (let i = 0; i < 120; i++) cases.push([randomText(i + 1, 5, i < 100 ? 600 : MAX_BLOCK), [50, 20, 8][i % 3]!, i % 4 === 0]);
    const r = spawnSync(PYTHON, ['-c', PY_SPLIT], { input: JSON.stringify({ model, cases }), encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const expected = JSON.parse(r.stdout) as { text: string; ids: number[]; frames: number }[][];
    const tok = await loadSentencePiece(model);
    cases.forEach(([text, maxTokens, removeSemicolons], i) => {
      const got = planChunks(text, tok, { ...OPTS, maxTokens, removeSemicolons });
      const want = expected[i]!.filter((c) => c.text !== '');
      assert.deepEqual(got.map((c) => ({ text: c.text, ids: c.tokenIds, frames: c.framesAfterEos })), want, JSON.stringify(text));
      assertSpanInvariants(text, got);
    });
  });
}

// ---------------------------------------------------------------- span properties

/** Spans ordered, non-overlapping, trimmed, and every letter/digit of the input inside one of them. */
function assertSpanInvariants(input: string, chunks: readonly TextChunk[]): void {
  let prevEnd = 0;
  const covered = new Uint8Array(input.length);
  for (const c of chunks) {
    assert.ok(c.start >= prevEnd && c.start <= c.end && c.end <= input.length, `span [${c.start},${c.end}) after ${prevEnd}`);
    if (c.end > c.start) {
      assert.match(input[c.start]!, /\S/);
      assert.match(input[c.end - 1]!, /\S/);
    }
    covered.fill(1, c.start, c.end);
    prevEnd = c.end;
  }
  for (const m of input.matchAll(/[\p{L}\p{N}]/gu)) {
    assert.ok(covered[m.index], `${JSON.stringify(m[0])} at ${m.index} is in no span`);
  }
}

/** Letters/digits, case-folded: what must survive chunking in order when decoding is lossless. */
const keys = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

test('property: random inputs (char tokenizer) keep every word, in order, and spans cover them', () => {
  for (let i = 0; i < 300; i++) {
    const input = randomText(1000 + i, 1, 3000);
    if (!/[\p{L}\p{N}]/u.test(input)) continue;
    const chunks = planChunks(input, charTokenizer, { ...OPTS, maxTokens: [50, 12, 200][i % 3]!, removeSemicolons: i % 2 === 0 });
    assert.equal(chunks.map((c) => keys(c.text)).join(''), keys(input), JSON.stringify(input));
    assertSpanInvariants(input, chunks);
    // Each span's own words are the chunk's words (alignment is exact when nothing is lost).
    for (const c of chunks) assert.equal(keys(input.slice(c.start, c.end)), keys(c.text));
  }
});

test('property: random inputs (real tokenizers) spans cover every word; exact with byte fallback', async (t) => {
  for (const [name, model] of [
    ['tiny-parity (no byte fallback: unknown chars decode to ⁇)', TINY_PARITY],
    ['models/generated/tiny (byte fallback, like the real English model)', GENERATED_TINY],
  ] as const) {
    if (!existsSync(model)) {
      t.diagnostic(`skipped ${name}: absent at ${model}`);
      continue;
    }
    const tok = await loadSentencePiece(model);
    const lossless = !tok.decode(tok.encode('日本 😀')).includes('⁇');
    for (let i = 0; i < 100; i++) {
      const input = randomText(5000 + i, 1, 2000);
      const chunks = planChunks(input, tok, { ...OPTS, maxTokens: [50, 12][i % 2]! });
      assertSpanInvariants(input, chunks);
      if (lossless) for (const c of chunks) assert.equal(keys(input.slice(c.start, c.end)), keys(c.text), `${name}: ${JSON.stringify(c.text)}`);
    }
  }
});

test('iterateChunks yields exactly what planChunks returns', async (t) => {
  const toks: Tokenizer[] = [charTokenizer];
  if (existsSync(TINY_PARITY)) toks.push(await parityTokenizer());
  else t.diagnostic(NO_SHARED);
  for (const tok of toks) {
    const input = randomText(77, 9000, 12000);
    assert.deepEqual([...iterateChunks(input, tok, OPTS)], planChunks(input, tok, OPTS));
  }
});

// ---------------------------------------------------------------- blocks and 1 MB streaming

test('textBlocks: one block up to MAX_BLOCK; otherwise contiguous cuts after sentence ends', () => {
  const small = 'x. '.repeat(Math.floor(MAX_BLOCK / 3));
  assert.deepEqual([...textBlocks(small)], [[0, small.length]]);
  const big = randomText(9, 200_000, 200_001);
  let prev = 0;
  for (const [s, e] of textBlocks(big)) {
    assert.equal(s, prev);
    assert.ok(e - s <= MAX_BLOCK && e > s);
    if (e < big.length) assert.match(big.slice(s, e), /[.!?…]\S*\s+$|\s$/);
    prev = e;
  }
  assert.equal(prev, big.length);
  const noSpaces = 'a'.repeat(10_000) + '😀'.repeat(5000);
  const cuts = [...textBlocks(noSpaces)];
  assert.equal(cuts.at(-1)![1], noSpaces.length);
  for (const [s] of cuts) assert.ok(!/[\uDC00-\uDFFF]/.test(noSpaces[s]!), 'cut inside a surrogate pair');
});

function megabyte(words: readonly string[]): string {
  let s = 7;
  const rnd = (k: number): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s % k);
  const parts: string[] = [];
  let len = 0;
  while (len < 1_000_000) {
    const n = 3 + rnd(25);
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(words[rnd(words.length)]!);
    const sentence = w.join(rnd(5) ? ' ' : ', ') + '.!?'[rnd(3)]! + (rnd(10) ? ' ' : '\n\n');
    parts.push(sentence);
    len += sentence.length;
  }
  return parts.join('');
}

test('1 MB input: plans incrementally, in reasonable time, every word in some chunk', async (t) => {
  // Words whose lowercase and capitalised forms are in the tiny vocabulary, so decoding is lossless.
  const words = 'the and to in was on that with as at his her they this have are not had one all were when there can which their said if will each about how out them then she many some so these would other into has more two time could make than its who now people made over only way may water after words called where most get through much go good new write man same right think also around another came come work three word must part even place well such here take why things help put years away again off went old number great tell men say small every still name should home give air set own read never end along while might next sound saw something thought those always show often together asked house world going want school important children side without once animals enough took sometimes head above almost page got earth need hand high year mother parts country night picture study second eyes soon times story since white ever paper hard near sentence across today others however sure means try told young miles sun ways thing whole hear example heard several change answer room sea against top turned point city play toward himself'.split(' ');
  const input = megabyte(words);
  let tok: Tokenizer = charTokenizer;
  if (existsSync(TINY_PARITY)) tok = await parityTokenizer();
  else t.diagnostic(`${NO_SHARED}; using the char tokenizer`);

  // Laziness: the first chunk must come after tokenising about one block, not the whole megabyte.
  let encodedChars = 0;
  const counting: Tokenizer = { vocabSize: tok.vocabSize, encode: (s) => ((encodedChars += s.length), tok.encode(s)), decode: (ids) => tok.decode(ids), encodePieces: (s) => tok.encodePieces(s) };
  const it = iterateChunks(input, counting, OPTS);
  assert.ok(!it.next().done);
  assert.ok(encodedChars < 3 * MAX_BLOCK, `encoded ${encodedChars} chars before the first chunk`);

  const t0 = performance.now();
  const heap0 = process.memoryUsage().heapUsed;
  let heapPeak = heap0;
  const inputWords = input.match(/\S+/g)!.map((w) => w.replace(/[^a-z]/gi, '').toLowerCase());
  let w = 0;
  let n = 0;
  let lastEnd = 0;
  for (const c of iterateChunks(input, tok, OPTS)) {
    // Streaming check, nothing retained: chunk words continue the input's word sequence.
    for (const cw of c.text.match(/\S+/g) ?? []) {
      const word = cw.replace(/[^a-z]/gi, '').toLowerCase();
      if (word === '') continue;
      assert.equal(word, inputWords[w], `word #${w} near offset ${c.start}`);
      w++;
    }
    assert.ok(c.start >= lastEnd);
    lastEnd = c.end;
    if (++n % 1000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  const ms = performance.now() - t0;
  assert.equal(w, inputWords.length, 'every input word appears in some chunk');
  t.diagnostic(`1 MB -> ${n} chunks in ${ms.toFixed(0)} ms; heap growth while streaming ≤ ${((heapPeak - heap0) / 1e6).toFixed(1)} MB`);
  assert.ok(ms < 60_000, `took ${ms} ms`);
});
