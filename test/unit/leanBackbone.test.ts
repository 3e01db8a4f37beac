// The lean step graph against the export's own graph, step by step on the same inputs, far past several growths of
// the KV buffers: same conditioning and EOS logits (fp32 and INT8), and each attention tap equal to the export's
// softmax row for that head (word timing reads it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { AttentionTap } from '../../src/engine/backend';
import type { BackboneOutput } from '../../src/engine/backends/backbone';
import { LeanBackbone } from '../../src/engine/backends/leanBackbone';
import { makeCacheLengthSymbolic } from '../../src/engine/backends/onnxGraphEdit';
import { readGraph } from '../../src/engine/backends/onnxModelRead';
import { voiceStateTensors } from '../../src/engine/backends/onnxState';
import { encodeMessage, mapField, parse, pb, serialize } from '../../src/engine/backends/protobuf';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { readSafetensors, toBigInt64 } from '../../src/engine/safetensors';
import { maxAbsDiff } from '../helpers/golden';
import { skipUnless, tinyInt8ModelDir, tinyModelDir } from '../helpers/paths';

const STEPS = 150;
const TAPS: AttentionTap[] = [{ layer: 1, head: 2 }, { layer: 0, head: 0 }];

/** The export graph with a layer's attention softmax ([1, heads, T, positions]) as an extra output. */
function exportWithSoftmax(file: string, manifest: ReturnType<typeof resolveOnnxFiles>['bundle']['flow_lm_state_manifest'], layer: number) {
  const bytes = readFileSync(file);
  const softmax = readGraph(bytes).nodes.find((n) => n.opType === 'Softmax' && new RegExp(`layers\\.${layer}/self_attn/`).test(n.name))!.outputs[0];
  const extra = { no: 12, wire: 2, value: encodeMessage([pb.string(1, softmax), pb.message(2, [pb.message(1, [pb.varint(1, 1)])])]) };
  const withOutput = mapField(bytes, 7, (graph) => serialize([...parse(graph), extra]));
  const caches = manifest.filter((e) => e.key === 'cache');
  const names = new Set(caches.flatMap((e) => [e.input_name, e.output_name]));
  return { bytes: makeCacheLengthSymbolic(withOutput, names, caches[0].shape[2], 'cache_len').bytes, softmax };
}

for (const [name, dir, tol] of [['fp32', tinyModelDir, 1e-5], ['INT8', tinyInt8ModelDir, 1e-4]] as const) {
  test(`${name}: the lean backbone steps like the export graph, taps included`, { skip: skipUnless(path.join(dir, 'bundle.json'), `tiny ${name} model`) }, async () => {
    const files = resolveOnnxFiles(dir);
    const manifest = files.bundle.flow_lm_state_manifest;
    const lean = await LeanBackbone.tryLoad(files.flowLmMain, manifest, files.bundle.latent_dim, 1, TAPS);
    assert.ok(lean instanceof LeanBackbone, 'lean graph built');
    const exp = exportWithSoftmax(files.flowLmMain, manifest, TAPS[0].layer);
    const session = await ort.InferenceSession.create(exp.bytes, { intraOpNumThreads: 1 });
    try {
      const stored = await readSafetensors(path.join(dir, 'voices', 'alba.safetensors'));
      const positions = Number(toBigInt64(stored.get(`${manifest[0].module}/offset`)!)[0]);
      const capacity = positions + 8 + STEPS;
      const seq = lean.start({ name: 'alba', stored, positions }, capacity);
      let state = voiceStateTensors(manifest, stored, 'alba', capacity);
      const d = files.bundle.conditioning_dim;
      let s = 5;
      const rand = (n: number) => Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 2);
      let worst = { cond: 0, eos: 0, tap: 0 };
      for (let step = 0; step < STEPS; step++) {
        // The first run is text (8 rows) then BOS, as a chunk's first step is; then one latent per step.
        const text = new ort.Tensor('float32', step === 0 ? rand(8 * d) : new Float32Array(0), [1, step === 0 ? 8 : 0, d]);
        const latents = new ort.Tensor('float32', step === 0 ? new Float32Array(32).fill(NaN) : rand(32), [1, 1, 32]);
        const feeds: Record<string, ort.Tensor> = { sequence: latents, text_embeddings: text };
        manifest.forEach((e, i) => (feeds[e.input_name] = state[i]));
        const want = await session.run(feeds);
        state = manifest.map((e) => want[e.output_name] as ort.Tensor);
        const got: BackboneOutput = await lean.run(seq, latents, text);
        const n = seq.positions;
        const soft = want[exp.softmax] as ort.Tensor;
        const [, heads, rows, keys] = soft.dims;
        assert.equal(keys, n);
        const at = (TAPS[0].head * rows + rows - 1) * keys;
        worst = {
          cond: Math.max(worst.cond, maxAbsDiff(got.conditioning, want.conditioning.data as Float32Array)),
          eos: Math.max(worst.eos, Math.abs(got.eosLogit - (want.eos_logit.data as Float32Array)[0])),
          tap: Math.max(worst.tap, maxAbsDiff(got.attention!.subarray(0, n), (soft.data as Float32Array).subarray(at, at + keys))),
        };
        assert.equal(got.attention!.length, TAPS.length * n);
        assert.ok(heads > TAPS[0].head);
      }
      assert.ok(worst.cond <= tol && worst.eos <= tol * 10 && worst.tap <= 1e-5, JSON.stringify(worst));
    } finally {
      await session.release();
      await lean.dispose();
    }
  });
}
