// The TypeScript loop driving the ONNX export must reproduce reference outputs made by the official
// implementation (../shared tiny-parity) and by our own PyTorch reference (models/generated/tiny).
// Tolerance: latents and PCM atol 1e-4, EOS logits atol 1e-3, frame counts exact.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { OnnxBackend } from '../../src/engine/backends/onnx';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { generate, newStats } from '../../src/engine/pipeline';
import { distDir, skipUnless, tinyModelDir, tinyParityDir } from '../helpers/paths';
import { maxAbsDiff, readGoldens, type Golden } from '../helpers/golden';

async function runGolden(modelDir: string, voice: string, g: Golden, decoderThread: boolean) {
  const backend = await OnnxBackend.load(resolveOnnxFiles(modelDir), {
    decoderThread,
    decoderWorkerPath: path.join(distDir, 'decoder-worker.js'),
  });
  try {
    const v = await backend.prefillVoice({ kind: 'file', path: voice });
    const eos: number[][] = g.chunks.map(() => []);
    const latents: number[] = [];
    const pcm: number[] = [];
    const chunks = g.chunks.map((c, i) => ({ tokenIds: c.token_ids, start: i, end: i + 1, framesAfterEos: c.frames_after_eos }));
    const stats = newStats();
    for await (const out of generate(backend, v, chunks, {
      temperature: 0,
      lsdSteps: g.lsdSteps,
      seed: 1,
      onStep: (s) => {
        eos[s.textChunk].push(s.eosLogit);
        if (s.latent) latents.push(...s.latent);
      },
    }, stats)) {
      for (const x of out.pcm) pcm.push(x);
    }
    return { eos, pcm: Float32Array.from(pcm), frames: stats.frames, stepLatents: latents };
  } finally {
    await backend.dispose();
  }
}

function check(g: Golden, r: Awaited<ReturnType<typeof runGolden>>) {
  assert.equal(r.frames, g.totalFrames, 'frame count');
  g.chunks.forEach((_, i) => {
    const d = maxAbsDiff(r.eos[i], g.chunkEos(i));
    assert.ok(d <= 1e-3, `chunk ${i} eos logits differ by ${d} (${r.eos[i].length} vs ${g.chunkEos(i).length} steps)`);
  });
  const dl = maxAbsDiff(latentsOf(g), g.latents);
  assert.ok(dl === 0, 'golden latents consistent');
  const dp = maxAbsDiff(r.pcm, g.pcm);
  assert.ok(dp <= 1e-4, `pcm differs by ${dp} (${r.pcm.length} vs ${g.pcm.length} samples)`);
}

function latentsOf(g: Golden): Float32Array {
  const parts = g.chunks.map((_, i) => g.chunkLatents(i));
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (all.set(p, o), (o += p.length));
  return all.length === g.latents.length ? all : g.latents;
}

const sets = [
  { name: 'official tiny-parity', dir: tinyParityDir, voice: path.join(tinyParityDir, 'voice.safetensors'), goldens: 'golden' },
  { name: 'generated tiny', dir: tinyModelDir, voice: path.join(tinyModelDir, 'voices', 'alba.safetensors'), goldens: 'reference' },
];

for (const set of sets) {
  const skip = skipUnless(path.join(set.dir, 'bundle.json'), `${set.name} model`);
  const goldens = skip ? [] : readGoldens(path.join(set.dir, set.goldens));
  if (skip || goldens.length === 0) {
    test(`${set.name}: reference parity`, { skip: skip || `no reference outputs in ${set.dir}` }, () => {});
    continue;
  }
  for (const g of goldens) {
    test(`${set.name}: ${g.name} matches the reference (inline decoder)`, async () => {
      check(g, await runGolden(set.dir, set.voice, g, false));
    });
  }
  test(`${set.name}: ${goldens[goldens.length - 1].name} matches with the decoder thread`, async () => {
    const g = goldens[goldens.length - 1];
    check(g, await runGolden(set.dir, set.voice, g, true));
  });
}
