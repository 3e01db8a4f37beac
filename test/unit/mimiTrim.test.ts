// The Mimi decoder is trimmed at load (pass-through states cut, the transformer's ring cache shrunk to context + one
// call's positions). Over enough frames for the ring to wrap several times, in calls of 1, 4 and 7 frames (split),
// its audio must equal the export graph's run as it ships.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { MimiDecoder } from '../../src/engine/backends/onnxMimi';
import { filledTensor } from '../../src/engine/backends/onnxState';
import { readBundle, resolveOnnxFiles } from '../../src/engine/modelFiles';
import { maxAbsDiff } from '../helpers/golden';
import { skipUnless, tinyModelDir, tinyParityDir } from '../helpers/paths';

const FRAMES = 84; // 84 × 16 positions: the 314-slot ring wraps four times

function latents(n: number): Float32Array {
  let s = 11;
  return Float32Array.from({ length: n * 32 }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 3);
}

/** The export graph as it ships, every state threaded. */
async function reference(dir: string, lat: Float32Array, batch: number): Promise<Float32Array> {
  const files = resolveOnnxFiles(dir);
  const s = await ort.InferenceSession.create(files.mimiDecoder, { intraOpNumThreads: 1 });
  const inputs = new Set(s.inputNames);
  const entries = readBundle(dir).mimi_state_manifest.filter((e) => inputs.has(e.input_name));
  const state = entries.map(filledTensor);
  const pcm: number[] = [];
  for (let f = 0; f < FRAMES; f += batch) {
    const n = Math.min(batch, FRAMES - f);
    const feeds: Record<string, ort.Tensor> = { latent: new ort.Tensor('float32', lat.slice(f * 32, (f + n) * 32), [1, n, 32]) };
    entries.forEach((e, i) => (feeds[e.input_name] = state[i]));
    const out = await s.run(feeds);
    entries.forEach((e, i) => (state[i] = out[e.output_name] as ort.Tensor));
    pcm.push(...(out.audio_frame.data as Float32Array));
  }
  await s.release();
  return Float32Array.from(pcm);
}

for (const [name, dir] of [['official tiny-parity', tinyParityDir], ['generated tiny', tinyModelDir]] as const) {
  test(`${name}: the trimmed Mimi decoder plays what the export plays`, { skip: skipUnless(path.join(dir, 'bundle.json'), `${name} model`) }, async () => {
    const files = resolveOnnxFiles(dir);
    const mimi = await MimiDecoder.load(files.mimiDecoder, files.bundle.mimi_state_manifest, 32, 1);
    try {
      const ring = mimi.session.inputMetadata.find((m) => m.name === files.bundle.mimi_state_manifest.find((e) => e.key === 'cache' && e.module.includes('decoder_transformer'))!.input_name);
      assert.ok(ring?.isTensor && (ring.shape[3] as number) < 1000, `ring cache shrunk (${ring?.isTensor && ring.shape})`);
      assert.ok(mimi.session.inputNames.length < readBundle(dir).mimi_state_manifest.length / 2, 'pass-through states cut');
      const lat = latents(FRAMES);
      for (const batch of [1, 4, 7]) {
        const state = mimi.initialState();
        const pcm: number[] = [];
        for (let f = 0; f < FRAMES; f += batch) {
          const n = Math.min(batch, FRAMES - f);
          pcm.push(...(await mimi.decode(state, lat.slice(f * 32, (f + n) * 32), n)));
        }
        const d = maxAbsDiff(pcm, await reference(dir, lat, batch));
        assert.ok(d <= 1e-4, `batch ${batch}: max |d| ${d}`);
      }
    } finally {
      await mimi.release();
    }
  });
}
