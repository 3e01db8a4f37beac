// The extension's backend policy: CoreML is looked at only on macOS with backend auto|coreml, used only when the
// downloaded set is complete, downloaded in the background otherwise; off macOS "coreml" warns and runs ONNX.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { coremlLanguage, decideBackend, engineConfig, NOT_MAC_WARNING, type BackendChoiceInput, type CoreMLSetState } from '../../src/ui/backendChoice';
import { COMPLETE_FILE, isCoreMLSetComplete, markCoreMLSetComplete, skipUnusedCoreMLAsset } from '../../src/store/coremlStore';

const DIR = '/storage/models/coreml/english';

function input(over: Partial<BackendChoiceInput> & { set?: CoreMLSetState }): BackendChoiceInput {
  return { platform: 'darwin', backend: 'auto', coremlSet: () => over.set ?? { dir: DIR, complete: true }, ...over };
}

const untouchable = () => assert.fail('the CoreML set must not be looked at');

describe('decideBackend', () => {
  test('Linux + auto → ONNX without touching CoreML, no warning', () => {
    assert.deepEqual(decideBackend(input({ platform: 'linux', coremlSet: untouchable })), {});
  });

  test('Windows/Linux + coreml → ONNX with the one warning', () => {
    for (const platform of ['win32', 'linux'] as const) {
      assert.deepEqual(decideBackend(input({ platform, backend: 'coreml', coremlSet: untouchable })), { warning: NOT_MAC_WARNING });
    }
  });

  test('darwin + onnx → no CoreML, no download, set not looked at', () => {
    assert.deepEqual(decideBackend(input({ backend: 'onnx', coremlSet: untouchable })), {});
  });

  test('darwin + auto|coreml + complete set → the CoreML dir is passed', () => {
    for (const backend of ['auto', 'coreml'] as const) assert.deepEqual(decideBackend(input({ backend })), { coremlDir: DIR });
  });

  test('darwin + missing or partial set → background download, ONNX meanwhile', () => {
    assert.deepEqual(decideBackend(input({ set: { dir: DIR, complete: false } })), { downloadDir: DIR });
  });

  test('darwin + download cancelled earlier this session → no new download, a note', () => {
    const d = decideBackend(input({ set: { dir: DIR, complete: false }, downloadPaused: true }));
    assert.equal(d.downloadDir, undefined);
    assert.equal(d.coremlDir, undefined);
    assert.match(d.note ?? '', /not downloaded/);
  });

  test('darwin + no CoreML pack for the language → ONNX with a note', () => {
    const d = decideBackend(input({ coremlSet: () => undefined }));
    assert.equal(d.coremlDir, undefined);
    assert.equal(d.downloadDir, undefined);
    assert.match(d.note ?? '', /language/);
  });
});

test('coremlLanguage: bundle name minus its date, only for languages with a pack (English)', () => {
  assert.equal(coremlLanguage('english_2026-04'), 'english');
  assert.equal(coremlLanguage('german_24l'), undefined);
  assert.equal(coremlLanguage('french_24l'), undefined);
  assert.equal(coremlLanguage('klingon_2026-04'), undefined);
  assert.equal(coremlLanguage(undefined), undefined);
});

describe('engineConfig', () => {
  const s = { backend: 'auto' as const, threads: 0, coremlComputeUnits: {} };

  test('no CoreML dir: only the ONNX fields', () => {
    assert.deepEqual(engineConfig('/m', { ...s, coremlComputeUnits: { mimi_decoder: 'cpuOnly' } }), { modelDir: '/m', backend: 'auto' });
  });

  test('CoreML dir and compute units passed through; empty overrides left out', () => {
    assert.deepEqual(engineConfig('/m', { ...s, threads: 4, coremlComputeUnits: { mimi_decoder: 'cpuOnly' } }, DIR), {
      modelDir: '/m',
      backend: 'auto',
      threads: 4,
      coremlDir: DIR,
      coremlComputeUnits: { mimi_decoder: 'cpuOnly' },
    });
    assert.deepEqual(engineConfig('/m', s, DIR), { modelDir: '/m', backend: 'auto', coremlDir: DIR });
  });

  test('backend onnx drops a stale CoreML dir', () => {
    assert.deepEqual(engineConfig('/m', { ...s, backend: 'onnx' }, DIR), { modelDir: '/m', backend: 'onnx' });
  });

  test('same settings → same JSON (EngineClient.configure must not reload)', () => {
    assert.equal(JSON.stringify(engineConfig('/m', s, DIR)), JSON.stringify(engineConfig('/m', { ...s }, DIR)));
  });
});

describe('CoreML set completeness', () => {
  test('models present but no completion mark (interrupted download) → incomplete; marked → complete', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pr-coreml-'));
    try {
      for (const m of ['cond_step', 'flowlm_step', 'flow_decoder', 'mimi_decoder']) mkdirSync(path.join(dir, `${m}.mlmodelc`));
      mkdirSync(path.join(dir, 'constants_bin'));
      writeFileSync(path.join(dir, 'constants_bin', 'text_embed_table.bin'), '');
      assert.equal(isCoreMLSetComplete(dir), false);
      await markCoreMLSetComplete(dir, 'a'.repeat(40));
      assert.equal(isCoreMLSetComplete(dir), true);
      rmSync(path.join(dir, 'mimi_decoder.mlmodelc'), { recursive: true });
      assert.equal(isCoreMLSetComplete(dir), false, 'a model removed after the download');
      rmSync(path.join(dir, COMPLETE_FILE));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the unused int8 flowlm and the .mlpackage sources are not downloaded', () => {
    assert.equal(skipUnusedCoreMLAsset('flowlm_stepv2.mlmodelc/weights/weight.bin'), true);
    assert.equal(skipUnusedCoreMLAsset('cond_step.mlpackage/Manifest.json'), true);
    assert.equal(skipUnusedCoreMLAsset('flowlm_step.mlmodelc/weights/weight.bin'), false);
    assert.equal(skipUnusedCoreMLAsset('constants_bin/alba.safetensors'), false);
  });
});
