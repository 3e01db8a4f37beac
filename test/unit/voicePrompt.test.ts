// A recording becomes the encoder's input (24 kHz mono, at most 30 s) with notices for a weak likeness, and
// recordings that cannot make a voice fail with BAD_RECORDING and a reason — never a crash.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { EngineError } from '../../src/shared/errors';
import { loadVoicePrompt } from '../../src/engine/voicePrompt';
import { tone, writeWav } from '../helpers/wavFixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'pr-prompt-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

function stereo(mono: Float32Array, right = (x: number) => x): Float32Array {
  const out = new Float32Array(mono.length * 2);
  mono.forEach((v, i) => ((out[2 * i] = v), (out[2 * i + 1] = right(v))));
  return out;
}

test('a 10 s 48 kHz stereo recording becomes 10 s of 24 kHz mono with no notices', async () => {
  const p = writeWav(file('ok.wav'), { sampleRate: 48000, channels: 2, bits: 16, samples: stereo(tone(10, 48000), (v) => -0.5 * v) });
  const r = await loadVoicePrompt(p, 24000);
  assert.equal(r.audio.length, 240000);
  assert.equal(r.seconds, 10);
  assert.deepEqual(r.notices, []);
  // Mono is the channel average (0.25 of the left signal); resampling keeps the level.
  const rms = Math.sqrt(r.audio.reduce((s, v) => s + v * v, 0) / r.audio.length);
  const ref = tone(10, 24000).map((v) => v * 0.25);
  const refRms = Math.sqrt(ref.reduce((s, v) => s + v * v, 0) / ref.length);
  assert.ok(Math.abs(rms / refRms - 1) < 0.01, `rms ${rms} vs ${refRms}`);
});

test('a 24 kHz mono float recording passes through unchanged', async () => {
  const samples = tone(4, 24000);
  const r = await loadVoicePrompt(writeWav(file('same.wav'), { sampleRate: 24000, bits: 32, encoding: 'float', samples }), 24000);
  assert.deepEqual(r.audio, samples);
});

test('40 s is cut to the first 30 s, with a notice', async () => {
  const r = await loadVoicePrompt(writeWav(file('forty.wav'), { sampleRate: 16000, bits: 16, samples: tone(40, 16000) }), 24000);
  assert.equal(r.audio.length, 30 * 24000);
  assert.equal(r.seconds, 30);
  assert.deepEqual(r.notices.map((n) => n.kind), ['cut']);
  assert.match(r.notices[0]!.message, /forty\.wav is 40 s long; only its first 30 s were used/);
});

test('under 3 s works with a notice that the likeness will be weak', async () => {
  const r = await loadVoicePrompt(writeWav(file('short.wav'), { sampleRate: 24000, bits: 24, samples: tone(1.5, 24000) }), 24000);
  assert.equal(r.audio.length, 36000);
  assert.deepEqual(r.notices.map((n) => n.kind), ['short']);
  assert.match(r.notices[0]!.message, /only 1\.5 s long/);
});

test('heavy clipping gives a warning', async () => {
  const clipped = tone(5, 24000, 3).map((v) => Math.max(-1, Math.min(1, v)));
  const r = await loadVoicePrompt(writeWav(file('loud.wav'), { sampleRate: 24000, bits: 16, samples: clipped }), 24000);
  assert.deepEqual(r.notices.map((n) => n.kind), ['clipping']);
  assert.match(r.notices[0]!.message, /heavily clipped \(\d+\.\d % of its samples/);
});

const bad: Array<[string, () => string, RegExp]> = [
  ['an empty file', () => (writeFileSync(file('empty.wav'), ''), file('empty.wav')), /empty\.wav is empty/],
  ['a WAV with no samples', () => writeWav(file('nothing.wav'), { sampleRate: 24000, bits: 16, samples: new Float32Array(0) }), /contains no audio/],
  ['0.2 s', () => writeWav(file('blip.wav'), { sampleRate: 44100, bits: 16, samples: tone(0.2, 44100) }), /blip\.wav is only 0\.2 s long: a voice needs at least 0\.5 s/],
  ['silence', () => writeWav(file('silent.wav'), { sampleRate: 24000, bits: 16, samples: new Float32Array(24000 * 5) }), /silent\.wav is silent: check that the microphone/],
  ['a text file renamed .wav', () => (writeFileSync(file('notes.wav'), 'Dear diary, today I recorded nothing.\n'), file('notes.wav')), /notes\.wav is not a WAV file/],
  ['8-bit audio', () => writeWav(file('old.wav'), { sampleRate: 8000, bits: 8, samples: tone(4, 8000) }), /old\.wav is 8-bit audio/],
  ['a compressed WAV', () => writeWav(file('phone.wav'), { sampleRate: 8000, bits: 16, samples: tone(4, 8000), formatTag: 6 }), /phone\.wav is compressed \(A-law\)/],
  ['NaN samples', () => writeWav(file('nan.wav'), { sampleRate: 24000, bits: 32, encoding: 'float', samples: tone(4, 24000).map((v, i) => (i === 5000 ? NaN : v)) }), /invalid samples/],
  ['a missing file', () => file('gone.wav'), /gone\.wav does not exist/],
  ['a folder', () => dir, /is a folder/],
];
for (const [what, make, message] of bad) {
  test(`${what} is a clear BAD_RECORDING error`, async () => {
    const p = make();
    await assert.rejects(loadVoicePrompt(p, 24000), (e: Error) => e instanceof EngineError && e.code === 'BAD_RECORDING' && message.test(e.message) ? true : assert.fail(`${e.name} ${(e as EngineError).code}: ${e.message}`));
  });
}
