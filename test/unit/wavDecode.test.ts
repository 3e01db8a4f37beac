// The recording decoder reads every PCM/float layout people record in, reads only the start of long files, and
// refuses what it cannot decode with a reason a user can act on.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { decodeWavBytes, readWavStart, WavFormatError } from '../../src/audio/wavDecode';
import { tone, wavBytes, writeWav } from '../helpers/wavFixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'pr-wavdec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const signal = Float32Array.from({ length: 600 }, (_, i) => 0.9 * Math.sin(i / 7) * (i % 2 ? 1 : -0.5));

for (const [bits, encoding, tol] of [[16, 'int', 2 ** -15], [24, 'int', 2 ** -23], [32, 'int', 2 ** -31], [32, 'float', 0], [64, 'float', 1e-7]] as const) {
  for (const extensible of [false, true]) {
    test(`${bits}-bit ${encoding}${extensible ? ' (extensible header)' : ''} decodes to the samples written`, () => {
      const w = decodeWavBytes(wavBytes({ sampleRate: 44100, channels: 2, bits, encoding, samples: signal, extensible }));
      assert.deepEqual(w.format, { sampleRate: 44100, channels: 2, encoding, bitsPerSample: bits, blockAlign: 2 * (bits / 8) });
      assert.equal(w.totalFrames, 300);
      assert.equal(w.samples.length, 600);
      for (let i = 0; i < signal.length; i++) assert.ok(Math.abs(w.samples[i]! - signal[i]!) <= tol + 1e-9, `sample ${i}: ${w.samples[i]} vs ${signal[i]}`);
    });
  }
}

test('readWavStart decodes only the first seconds but reports the whole length', async () => {
  const file = writeWav(path.join(dir, 'long.wav'), { sampleRate: 8000, bits: 16, samples: tone(5, 8000) });
  const w = await readWavStart(file, 2);
  assert.equal(w.totalFrames, 40000);
  assert.equal(w.samples.length, 16000);
});

test('a recorder stopped abruptly (data size 0) still decodes to the end of the file', () => {
  const buf = wavBytes({ sampleRate: 16000, bits: 16, samples: signal });
  buf.writeUInt32LE(0, buf.length - signal.length * 2 - 4);
  assert.equal(decodeWavBytes(buf).samples.length, signal.length);
});

const refusals: Array<[string, Buffer, RegExp]> = [
  ['an empty file', Buffer.alloc(0), /is empty/],
  ['a text file', Buffer.from('These are my meeting notes, not audio.\n'.repeat(20)), /not a WAV file/],
  ['8-bit audio', wavBytes({ sampleRate: 8000, bits: 8, samples: signal }), /8-bit audio.*16- or 24-bit PCM/],
  ['μ-law (compressed)', wavBytes({ sampleRate: 8000, bits: 16, samples: signal, formatTag: 7 }), /compressed \(μ-law\)/],
  ['MP3 in a WAV (extensible)', wavBytes({ sampleRate: 8000, bits: 16, samples: signal, formatTag: 0x55, extensible: true }), /compressed \(MP3\)/],
  ['12-bit integer samples', (() => { const b = wavBytes({ sampleRate: 8000, bits: 16, samples: signal }); b.writeUInt16LE(12, 34); return b; })(), /12-bit integer/],
  ['a RIFF without data', wavBytes({ sampleRate: 8000, bits: 16, samples: signal }).subarray(0, 44 + 24), /no audio data/],
];
for (const [what, bytes, message] of refusals) {
  test(`refuses ${what} with a reason`, () => {
    assert.throws(() => decodeWavBytes(bytes), (e: Error) => e instanceof WavFormatError && message.test(e.message));
  });
}

test('a file cut in the middle of its data decodes what is there', async () => {
  const full = wavBytes({ sampleRate: 8000, bits: 16, samples: signal });
  const file = path.join(dir, 'cut.wav');
  writeFileSync(file, full.subarray(0, full.length - 201));
  const w = await readWavStart(file, 30);
  assert.equal(w.totalFrames, signal.length - 101);
});
