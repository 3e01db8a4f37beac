import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { firstFreeName } from '../../src/audio/partialFile';
import { decodeWav, encodeWav, floatToInt16, readWavFile, WavFileWriter } from '../../src/audio/wav';

const dir = mkdtempSync(path.join(tmpdir(), 'pr-wav-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('floatToInt16 clamps, scales by 32767 and truncates toward zero', () => {
  const s = floatToInt16(Float32Array.from([0, 1, -1, 2, -2, 0.5, -0.5, 0.99999, -0.00001, NaN]));
  assert.deepEqual(Array.from(s), [0, 32767, -32767, 32767, -32767, 16383, -16383, 32766, 0, 0]);
});

test('encodeWav writes a valid 16-bit mono header and round-trips', () => {
  const pcm = Float32Array.from({ length: 2400 }, (_, i) => Math.sin(i / 10) * 0.8);
  const buf = encodeWav(pcm, 24000);
  assert.equal(buf.length, 44 + 4800);
  assert.equal(buf.readUInt32LE(4), 36 + 4800);
  const w = decodeWav(buf);
  assert.equal(w.sampleRate, 24000);
  assert.equal(w.channels, 1);
  assert.equal(w.bitsPerSample, 16);
  assert.deepEqual(w.int16, floatToInt16(pcm));
  for (let i = 0; i < pcm.length; i++) assert.ok(Math.abs(w.float[i]! - pcm[i]!) < 1 / 16000);
});

test('WavFileWriter streams chunks and patches sizes on close', async () => {
  const wr = await WavFileWriter.create(dir, 'stream');
  const a = Float32Array.from({ length: 1920 }, (_, i) => i / 1920);
  const b = Float32Array.from({ length: 960 }, (_, i) => -i / 960);
  void wr.write(a); // writes are serialized even when not awaited
  await wr.write(b);
  assert.ok(!existsSync(path.join(dir, 'stream.wav')), 'nothing has the real name before commit');
  assert.equal(await wr.commit(), path.join(dir, 'stream.wav'));
  assert.equal(path.basename(wr.path), 'stream.wav');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.partial')), [], 'the temp file is gone');
  const buf = readFileSync(wr.path);
  assert.equal(buf.readUInt32LE(40), (1920 + 960) * 2);
  assert.equal(buf.readUInt32LE(4), 36 + (1920 + 960) * 2);
  const w = await readWavFile(wr.path);
  assert.equal(w.int16.length, 2880);
  assert.equal(w.int16[1919], floatToInt16(Float32Array.of(1919 / 1920))[0]);
  assert.equal(w.int16[2879], floatToInt16(Float32Array.of(-959 / 960))[0]);
});

test('never overwrites: name.wav, name-2.wav, name-3.wav', async () => {
  writeFileSync(path.join(dir, 'take.wav'), 'precious');
  const w2 = await WavFileWriter.create(dir, 'take');
  await w2.commit();
  assert.equal(path.basename(w2.path), 'take-2.wav');
  assert.equal(readFileSync(path.join(dir, 'take.wav'), 'utf8'), 'precious');
  assert.equal(path.basename(await firstFreeName(dir, 'take', '.wav')), 'take-3.wav');
});

test('concurrent writers racing for one name all get distinct files', async () => {
  const writers = await Promise.all(Array.from({ length: 8 }, () => WavFileWriter.create(dir, 'race')));
  await Promise.all(writers.map((w) => w.commit()));
  const names = writers.map((w) => path.basename(w.path)).sort();
  assert.equal(new Set(names).size, 8);
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('race')).length, 8);
});

test('a name taken while writing is not clobbered: the commit takes the next free name', async () => {
  const wr = await WavFileWriter.create(dir, 'late');
  await wr.write(new Float32Array(100));
  writeFileSync(path.join(dir, 'late.wav'), 'arrived meanwhile');
  assert.equal(path.basename(await wr.commit()), 'late-2.wav');
  assert.equal(readFileSync(path.join(dir, 'late.wav'), 'utf8'), 'arrived meanwhile');
});

test('discard leaves nothing behind; createAt refuses a directory and an existing file without overwrite', async () => {
  const wr = await WavFileWriter.create(dir, 'dropped');
  await wr.write(new Float32Array(1000));
  await wr.discard();
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('dropped')), []);
  await assert.rejects(WavFileWriter.createAt(dir), /is a directory/);
  writeFileSync(path.join(dir, 'exists.wav'), 'keep');
  await assert.rejects(WavFileWriter.createAt(path.join(dir, 'exists.wav')), /already exists; pass --force/);
  const forced = await WavFileWriter.createAt(path.join(dir, 'exists.wav'), 24000, true);
  await forced.write(new Float32Array(10));
  await forced.commit();
  assert.equal((await readWavFile(path.join(dir, 'exists.wav'))).int16.length, 10);
});
