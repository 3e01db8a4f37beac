// Derived graphs (the lean backbone, the trimmed Mimi decoder) are built once per source file and then loaded from
// the cache; a changed source or derivation builds afresh and replaces the old entry; a damaged entry is rebuilt.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { derivedGraph, type Derivation } from '../../src/engine/backends/graphCache';
import { DataType } from '../../src/engine/backends/onnxModelRead';
import { GraphBuilder } from '../../src/engine/backends/onnxModelWrite';
import { LeanBackbone } from '../../src/engine/backends/leanBackbone';
import { resolveOnnxFiles } from '../../src/engine/modelFiles';
import { skipUnless, tinyModelDir } from '../helpers/paths';

function scratch(): { dir: string; cache: string; source: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-graph-cache-'));
  const source = path.join(dir, 'model.onnx');
  writeFileSync(source, 'source graph');
  return { dir, cache: path.join(dir, 'cache'), source };
}

/** A graph y = x · W with a 64×64 weight (big enough to go to the external-data file). */
function matmulGraph(scale: number): Uint8Array {
  const b = new GraphBuilder();
  const w = Float32Array.from({ length: 64 * 64 }, (_, i) => (i % 65 === 0 ? scale : 0));
  b.node('MatMul', [b.input('x', DataType.FLOAT, [1, 64]), b.floats('w', w, [64, 64])], ['y']);
  b.output('y', DataType.FLOAT, [1, 64]);
  return b.model('scaled', { '': 17 });
}

test('a derived graph is built once, then read from the cache, its weights in a file beside it', async () => {
  const { dir, cache, source } = scratch();
  try {
    let builds = 0;
    const d: Derivation = { kind: 'test', identity: 'v1', build: () => (builds++, matmulGraph(3)) };
    const first = derivedGraph(source, d, cache);
    const second = derivedGraph(source, d, cache);
    assert.ok('file' in first && 'file' in second && first.file === second.file);
    assert.equal(builds, 1);
    assert.deepEqual(readdirSync(cache).sort(), [path.basename(first.file).replace(/\.onnx$/, '.data'), path.basename(first.file)].sort());
    const s = await ort.InferenceSession.create(first.file);
    const y = (await s.run({ x: new ort.Tensor('float32', new Float32Array(64).fill(2), [1, 64]) })).y.data as Float32Array;
    assert.deepEqual([...y], new Array(64).fill(6));
    await s.release();
    // A newer source, or another derivation, builds afresh; the source's old entry is replaced.
    utimesSync(source, new Date(), new Date(Date.now() + 5000));
    assert.ok('file' in derivedGraph(source, d, cache));
    assert.ok('file' in derivedGraph(source, { ...d, identity: 'v2' }, cache));
    assert.equal(builds, 3);
    assert.equal(readdirSync(cache).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a source the derivation cannot take is reported with its bytes, and nothing is cached', () => {
  const { dir, cache, source } = scratch();
  try {
    const r = derivedGraph(source, { kind: 'test', identity: 'v1', build: () => 'not a backbone' }, cache);
    assert.ok('reason' in r && r.reason === 'not a backbone' && r.source.length > 0);
    assert.ok('reason' in derivedGraph(source, { kind: 'test', identity: 'v1', build: () => 'not a backbone' }, cache));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a damaged cache entry of the lean backbone is rebuilt', { skip: skipUnless(path.join(tinyModelDir, 'bundle.json'), 'generated tiny model') }, async () => {
  const { dir } = scratch();
  const before = process.env.POCKET_READER_GRAPH_CACHE;
  process.env.POCKET_READER_GRAPH_CACHE = path.join(dir, 'cache');
  try {
    const files = resolveOnnxFiles(tinyModelDir);
    const main = path.join(dir, 'flow_lm_main.onnx');
    copyFileSync(files.flowLmMain, main);
    const load = () => LeanBackbone.tryLoad(main, files.bundle.flow_lm_state_manifest, files.bundle.latent_dim, 1, []);
    const built = await load();
    assert.ok(built instanceof LeanBackbone);
    await built.dispose();
    const entry = readdirSync(path.join(dir, 'cache')).find((f) => f.endsWith('.onnx'))!;
    writeFileSync(path.join(dir, 'cache', entry), 'garbage');
    const rebuilt = await load();
    assert.ok(rebuilt instanceof LeanBackbone);
    await rebuilt.dispose();
  } finally {
    if (before === undefined) delete process.env.POCKET_READER_GRAPH_CACHE;
    else process.env.POCKET_READER_GRAPH_CACHE = before;
    rmSync(dir, { recursive: true, force: true });
  }
});
