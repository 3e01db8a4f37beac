// The voice encoder run window by window over a long recording equals one run over all of it (the project's tiny
// model, whose encoder takes any length), at a fraction of the memory.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { encodeVoice } from '../../src/engine/backends/onnxEncoder';
import { maxAbsDiff } from '../helpers/golden';
import { skipUnless, tinyModelDir } from '../helpers/paths';
import { tone } from '../helpers/wavFixtures';

const file = path.join(tinyModelDir, 'mimi_encoder.onnx');

test('20 s in 10 s windows with 5 s of context equals one pass within 1e-5', { skip: skipUnless(file, 'generated tiny model with its voice encoder') }, async () => {
  const audio = tone(20, 24000).map((v, i) => v + 0.01 * Math.sin(i * 1.7)); // not a whole number of frames
  const windowed = await encodeVoice(tinyModelDir, audio.subarray(0, audio.length - 700), 1920, 64);
  assert.equal(windowed.frames, 250);
  const session = await ort.InferenceSession.create(file);
  try {
    const padded = new Float32Array(250 * 1920);
    padded.set(audio.subarray(0, audio.length - 700));
    const { latents } = await session.run({ audio: new ort.Tensor('float32', padded, [1, 1, padded.length]) });
    assert.deepEqual(latents!.dims, [1, 250, 64]);
    const d = maxAbsDiff(windowed.rows, latents!.data as Float32Array);
    assert.ok(d <= 1e-5, `max diff ${d}`);
  } finally {
    await session.release();
  }
});
