// Word timing against the PyTorch reference (models/pocket_ref/timestamps.py, written by models/generate.py into
// models/generated/tiny/reference/words): the same units and token map, per-frame unit scores from the exported
// graph's Softmax within 1e-5 of the reference's own capture (query · text keys, scaled, softmax over the text), and
// identical word marks from the real pipeline, for single- and multi-chunk texts, on the lean step graph and on the
// export's own. The tiny INT8 set (quantized like the published `_int8` graphs) is tapped the same way on both.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import path from 'node:path';
import { OnnxBackend } from '../../src/engine/backends/onnx';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { readNpy } from '../../src/engine/npy';
import { generate } from '../../src/engine/pipeline';
import { timestampHeads } from '../../src/engine/timestampHeads';
import { unitScores } from '../../src/engine/wordTimer';
import type { WordMark } from '../../src/shared/protocol';
import { planChunks } from '../../src/text/chunk';
import { loadSentencePiece } from '../../src/text/sentencePiece';
import { distDir, skipUnless, tinyInt8ModelDir, tinyModelDir } from '../helpers/paths';

interface RefChunk {
  text: string;
  token_ids: number[];
  frames: number;
  units: { chunk_start: number; chunk_end: number; is_word: boolean; synthetic: boolean; source_start?: number; source_end?: number }[];
  events: { phase: 'start' | 'end'; word: number; time: number; estimated: boolean; source_start: number; source_end: number }[];
}

const refRoot = path.join(tinyModelDir, 'reference', 'words');
const skip = skipUnless(path.join(refRoot, 'paragraph', 'info.json'), 'word-timing references of the generated tiny model (npm run models:tiny)');
const names = skip ? [] : readdirSync(refRoot).filter((n) => existsSync(path.join(refRoot, n, 'info.json')));

type BackbonePath = 'auto' | 'export';

async function check(modelDir: string, name: string, backbone: BackbonePath): Promise<void> {
  const dir = path.join(refRoot, name);
  const info = JSON.parse(readFileSync(path.join(dir, 'info.json'), 'utf8')) as { text: string; chunks: RefChunk[] };
  const files = resolveOnnxFiles(modelDir);
  const taps = timestampHeads(files.bundle);
  assert.ok(taps.length > 0, `the head table lists ${files.bundle.bundle_name}`);
  const backend = await OnnxBackend.load(files, { decoderThread: false, decoderWorkerPath: path.join(distDir, 'decoder-worker.js'), attentionTaps: taps, backbone });
  try {
    assert.equal(backend.backbone.kind, backbone === 'auto' ? 'lean' : 'export');
    assert.equal(backend.info.wordTimestamps, true);
    const tokenizer = await loadSentencePiece(files.tokenizer);
    const chunks = planChunks(info.text, tokenizer, { maxTokens: 50, removeSemicolons: false, padWithSpaces: false, recommendedFramesAfterEos: null, words: true });
    assert.deepEqual(chunks.map((c) => [c.text, c.tokenIds]), info.chunks.map((c) => [c.text, c.token_ids]), 'chunk texts and tokens');

    const attention: Float32Array[][] = chunks.map(() => []);
    const marks: WordMark[][] = chunks.map(() => []);
    const voice = await backend.prefillVoice({ kind: 'builtin', name: 'alba' });
    for await (const out of generate(backend, voice, chunks, { temperature: 0, lsdSteps: 1, seed: 1, onStep: (s) => attention[s.textChunk]!.push(s.attention!) })) {
      marks[out.textChunk]!.push(...(out.words ?? []));
    }

    chunks.forEach((c, i) => {
      const ref = info.chunks[i]!;
      const units = c.words!.units.map((u) => ({
        chunk_start: u.chunkStart, chunk_end: u.chunkEnd, is_word: u.isWord, synthetic: u.synthetic,
        ...(u.isWord ? { source_start: u.sourceStart, source_end: u.sourceEnd } : {}),
      }));
      assert.deepEqual(units, ref.units, `${name} chunk ${i}: units`);
      const map = readNpy(path.join(dir, `chunk${i}_token_to_unit.npy`)).data as Float32Array;
      assert.equal(c.words!.tokenToUnit.length, map.length);
      map.forEach((v, k) => assert.ok(Math.abs(v - c.words!.tokenToUnit[k]!) < 1e-6, `${name} chunk ${i}: token map [${k}]`));

      // One attention row per step; the last step of an EOS-ended chunk emits no frame.
      assert.ok(attention[i]!.length >= ref.frames, `${name} chunk ${i}: ${attention[i]!.length} steps for ${ref.frames} frames`);
      const scores = readNpy(path.join(dir, `chunk${i}_scores.npy`));
      assert.deepEqual(scores.shape, [ref.frames, units.length]);
      const refScores = scores.data as Float32Array;
      for (let f = 0; f < ref.frames; f++) {
        const got = unitScores(attention[i]![f]!, taps.length, voice.positions, c.words!);
        let worst = 0;
        got.forEach((v, u) => (worst = Math.max(worst, Math.abs(v - refScores[f * units.length + u]!))));
        assert.ok(worst <= 1e-5, `${name} chunk ${i} frame ${f}: scores differ by ${worst.toExponential(2)}`);
      }

      const want = ref.events.map((e) => ({ phase: e.phase, word: e.word, sourceStart: e.source_start, sourceEnd: e.source_end, estimated: e.estimated }));
      assert.deepEqual(marks[i]!.map(({ time: _t, ...m }) => m), want, `${name} chunk ${i}: word marks`);
      marks[i]!.forEach((m, k) => assert.ok(Math.abs(m.time - ref.events[k]!.time) < 1e-9, `${name} chunk ${i} mark ${k}: ${m.time} vs ${ref.events[k]!.time}`));
    });
  } finally {
    await backend.dispose();
  }
}

if (skip) test('word timing matches the PyTorch reference', { skip }, () => {});
for (const name of names) {
  for (const backbone of ['auto', 'export'] as const) {
    test(`word timing, fp32 tiny, ${backbone} backbone: ${name} matches the PyTorch reference (scores 1e-5, identical marks)`, () => check(tinyModelDir, name, backbone));
  }
}

const skipInt8 = skip || skipUnless(path.join(tinyInt8ModelDir, 'bundle.json'), 'tiny INT8 set (models/generate.py --size tiny)');
for (const backbone of ['auto', 'export'] as const) {
  test(`word timing, tiny INT8 set, ${backbone} backbone: the quantized graph is tapped, rows are softmax rows, every word timed once at the reference units, within a frame of the fp32 reference`, { skip: skipInt8 }, async () => {
    const info = JSON.parse(readFileSync(path.join(refRoot, 'paragraph', 'info.json'), 'utf8')) as { text: string; chunks: RefChunk[] };
    const files = resolveOnnxFiles(tinyInt8ModelDir);
    assert.match(path.basename(files.flowLmMain), /_int8/);
    const taps = timestampHeads(files.bundle);
    const backend = await OnnxBackend.load(files, { decoderThread: false, decoderWorkerPath: path.join(distDir, 'decoder-worker.js'), attentionTaps: taps, backbone });
    try {
      assert.equal(backend.backbone.kind, backbone === 'auto' ? 'lean' : 'export');
      assert.equal(backend.info.wordTimestamps, true, backend.info.noWordTiming);
      const tokenizer = await loadSentencePiece(files.tokenizer);
      const chunks = planChunks(info.text, tokenizer, { maxTokens: 50, removeSemicolons: false, padWithSpaces: false, recommendedFramesAfterEos: null, words: true });
      assert.ok(chunks.length > 1, 'a multi-chunk text');
      const voice = await backend.prefillVoice({ kind: 'builtin', name: 'alba' });
      const marks: WordMark[][] = chunks.map(() => []);
      const frames: number[] = chunks.map(() => 0);
      let steps = 0;
      const onStep = (st: { textChunk: number; attention?: Float32Array }) => {
        const row = st.attention!;
        const positions = row.length / taps.length;
        for (let k = 0; k < taps.length; k++) {
          let sum = 0;
          for (let i = 0; i < positions; i++) sum += row[k * positions + i]!;
          assert.ok(Math.abs(sum - 1) < 1e-5, `step ${steps} tap ${k}: the row sums to ${sum}`);
        }
        steps++;
      };
      for await (const out of generate(backend, voice, chunks, { temperature: 0, lsdSteps: 1, seed: 1, onStep })) {
        marks[out.textChunk]!.push(...(out.words ?? []));
        frames[out.textChunk]! += out.frames;
      }
      assert.ok(steps > 0);
      chunks.forEach((_, i) => {
        const words = info.chunks[i]!.units.filter((u) => u.is_word);
        const seconds = (frames[i]! * backend.info.samplesPerFrame) / backend.info.sampleRate;
        for (const phase of ['start', 'end'] as const) {
          const got = marks[i]!.filter((m) => m.phase === phase);
          assert.deepEqual(got.map((m) => [m.word, m.sourceStart, m.sourceEnd]), words.map((u, w) => [w, u.source_start, u.source_end]), `chunk ${i}: one ${phase} per word, at its source range`);
          got.forEach((m, k) => assert.ok(m.time >= 0 && m.time <= seconds + 1e-9 && (k === 0 || m.time >= got[k - 1]!.time), `chunk ${i} ${phase} ${k}: ${m.time} s of ${seconds} s`));
          // Quantization moves scores a little, times hardly: within one frame of the fp32 reference (equal on this VM).
          const frame = backend.info.samplesPerFrame / backend.info.sampleRate;
          const ref = info.chunks[i]!.events.filter((e) => e.phase === phase);
          got.forEach((m, k) => assert.ok(Math.abs(m.time - ref[k]!.time) <= frame + 1e-9, `chunk ${i} ${phase} ${k}: ${m.time} s, fp32 reference ${ref[k]!.time} s`));
        }
      });
    } finally {
      await backend.dispose();
    }
  });
}
