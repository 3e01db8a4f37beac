// The CoreML backend end to end through the shared pipeline, on the onnxruntime stand-in of the addon
// (test/helpers/fakeCoreMLAddon.ts) and the tiny model in the CoreML step contract (models/generated/tiny/coreml).
// Tolerances: EOS logits 1e-3, latents 1e-4, PCM 1e-3 (Mimi's audio output is float16 in the contract;
// fp16 rounding alone is up to 4.9e-4 for |x| < 2), frame counts exact.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/engine/backend';
import { CoreMLBackend } from '../../src/engine/backends/coreml';
import { readGoldens } from '../helpers/golden';
import { createFakeCoreMLAddon, FAKE_SOURCES } from '../helpers/fakeCoreMLAddon';
import { skipUnless, tinyModelDir } from '../helpers/paths';
import { diffs, fmt, runOnGolden, TOL, TOL_PCM_FP16, withinTolerance } from '../helpers/runPipeline';

const coremlDir = path.join(tinyModelDir, 'coreml');
const skip = skipUnless(path.join(coremlDir, 'mimi_decoder.onnx'), 'tiny CoreML-contract model (models/generate.py --size tiny)');
const goldens = skip ? [] : readGoldens(path.join(tinyModelDir, 'reference'));

async function load(computeUnits?: Record<string, string>) {
  const addon = createFakeCoreMLAddon();
  const backend = await CoreMLBackend.load(addon, coremlDir, { sources: FAKE_SOURCES, computeUnits });
  return { addon, backend };
}

describe('CoreML backend on the fake addon', { skip }, () => {
  for (const g of goldens) {
    test(`${g.name} (lsd ${g.lsdSteps}) matches the PyTorch reference`, async (t) => {
      const { addon, backend } = await load();
      try {
        const voice = await backend.prefillVoice({ kind: 'builtin', name: 'alba' });
        const r = await runOnGolden(backend, voice, g);
        const d = diffs(g, r);
        t.diagnostic(fmt(d));
        assert.equal(d.frames[0], d.frames[1], 'frame count');
        assert.ok(!d.lengthsDiffer, 'step and sample counts');
        assert.ok(d.eos <= TOL.eos, `eos ${d.eos}`);
        assert.ok(d.latents <= TOL.latents, `latents ${d.latents}`);
        assert.ok(d.pcm <= TOL_PCM_FP16, `pcm ${d.pcm}`);
        // Voice first, then exactly one position per text token.
        assert.deepEqual(r.positionsAfterPrefill, g.chunks.map((c) => voice.positions + c.token_ids.length));

        // Handle threading: KV caches and Mimi state never cross into JS; only small outputs are read.
        const cacheShape = backend.info.contextCapacity;
        for (const s of addon.stats.reads) {
          assert.ok(!s.includes(cacheShape), `a KV cache [${s}] was read into JS`);
          assert.ok(s.length <= 3 && s.reduce((a, b) => a * b, 1) <= Math.max(backend.info.samplesPerFrame, backend.info.conditioningDim), `state [${s}] was read`);
        }
        const steps = addon.stats.feeds.get('flowlm_step')!;
        const nSteps = addon.stats.predicts.get('flowlm_step')!;
        assert.deepEqual(steps.get('cache0'), { host: 0, handle: nSteps }, 'flowlm_step caches always fed as handles');
        assert.deepEqual(steps.get('bos_emb'), { host: 0, handle: nSteps });
        const cond = addon.stats.feeds.get('cond_step')!;
        assert.equal(cond.get('conditioning')!.host, g.chunks.reduce((n, c) => n + c.token_ids.length, 0), 'one cond_step call per text token');
        assert.equal(cond.get('cache1')!.host, 0);
        const mimi = addon.stats.feeds.get('mimi_decoder')!;
        assert.deepEqual(mimi.get('attn0_cache'), { host: 0, handle: g.totalFrames });
        assert.deepEqual(mimi.get('res0_conv1_prev'), { host: 0, handle: g.totalFrames }, 'zero-length state threaded too');
      } finally {
        await backend.dispose();
      }
    });
  }

  test('the legacy voice format (prompt rows through cond_step, voice first) matches too', async (t) => {
    const g = goldens.find((x) => x.name === 'sentence_lsd4')!;
    const { backend } = await load();
    try {
      const voice = await backend.prefillVoice({ kind: 'file', path: path.join(coremlDir, 'constants_bin', 'alba_audio_prompt.bin') });
      const snapshot = await backend.prefillVoice({ kind: 'builtin', name: 'alba' });
      assert.equal(voice.positions, snapshot.positions);
      const d = diffs(g, await runOnGolden(backend, voice, g));
      t.diagnostic(fmt(d));
      assert.ok(withinTolerance(d), fmt(d));
    } finally {
      await backend.dispose();
    }
  });

  test('flow is called with the explicit LSD schedule s = i/N, t = (i+1)/N', async () => {
    const g = goldens.find((x) => x.name === 'two_words_lsd4')!;
    const { backend } = await load();
    const calls: [number, number][] = [];
    const spy: Backend = Object.create(backend, {
      flow: { value: (c: Float32Array, s: number, t: number, x: Float32Array) => (calls.push([s, t]), backend.flow(c, s, t, x)) },
    });
    try {
      await runOnGolden(spy, await backend.prefillVoice({ kind: 'builtin', name: 'alba' }), g);
      assert.equal(calls.length, g.totalFrames * 4);
      assert.deepEqual(calls.slice(0, 4), [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]);
    } finally {
      await backend.dispose();
    }
  });

  test('info and compute units come from the models; Mimi is cpuOnly, overrides apply', async () => {
    const { addon, backend } = await load();
    assert.deepEqual(backend.computeUnits, { cond_step: 'all', flowlm_step: 'all', flow_decoder: 'all', mimi_decoder: 'cpuOnly' });
    assert.deepEqual(addon.stats.loads.map((l) => path.basename(l.path)), ['cond_step.onnx', 'flowlm_step.onnx', 'flow_decoder.onnx', 'mimi_decoder.onnx']);
    const i = backend.info;
    assert.deepEqual(
      [i.sampleRate, i.samplesPerFrame, i.latentDim, i.conditioningDim, i.contextCapacity, i.builtinVoices],
      [24000, 1920, 32, 64, 512, ['alba']],
    );
    await backend.dispose();
    const o = await load({ mimi_decoder: 'cpuAndGPU', flowlm_step: 'cpuAndNeuralEngine' });
    assert.equal(o.backend.computeUnits.mimi_decoder, 'cpuAndGPU');
    assert.equal(o.backend.computeUnits.flowlm_step, 'cpuAndNeuralEngine');
    await o.backend.dispose();
    await assert.rejects(load({ mimi_decoder: 'gpu' }), /not one of/);
  });

  test('text prefill refuses to run past the cache capacity; unknown voices are rejected', async () => {
    const { backend } = await load();
    try {
      const voice = await backend.prefillVoice({ kind: 'builtin', name: 'alba' });
      const seq = await backend.startSequence(voice, 0);
      await assert.rejects(backend.prefillText(seq, new Array(backend.info.contextCapacity).fill(1)), /exceed/);
      await assert.rejects(backend.prefillVoice({ kind: 'builtin', name: '../alba' }), { code: 'UNKNOWN_VOICE' });
      await assert.rejects(backend.prefillVoice({ kind: 'builtin', name: 'nobody' }), /voices: alba/);
    } finally {
      await backend.dispose();
    }
  });
});
