// The wasm tokenizer must produce exactly Python sentencepiece's ids: the model was trained on them.
// Three layers of evidence: a committed fixture (no python needed), a live comparison against
// /usr/bin/python3 on every tokenizer we can find, and an esbuild CJS bundle run inside a Worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { countPieces, loadSentencePiece } from '../../src/text/sentencePiece';

const ROOT = path.resolve(__dirname, '..', '..');
const TINY_PARITY = path.resolve(ROOT, '..', 'shared', 'models', 'tiny-parity', 'tokenizer.model');
const GENERATED_TINY = path.join(ROOT, 'models', 'generated', 'tiny', 'tokenizer.model');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'sentencepiece-tiny-parity.json');
const PYTHON = '/usr/bin/python3';

interface Case {
  text: string;
  ids: number[];
  decoded: string;
}
interface Fixture {
  vocab_size: number;
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;
const CORPUS = fixture.cases.map((c) => c.text);

const PY_SCRIPT = `
import json, sys, sentencepiece as spm
req = json.load(sys.stdin)
sp = spm.SentencePieceProcessor(model_file=req["model"])
out = {"vocab_size": sp.vocab_size(), "cases": []}
for t in req["texts"]:
    ids = sp.encode(t, out_type=int)
    out["cases"].append({"text": t, "ids": ids, "decoded": sp.decode(ids)})
sys.stdout.write(json.dumps(out))
`;

const hasPython =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sentencepiece'], { stdio: 'ignore' }).status === 0;

function python(model: string, texts: string[]): Fixture {
  const r = spawnSync(PYTHON, ['-c', PY_SCRIPT], {
    input: JSON.stringify({ model, texts }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Fixture;
}

/** Deterministic mix of the characters that stress the normaliser and the unigram search. */
function randomCorpus(n: number, seed: number): string[] {
  const alphabet = [
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...'     .,;:!?\'"-()[]{}…—–“”‘’«»\t\n\r',
    ...'éüñçÀÉÖßøåæœ',
    'e\u0301', '日', '本', '語', '한', '국', 'П', 'ж', 'λ', 'ع', 'न',
    '😀', '👍🏽', '🇫🇷', '👨‍👩‍👧', '\u200B', '\u00A0', '\u3000', 'ﬁ', 'Ａ', '１', '½', '²',
  ];
  let s = seed >>> 0;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  return Array.from({ length: n }, () => Array.from({ length: 1 + rnd(60) }, () => alphabet[rnd(alphabet.length)]).join(''));
}

test('fixture: wasm ids equal the committed Python ids (tiny-parity tokenizer)', async (t) => {
  if (!existsSync(TINY_PARITY)) return t.skip(`tiny-parity tokenizer absent at ${TINY_PARITY}`);
  if (process.env.UPDATE_SP_FIXTURE === '1') {
    assert.ok(hasPython, 'regenerating the fixture needs /usr/bin/python3 with sentencepiece');
    const fresh = python(TINY_PARITY, CORPUS);
    const lines = fresh.cases.map((c) => '  ' + JSON.stringify(c));
    const comment = JSON.stringify(
      'Python sentencepiece encode/decode of ../shared/models/tiny-parity/tokenizer.model. ' +
        'Regenerate: UPDATE_SP_FIXTURE=1 node --import tsx --test test/unit/sentencepiece.test.ts',
    );
    writeFileSync(
      FIXTURE,
      `{"_comment":${comment},\n"vocab_size":${fresh.vocab_size},\n"cases":[\n${lines.join(',\n')}\n]}\n`,
    );
    Object.assign(fixture, fresh);
  }
  const tok = await loadSentencePiece(TINY_PARITY);
  assert.equal(tok.vocabSize, fixture.vocab_size);
  assert.ok(fixture.cases.length >= 40);
  for (const c of fixture.cases) {
    assert.deepEqual(tok.encode(c.text), c.ids, `encode ${JSON.stringify(c.text)}`);
    assert.equal(tok.decode(c.ids), c.decoded, `decode ${JSON.stringify(c.text)}`);
  }
});

for (const [name, model] of [
  ['tiny-parity', TINY_PARITY],
  ['models/generated/tiny', GENERATED_TINY],
] as const) {
  test(`live python: ${name} tokenizer, corpus + 300 random strings + 200 kB text`, async (t) => {
    if (!existsSync(model)) return t.skip(`${name} tokenizer absent at ${model}`);
    if (!hasPython) return t.skip(`${PYTHON} with sentencepiece not available; fixture test still asserts`);
    const long = Array.from({ length: 2000 }, (_, i) => `Sentence ${i}: naïve café, 3.5% “quoted”… 日本 👍🏽!`).join(' ');
    const texts = [...CORPUS, ...randomCorpus(300, 42), long];
    const expected = python(model, texts);
    const tok = await loadSentencePiece(model);
    assert.equal(tok.vocabSize, expected.vocab_size);
    for (const c of expected.cases) {
      assert.deepEqual(tok.encode(c.text), c.ids, `encode ${JSON.stringify(c.text.slice(0, 80))}`);
      assert.equal(tok.decode(c.ids), c.decoded, `decode ${JSON.stringify(c.text.slice(0, 80))}`);
    }
  });
}

test('decode rejects ids outside the vocabulary, like Python', async (t) => {
  if (!existsSync(TINY_PARITY)) return t.skip(`tiny-parity tokenizer absent at ${TINY_PARITY}`);
  const tok = await loadSentencePiece(TINY_PARITY);
  assert.throws(() => tok.decode([tok.vocabSize]), RangeError);
  assert.throws(() => tok.decode([-1]), RangeError);
});

test('lone surrogates encode as U+FFFD (Python cannot even represent them as UTF-8)', async (t) => {
  if (!existsSync(TINY_PARITY)) return t.skip(`tiny-parity tokenizer absent at ${TINY_PARITY}`);
  const tok = await loadSentencePiece(TINY_PARITY);
  assert.deepEqual(tok.encode('x\uD800y\uDC00'), tok.encode('x\uFFFDy\uFFFD'));
});

test('missing or garbage model files map to engine error codes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sp-bad-'));
  try {
    await assert.rejects(loadSentencePiece(path.join(dir, 'nope.model')), { code: 'MODEL_MISSING' });
    const junk = path.join(dir, 'junk.model');
    writeFileSync(junk, 'this is not a protobuf');
    await assert.rejects(loadSentencePiece(junk), { code: 'MODEL_CORRUPT' });
    assert.equal(countPieces(new Uint8Array([0x0a, 0x00, 0x0a, 0x00])), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('esbuild CJS bundle of the tokenizer runs inside a worker_threads Worker', async (t) => {
  if (!existsSync(TINY_PARITY)) return t.skip(`tiny-parity tokenizer absent at ${TINY_PARITY}`);
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'sp-bundle-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `import { parentPort, workerData } from 'node:worker_threads';
       import { loadSentencePiece } from ${JSON.stringify(path.join(ROOT, 'src', 'text', 'sentencePiece'))};
       loadSentencePiece(workerData.model).then(
         (tok) => parentPort!.postMessage({ vocabSize: tok.vocabSize, ids: workerData.texts.map((s: string) => tok.encode(s)) }),
         (err) => parentPort!.postMessage({ error: String(err) }),
       );`,
    );
    const outfile = path.join(dir, 'bundle.cjs');
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    // The bundle must be self-contained: the wasm travels inside it as a data URI.
    assert.ok(!readFileSync(outfile, 'utf8').includes("require('@agnai"), 'package left external');

    const reply = await new Promise<{ vocabSize?: number; ids?: number[][]; error?: string }>((resolve, reject) => {
      const w = new Worker(outfile, { workerData: { model: TINY_PARITY, texts: CORPUS } });
      w.once('message', (m) => {
        resolve(m as { vocabSize?: number; ids?: number[][]; error?: string });
        void w.terminate();
      });
      w.once('error', reject);
    });
    assert.equal(reply.error, undefined);
    assert.equal(reply.vocabSize, fixture.vocab_size);
    assert.deepEqual(reply.ids, fixture.cases.map((c) => c.ids));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
