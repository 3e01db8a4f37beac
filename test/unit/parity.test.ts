// The TypeScript loop driving the ONNX export must reproduce reference outputs made by the official
// implementation (../shared tiny-parity) and by our own PyTorch reference (models/generated/tiny), on the lean step
// graph the engine builds from the export's weights and on the export's own graph (the fallback).
// fp32 tolerance: latents and PCM atol 1e-4, EOS logits atol 1e-3, frame counts and EOS steps exact.
// The INT8 set (models/generated/tiny-int8) is held to the fp32 reference with TOL_INT8 (measured; see runPipeline).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { OnnxBackend } from '../../src/engine/backends/onnx';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { readGoldens, type Golden } from '../helpers/golden';
import { distDir, skipUnless, tinyInt8ModelDir, tinyModelDir, tinyParityDir } from '../helpers/paths';
import { TOL, TOL_INT8, diffs, fmt, runOnGolden, withinTolerance, type Tolerance } from '../helpers/runPipeline';

interface Run {
  decoderThread: boolean;
  backbone: 'lean' | 'export';
}

async function check(modelDir: string, voice: string, g: Golden, run: Run, tol: Tolerance): Promise<void> {
  const backend = await OnnxBackend.load(resolveOnnxFiles(modelDir), {
    decoderThread: run.decoderThread,
    decoderWorkerPath: path.join(distDir, 'decoder-worker.js'),
    backbone: run.backbone === 'export' ? 'export' : 'auto',
  });
  try {
    assert.equal(backend.backbone.kind, run.backbone, 'the lean step graph is built for this export');
    const out = await runOnGolden(backend, await backend.prefillVoice({ kind: 'file', path: voice }), g);
    const d = diffs(g, out);
    assert.ok(withinTolerance(d, tol), `${g.name}: ${fmt(d)}`);
  } finally {
    await backend.dispose();
  }
}

const sets = [
  { name: 'official tiny-parity', dir: tinyParityDir, voice: path.join(tinyParityDir, 'voice.safetensors'), goldens: path.join(tinyParityDir, 'golden'), tol: TOL },
  { name: 'generated tiny', dir: tinyModelDir, voice: path.join(tinyModelDir, 'voices', 'alba.safetensors'), goldens: path.join(tinyModelDir, 'reference'), tol: TOL },
  { name: 'generated tiny INT8', dir: tinyInt8ModelDir, voice: path.join(tinyInt8ModelDir, 'voices', 'alba.safetensors'), goldens: path.join(tinyModelDir, 'reference'), tol: TOL_INT8 },
];

for (const set of sets) {
  const skip = skipUnless(path.join(set.dir, 'bundle.json'), `${set.name} model`);
  const goldens = skip ? [] : readGoldens(set.goldens);
  if (skip || goldens.length === 0) {
    test(`${set.name}: reference parity`, { skip: skip || `no reference outputs in ${set.goldens}` }, () => {});
    continue;
  }
  for (const g of goldens) {
    test(`${set.name}: ${g.name} matches the reference (lean backbone, inline decoder)`, () => check(set.dir, set.voice, g, { decoderThread: false, backbone: 'lean' }, set.tol));
  }
  const last = goldens[goldens.length - 1];
  test(`${set.name}: ${last.name} matches with the decoder thread`, () => check(set.dir, set.voice, last, { decoderThread: true, backbone: 'lean' }, set.tol));
  // The official golden on every text, our references on one: the export graph stays a tested fallback.
  for (const g of set.dir === tinyParityDir ? goldens : [last]) {
    test(`${set.name}: ${g.name} matches on the export's own backbone graph`, () => check(set.dir, set.voice, g, { decoderThread: false, backbone: 'export' }, set.tol));
  }
}
