// Resampling keeps a tone's shape and level to the last sample, at the exact length, for up- and down-sampling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resampleMono } from '../../src/audio/resample';

const sine = (n: number, rate: number, hz = 440) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

for (const from of [8000, 16000, 22050, 44100, 48000, 96000]) {
  test(`${from} Hz → 24 kHz: exact length, the tone within 1e-3 up to the last 10 ms`, async () => {
    const n = Math.round(from * 3.3); // several blocks, not a whole number of them
    const y = await resampleMono(sine(n, from), from, 24000);
    assert.equal(y.length, Math.round((n * 24000) / from));
    const ideal = sine(y.length, 24000);
    let worst = 0;
    for (let i = 50; i < y.length - 240; i++) worst = Math.max(worst, Math.abs(y[i]! - ideal[i]!));
    assert.ok(worst < 1e-3, `max error ${worst}`);
  });
}

test('the same rate is passed through untouched', async () => {
  const x = sine(1000, 24000);
  assert.equal(await resampleMono(x, 24000, 24000), x);
});
