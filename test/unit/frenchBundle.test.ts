// A tiny model with the flags of the published french_24l bundle (24 layers, its own French tokenizer, semicolons
// removed, 8 frames after EOS; models/generate.py --variant french_24l) run through the engine from plain text: the
// chunks, token ids, frame counts and audio must be those of the PyTorch reference made with the same rules.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OnnxBackend } from '../../src/engine/backends/onnx';
import { Engine } from '../../src/engine/engine';
import { readBundle } from '../../src/engine/modelFiles';
import { planChunks } from '../../src/text/chunk';
import { maxAbsDiff, readGoldens } from '../helpers/golden';
import { skipUnless, tinyFrenchModelDir, tinyModelDir } from '../helpers/paths';
import { loadSentencePiece } from '../../src/text/sentencePiece';

const skip = skipUnless(path.join(tinyFrenchModelDir, 'bundle.json'), 'tiny french_24l model (npm run test generates it)');
const goldens = skip ? [] : readGoldens(path.join(tinyFrenchModelDir, 'reference'));

describe('french_24l bundle rules', { skip }, () => {
  let engine: Engine;
  before(async () => {
    engine = await Engine.load({ modelDir: tinyFrenchModelDir, backend: 'onnx', decoderThread: false });
  });
  after(() => engine?.dispose());

  test('the engine reads the flags and the 24-layer state manifest from bundle.json', () => {
    const bundle = readBundle(tinyFrenchModelDir);
    assert.equal(bundle.flow_lm_state_manifest.length, 72, '24 layers × (cache, current_end, step)');
    const info = engine.backend.info;
    assert.equal(info.removeSemicolons, true);
    assert.equal(info.recommendedFramesAfterEos, 8);
    assert.equal(info.padWithSpacesForShortInputs, false);
    assert.equal((engine.backend as OnnxBackend).backbone.kind, 'lean', 'the 24 layers run on the lean step graph');
  });

  test('no timestamp heads are known for the bundle: no word marks, and the reason names it (the reader highlights sentences)', async () => {
    const info = engine.backend.info;
    assert.equal(info.wordTimestamps, false);
    assert.match(info.noWordTiming ?? '', /no timestamp heads are known for bundle french_24l/);
    for await (const out of engine.synthesize('Bonjour le monde.', { voice: 'alba', temperature: 0, lsdSteps: 1, seed: 1 })) {
      assert.equal(out.words, undefined);
    }
  });

  for (const g of goldens) {
    test(`${g.name}: chunks, token ids, frames and audio match the reference`, async () => {
      const info = engine.backend.info;
      const chunks = planChunks(g.text, engine.tokenizer, {
        maxTokens: info.maxTokensPerChunk,
        removeSemicolons: info.removeSemicolons,
        padWithSpaces: info.padWithSpacesForShortInputs,
        recommendedFramesAfterEos: info.recommendedFramesAfterEos,
      });
      assert.deepEqual(chunks.map((c) => c.tokenIds), g.chunks.map((c) => c.token_ids), 'the French tokenizer, on text without semicolons');
      assert.ok(chunks.every((c) => !c.text.includes(';') && c.framesAfterEos === 8));

      const frames: number[] = [];
      const pcm: number[] = [];
      for await (const out of engine.synthesize(g.text, { voice: 'alba', temperature: 0, lsdSteps: g.lsdSteps, seed: 1 })) {
        frames[out.textChunk] = (frames[out.textChunk] ?? 0) + out.frames;
        for (const x of out.pcm) pcm.push(x);
      }
      // Eight frames after the first EOS, per chunk, as the reference.
      assert.deepEqual(frames, g.chunks.map((c) => c.frames_emitted));
      assert.deepEqual(g.chunks.map((c) => c.frames_emitted), g.chunks.map((c) => c.first_eos_step! + 8));
      assert.ok(maxAbsDiff(pcm, g.pcm) <= 1e-4, `pcm differs by ${maxAbsDiff(pcm, g.pcm)}`);
    });
  }

  test('the rules are what makes the difference (control)', async () => {
    const g = goldens.find((x) => x.text.includes(';'))!;
    const french = await loadSentencePiece(path.join(tinyFrenchModelDir, 'tokenizer.model'));
    const english = await loadSentencePiece(path.join(tinyModelDir, 'tokenizer.model'));
    const plan = (tok: typeof french, removeSemicolons: boolean) =>
      planChunks(g.text, tok, { maxTokens: 50, removeSemicolons, padWithSpaces: false, recommendedFramesAfterEos: 8 }).map((c) => c.tokenIds);
    const expected = g.chunks.map((c) => c.token_ids);
    assert.deepEqual(plan(french, true), expected);
    assert.notDeepEqual(plan(french, false), expected, 'keeping the semicolon changes the tokens');
    assert.notDeepEqual(plan(english, true), expected, 'the English tokenizer gives other ids');
  });
});
