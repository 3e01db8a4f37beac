// Backend selection: auto never touches CoreML off macOS; on (simulated) macOS a present CoreML set and a
// loadable addon win; every CoreML failure falls back to ONNX with the reason as the note.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Backend } from '../../src/engine/backend';
import { createBackend, type BackendFactoryDeps } from '../../src/engine/backendFactory';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import type { EngineConfig } from '../../src/shared/protocol';
import { createFakeCoreMLAddon, FAKE_SOURCES } from '../helpers/fakeCoreMLAddon';
import { skipUnless, tinyModelDir } from '../helpers/paths';

const coremlDir = path.join(tinyModelDir, 'coreml');
const skip = skipUnless(path.join(coremlDir, 'mimi_decoder.onnx'), 'tiny CoreML-contract model (models/generate.py --size tiny)');
const onnxStub = { name: 'onnx' } as Backend;

function deps(extra: Partial<BackendFactoryDeps> = {}) {
  const calls = { addon: 0, onnx: 0 };
  const d: BackendFactoryDeps = {
    loadAddon: () => {
      calls.addon++;
      return { ok: true, runtime: createFakeCoreMLAddon() };
    },
    loadOnnx: async () => (calls.onnx++, onnxStub),
    coremlSources: FAKE_SOURCES,
    ...extra,
  };
  return { d, calls };
}

const config = (c: Partial<EngineConfig> = {}): EngineConfig => ({ modelDir: tinyModelDir, backend: 'auto', coremlDir, ...c });

describe('backend factory', { skip }, () => {
  const files = skip ? undefined! : resolveOnnxFiles(tinyModelDir);

  test('Linux: auto resolves to ONNX without touching the addon (and without a note)', async () => {
    const { d, calls } = deps({ platform: 'linux', loadAddon: () => assert.fail('the addon must not be loaded') });
    const r = await createBackend(config(), files, d);
    assert.equal(r.backend, onnxStub);
    assert.equal(r.note, undefined);
    assert.equal(calls.onnx, 1);
  });

  test('this machine: auto with the default addon loader picks ONNX off macOS', { skip: process.platform === 'darwin' }, async () => {
    const r = await createBackend(config(), files, { loadOnnx: async () => onnxStub, coremlSources: FAKE_SOURCES });
    assert.equal(r.backend, onnxStub);
    assert.equal(r.note, undefined);
  });

  test('Linux: an explicit coreml choice falls back with the platform reason', async () => {
    const { d, calls } = deps({ platform: 'linux' });
    const r = await createBackend(config({ backend: 'coreml' }), files, d);
    assert.equal(r.backend, onnxStub);
    assert.match(r.note!, /^CoreML not used \(CoreML not available on this platform\); using ONNX Runtime$/);
    assert.equal(calls.addon, 0);
  });

  test('macOS: auto with a CoreML set and the addon gives the CoreML backend', async () => {
    const { d, calls } = deps({ platform: 'darwin' });
    const r = await createBackend(config({ coremlComputeUnits: { flow_decoder: 'cpuAndNeuralEngine' } }), files, d);
    assert.equal(r.backend.name, 'coreml');
    assert.equal(r.note, undefined);
    assert.equal(calls.onnx, 0);
    assert.equal((r.backend as unknown as { computeUnits: Record<string, string> }).computeUnits.flow_decoder, 'cpuAndNeuralEngine');
    await r.backend.dispose();
  });

  test('macOS: explicit onnx never loads the addon', async () => {
    const { d, calls } = deps({ platform: 'darwin' });
    const r = await createBackend(config({ backend: 'onnx' }), files, d);
    assert.equal(r.backend, onnxStub);
    assert.equal(calls.addon, 0);
  });

  test('macOS: every CoreML failure falls back to ONNX with its reason', async () => {
    const cases: [string, Partial<EngineConfig>, Partial<BackendFactoryDeps>, RegExp, boolean][] = [
      ['no folder', { coremlDir: undefined }, {}, /no CoreML model folder/, false],
      ['incomplete set', { coremlDir: tinyModelDir }, {}, /is missing in .*: not a complete CoreML model set/, false],
      ['addon missing', {}, { loadAddon: () => ({ ok: false, reason: 'CoreML addon not loaded; tried:\n  /x: not found' }) }, /CoreML addon not loaded; tried:\)/, true],
      ['bad compute units', { coremlComputeUnits: { mimi_decoder: 'gpu' } }, {}, /"gpu" is not one of/, true],
      [
        'model load error',
        {},
        { loadAddon: () => ({ ok: true, runtime: { ...createFakeCoreMLAddon(), loadModel: () => Promise.reject(new Error('compile failed')) } }) },
        /could not load .*cond_step.*compile failed/,
        true,
      ],
    ];
    for (const [what, c, extra, reason, addonTried] of cases) {
      const { d, calls } = deps({ platform: 'darwin', ...extra });
      const r = await createBackend(config(c), files, d);
      assert.equal(r.backend, onnxStub, what);
      assert.match(r.note!, reason, what);
      assert.match(r.note!, /^CoreML not used \(.*\); using ONNX Runtime$/, what);
      if (!extra.loadAddon) assert.equal(calls.addon, addonTried ? 1 : 0, `${what}: addon loads`);
    }
  });
});
