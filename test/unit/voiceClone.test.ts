// Voices from recordings, through the real client and worker: cloning the official tiny-parity prompt reproduces
// the voice file Kyutai's get_state_for_audio_prompt made from it, and speaking with it reproduces the golden
// outputs; other rates and channel layouts give a voice of the same shape that speaks; bad input fails clearly.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { resampleMono } from '../../src/audio/resample';
import { EngineClient } from '../../src/client/engineClient';
import { OnnxBackend } from '../../src/engine/backends/onnx';
import { Engine } from '../../src/engine/engine';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { readNpy } from '../../src/engine/npy';
import { readSafetensors, toBigInt64, toFloat32 } from '../../src/engine/safetensors';
import { EngineError } from '../../src/shared/errors';
import type { EngineConfig } from '../../src/shared/protocol';
import { createFakeCoreMLAddon, FAKE_SOURCES } from '../helpers/fakeCoreMLAddon';
import { maxAbsDiff, readGoldens } from '../helpers/golden';
import { distDir, skipUnless, tinyModelDir, tinyParityDir } from '../helpers/paths';
import { diffs, fmt, runOnGolden, TOL, withinTolerance } from '../helpers/runPipeline';
import { tone, writeWav } from '../helpers/wavFixtures';

const skip = skipUnless(path.join(tinyParityDir, 'mimi_encoder.onnx'), 'tiny-parity model with its encoder (../shared/models/tiny-parity)');
const dir = mkdtempSync(path.join(tmpdir(), 'pr-clone-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof EngineError, `expected an EngineError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('voice cloning on the official tiny-parity model', { skip }, () => {
  const client = new EngineClient({ config: { modelDir: tinyParityDir, backend: 'onnx' }, entry: path.join(distDir, 'engine-host.js') });
  after(() => client.dispose());
  const prompt = skip ? new Float32Array(0) : (readNpy(path.join(tinyParityDir, 'voice_prompt_audio.npy')).data as Float32Array);

  async function clone(recording: string): Promise<string> {
    const r = await client.call('cloneVoice', { recording, metadata: { name: path.basename(recording) } });
    const out = path.join(dir, `${path.basename(recording, '.wav')}.safetensors`);
    writeFileSync(out, r.safetensors);
    return out;
  }

  test('the prompt as a 32-bit float WAV reproduces voice.safetensors within 1e-4, and speaks like it', async () => {
    const wav = writeWav(path.join(dir, 'prompt-f32.wav'), { sampleRate: 24000, bits: 32, encoding: 'float', samples: prompt });
    const r = await client.call('cloneVoice', { recording: wav });
    assert.equal(r.positions, 11, 'BOS-before-voice + 10 frames');
    assert.equal(r.seconds, 0.8);
    assert.deepEqual(r.notices.map((n) => n.kind), ['short']);
    const mine = path.join(dir, 'prompt-f32.safetensors');
    writeFileSync(mine, r.safetensors);
    const got = await readSafetensors(mine);
    const want = await readSafetensors(path.join(tinyParityDir, 'voice.safetensors'));
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [name, w] of want) {
      const g = got.get(name)!;
      assert.deepEqual(g.shape, w.shape, name);
      assert.equal(g.dtype, w.dtype, name);
      if (w.dtype === 'I64') assert.deepEqual(toBigInt64(g), toBigInt64(w), name);
      else assert.ok(maxAbsDiff(toFloat32(g), toFloat32(w)) <= 1e-4, `${name}: max diff ${maxAbsDiff(toFloat32(g), toFloat32(w))}`);
    }

    const backend = await OnnxBackend.load(resolveOnnxFiles(tinyParityDir), { decoderThread: false });
    try {
      const voice = await backend.prefillVoice({ kind: 'file', path: mine });
      for (const g of readGoldens(path.join(tinyParityDir, 'golden'))) {
        const d = diffs(g, await runOnGolden(backend, voice, g));
        assert.ok(withinTolerance(d, TOL.pcm), `${g.name} with the cloned voice: ${fmt(d)}`);
      }
    } finally {
      await backend.dispose();
    }
  });

  test('the same audio as 48 kHz stereo 16-bit gives a voice of the same shape that loads and speaks', async () => {
    const up = await resampleMono(prompt, 24000, 48000);
    const interleaved = new Float32Array(up.length * 2);
    up.forEach((v, i) => ((interleaved[2 * i] = v), (interleaved[2 * i + 1] = v)));
    const file = await clone(writeWav(path.join(dir, 'prompt-48k.wav'), { sampleRate: 48000, channels: 2, bits: 16, samples: interleaved }));
    const got = await readSafetensors(file);
    const want = await readSafetensors(path.join(tinyParityDir, 'voice.safetensors'));
    for (const [name, w] of want) assert.deepEqual(got.get(name)?.shape, w.shape, name);
    // Resampled twice and quantised to 16 bits: close to the original voice, not equal.
    const cache = 'transformer.layers.0.self_attn/cache';
    assert.ok(maxAbsDiff(toFloat32(got.get(cache)!), toFloat32(want.get(cache)!)) < 0.5);
    const h = client.synthesize('Hello world.', { voice: file, temperature: 0, lsdSteps: 1, seed: 1 });
    let samples = 0;
    let peak = 0;
    for await (const c of h) {
      samples += c.pcm.length;
      for (const v of c.pcm) peak = Math.max(peak, Math.abs(v));
    }
    const stats = await h.done;
    assert.ok(stats.frames > 5, `${stats.frames} frames`);
    assert.equal(samples, stats.frames * 1920);
    assert.ok(peak > 0.05 && Number.isFinite(peak), `peak ${peak}`);
  });

  test('a bad recording is a BAD_RECORDING error from the worker, and the engine keeps working', async () => {
    const text = path.join(dir, 'notes.wav');
    writeFileSync(text, 'Not audio at all.\n');
    await rejectsWith(client.call('cloneVoice', { recording: text }), 'BAD_RECORDING', /notes\.wav is not a WAV file/);
    const silent = writeWav(path.join(dir, 'silent.wav'), { sampleRate: 24000, bits: 16, samples: new Float32Array(48000) });
    await rejectsWith(client.call('cloneVoice', { recording: silent }), 'BAD_RECORDING', /is silent/);
    const again = await client.call('cloneVoice', { recording: writeWav(path.join(dir, 'again.wav'), { sampleRate: 24000, bits: 16, samples: prompt }) });
    assert.equal(again.positions, 11);
  });

  test('an encoder exported for a fixed input length is reported, not silently truncated', async () => {
    // tiny-parity's mimi_encoder.onnx was traced at 24000 samples and always returns 13 frames.
    const long = writeWav(path.join(dir, 'two-seconds.wav'), { sampleRate: 24000, bits: 16, samples: tone(2, 24000) });
    await rejectsWith(client.call('cloneVoice', { recording: long }), 'MODEL_CORRUPT', /returned 13 frames for 25 frames of audio: it was exported for a fixed input length/);
  });

  test('a model folder without the encoder says which file is missing', async () => {
    const partial = path.join(dir, 'no-encoder');
    mkdirSync(partial);
    for (const f of readdirSync(tinyParityDir)) if (f !== 'mimi_encoder.onnx' && f !== 'golden') copyFileSync(path.join(tinyParityDir, f), path.join(partial, f));
    const other = new EngineClient({ config: { modelDir: partial, backend: 'onnx' }, entry: path.join(distDir, 'engine-host.js') });
    try {
      const wav = writeWav(path.join(dir, 'p.wav'), { sampleRate: 24000, bits: 16, samples: prompt });
      await rejectsWith(other.call('cloneVoice', { recording: wav }), 'MODEL_MISSING', /mimi_encoder\.onnx \(the voice encoder\) is missing in .*no-encoder/);
    } finally {
      await other.dispose();
    }
  });
});

describe('voice cloning on the generated tiny model (its encoder takes any length)', { skip: skipUnless(path.join(tinyModelDir, 'reference', 'voice_clone', 'voice.safetensors'), 'generated tiny model with its voice encoder (npm run models:tiny)') }, () => {
  const client = new EngineClient({ config: { modelDir: tinyModelDir, backend: 'onnx' }, entry: path.join(distDir, 'engine-host.js') });
  after(() => client.dispose());

  test('a 2.5 s prompt (not whole frames) reproduces the PyTorch reference voice within 1e-4', async () => {
    const ref = path.join(tinyModelDir, 'reference', 'voice_clone');
    const prompt = readNpy(path.join(ref, 'prompt.npy')).data as Float32Array;
    const r = await client.call('cloneVoice', { recording: writeWav(path.join(dir, 'gen-prompt.wav'), { sampleRate: 24000, bits: 32, encoding: 'float', samples: prompt }) });
    assert.equal(r.positions, 33, 'BOS-before-voice + ceil(60000 / 1920) frames');
    assert.deepEqual(r.notices.map((n) => n.kind), ['short']);
    const mine = path.join(dir, 'gen-prompt.safetensors');
    writeFileSync(mine, r.safetensors);
    const got = await readSafetensors(mine);
    for (const [name, w] of await readSafetensors(path.join(ref, 'voice.safetensors'))) {
      assert.deepEqual(got.get(name)?.shape, w.shape, name);
      if (w.dtype === 'I64') assert.deepEqual(toBigInt64(got.get(name)!), toBigInt64(w), name);
      else assert.ok(maxAbsDiff(toFloat32(got.get(name)!), toFloat32(w)) <= 1e-4, `${name}: ${maxAbsDiff(toFloat32(got.get(name)!), toFloat32(w))}`);
    }
  });

  test('a 40 s recording is cut to 30 s with a notice, and the 376-position voice speaks', async () => {
    const r = await client.call('cloneVoice', { recording: writeWav(path.join(dir, 'forty.wav'), { sampleRate: 44100, bits: 16, samples: tone(40, 44100) }) });
    assert.deepEqual(r.notices.map((n) => n.kind), ['cut']);
    assert.equal(r.seconds, 30);
    assert.equal(r.positions, 1 + 375);
    const file = path.join(dir, 'forty.safetensors');
    writeFileSync(file, r.safetensors);
    assert.deepEqual((await readSafetensors(file)).get('transformer.layers.0.self_attn/cache')!.shape.slice(0, 3), [2, 1, 376]);
    const h = client.synthesize('Hello world.', { voice: file, temperature: 0, lsdSteps: 1, seed: 1 });
    for await (const _ of h);
    assert.ok((await h.done).frames > 0);
  });
});

const coremlDir = path.join(tinyModelDir, 'coreml');
const skipCoreML = skipUnless(path.join(coremlDir, 'mimi_decoder.onnx'), 'tiny CoreML-contract model (models/generate.py --size tiny)');

test('with CoreML serving, the voice prefill runs on ONNX Runtime and equals the ONNX backend\'s', { skip: skipCoreML }, async () => {
  const config: EngineConfig = { modelDir: tinyModelDir, backend: 'coreml', coremlDir, decoderThread: false };
  const deps = { platform: 'darwin' as const, loadAddon: () => ({ ok: true as const, runtime: createFakeCoreMLAddon() }), coremlSources: FAKE_SOURCES };
  const coreml = await Engine.load(config, { deps });
  const onnx = await Engine.load({ ...config, backend: 'onnx' });
  try {
    assert.equal(coreml.backend.name, 'coreml');
    assert.equal(coreml.backend.prefillSavedVoice, undefined);
    const d = coreml.backend.info.conditioningDim;
    const rows = Float32Array.from({ length: 7 * d }, (_, i) => Math.sin(i * 0.37));
    const a = await coreml.prefillSavedVoice(rows, 7);
    const b = await onnx.prefillSavedVoice(rows, 7);
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [k, t] of a) {
      assert.deepEqual(t.shape, b.get(k)!.shape);
      assert.deepEqual(t.bytes, b.get(k)!.bytes, k);
    }
    assert.equal(coreml.backend.name, 'coreml', 'still serving with CoreML');
  } finally {
    await coreml.dispose();
    await onnx.dispose();
  }
});
