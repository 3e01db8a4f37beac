// CoreML warm-up at the Engine level (simulated macOS, the fake addon, the real tiny ONNX backend): while CoreML
// is still loading, ONNX serves promptly; the swap to CoreML happens between requests, never mid-request; a
// warm-up failure leaves ONNX serving with the reason as a note; Linux never warms up.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { BackendFactoryDeps } from '../../src/engine/backendFactory';
import { warmCoreMLModels, WARMUP_ROLE, type WarmUp } from '../../src/engine/coremlWarmup';
import { Engine, PREPARING_COREML, type RequestStats } from '../../src/engine/engine';
import { newStats } from '../../src/engine/pipeline';
import type { EngineConfig, SynthesisOptions } from '../../src/shared/protocol';
import { createFakeCoreMLAddon, FAKE_SOURCES } from '../helpers/fakeCoreMLAddon';
import { skipUnless, tinyModelDir } from '../helpers/paths';

const coremlDir = path.join(tinyModelDir, 'coreml');
const skip = skipUnless(path.join(coremlDir, 'mimi_decoder.onnx'), 'tiny CoreML-contract model (models/generate.py --size tiny)');
const config: EngineConfig = { modelDir: tinyModelDir, backend: 'auto', coremlDir, decoderThread: false };
const options: SynthesisOptions = { voice: 'alba', temperature: 0, lsdSteps: 1, seed: 1, maxFrames: 4 };
const deps = (platform: NodeJS.Platform = 'darwin'): BackendFactoryDeps => ({
  platform,
  loadAddon: () => ({ ok: true, runtime: createFakeCoreMLAddon() }),
  coremlSources: FAKE_SOURCES,
});

/** A warm-up on a fake addon whose loadModel blocks until `release()` (first-load specialization). */
function slowWarmUp() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const fake = createFakeCoreMLAddon();
  const slow = { ...fake, loadModel: async (p: string, o?: Parameters<typeof fake.loadModel>[1]) => (await gate, fake.loadModel(p, o)) };
  const warmUp: WarmUp = (c, onProgress) =>
    warmCoreMLModels(slow, { role: WARMUP_ROLE, coremlDir: c.coremlDir!, computeUnits: c.coremlComputeUnits, sources: FAKE_SOURCES }, onProgress);
  return { warmUp, release, fake };
}

async function speak(e: Engine, text = 'Hello there.'): Promise<RequestStats> {
  const stats: RequestStats = newStats();
  for await (const _ of e.synthesize(text, options, undefined, undefined, stats));
  return stats;
}

describe('CoreML warm-up', { skip }, () => {
  test('ONNX serves while CoreML warms up; the swap happens between requests', async () => {
    const notes: string[] = [];
    const { warmUp, release, fake } = slowWarmUp();
    const warmState = new Map<string, true | string>();
    const e = await Engine.load(config, { deps: deps(), warmUp, onNote: (n) => notes.push(n), warmState });
    try {
      assert.equal(e.backend.name, 'onnx');
      assert.match(e.note!, /^Preparing CoreML model… \(using ONNX Runtime meanwhile\)$/);
      assert.deepEqual(notes, [PREPARING_COREML]);
      // Served by ONNX although the CoreML load has not finished (it never will until released).
      assert.equal((await speak(e)).backend?.name, 'onnx');
      assert.equal(fake.stats.loads.length, 0);

      // Warm-up completes while a request is in flight: that request stays on ONNX.
      const stats: RequestStats = newStats();
      const it = e.synthesize('Hello there.', options, undefined, undefined, stats)[Symbol.asyncIterator]();
      assert.equal((await it.next()).done, false);
      release();
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(e.backend.name, 'onnx', 'no swap while a request is active');
      while (!(await it.next()).done);
      assert.equal(stats.backend?.name, 'onnx');

      await e.settled();
      assert.equal(e.backend.name, 'coreml');
      assert.equal(fake.stats.loads.length, 4, 'each model warmed once');
      assert.ok(notes.includes(`${PREPARING_COREML} (4/4)`), notes.join(' | '));
      assert.match(notes.at(-1)!, /later requests use CoreML/);
      assert.equal((await speak(e)).backend?.name, 'coreml');
      assert.equal(warmState.size, 1);
    } finally {
      await e.dispose();
    }

    // A reload in the same worker: already warmed, CoreML loads directly (no second warm-up).
    const again = await Engine.load(config, { deps: deps(), warmUp: () => assert.fail('warmed twice'), warmState });
    assert.equal(again.backend.name, 'coreml');
    await again.dispose();
  });

  test('a warm-up failure leaves ONNX serving, with the reason as a note (and no retry on reload)', async () => {
    const notes: string[] = [];
    const warmState = new Map<string, true | string>();
    const warmUp: WarmUp = async () => {
      throw new Error('specialization failed');
    };
    const e = await Engine.load(config, { deps: deps(), warmUp, onNote: (n) => notes.push(n), warmState });
    try {
      await e.settled();
      assert.equal(e.backend.name, 'onnx');
      assert.equal(notes.at(-1), 'CoreML not used (specialization failed); staying on ONNX Runtime');
      assert.equal((await speak(e)).backend?.name, 'onnx');
    } finally {
      await e.dispose();
    }
    const again = await Engine.load(config, { deps: deps(), warmUp: () => assert.fail('retried'), warmState });
    assert.equal(again.backend.name, 'onnx');
    assert.equal(again.note, 'CoreML not used (specialization failed); using ONNX Runtime');
    await again.dispose();
  });

  test('Linux: no warm-up, ONNX as before', async () => {
    for (const backend of ['auto', 'coreml'] as const) {
      const e = await Engine.load({ ...config, backend }, { deps: deps('linux'), warmUp: () => assert.fail('warm-up on Linux'), warmState: new Map() });
      assert.equal(e.backend.name, 'onnx');
      await e.dispose();
    }
  });
});
