// Smoke test of the pocket_coreml addon against the tiny model from make_tiny_model.py (macOS only).
//   node native/test/smoke.mjs [--in-engine-process] <tiny.mlpackage> [expected.json]
// --in-engine-process runs everything in a child forked exactly as EngineClient forks the engine (execArgv [],
// ELECTRON_RUN_AS_NODE=1, advanced serialization): a helper process may be refused an unsigned addon.
// Runs the checks on the main thread (compile + cache), again from the cache, from the compiled
// .mlmodelc directly, and in two concurrent worker_threads (context-aware addon). Exits non-zero on
// any mismatch. The addon is native/build/Release/pocket_coreml.node unless POCKET_READER_COREML_ADDON is set.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const addonPath =
  process.env.POCKET_READER_COREML_ADDON || fileURLToPath(new URL('../build/Release/pocket_coreml.node', import.meta.url));

function close(actual, expected, atol, label) {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol)) {
      throw new Error(`${label}[${i}] = ${actual[i]}, expected ${expected[i]} (atol ${atol})`);
    }
  }
}

function checks({ modelPath, expected, cacheDir, label }) {
  const addon = require(addonPath);
  const { inputs, numpy, coreml } = expected;
  const host = (values, shape) => ({ data: Float32Array.from(values), shape });
  const x1 = host(inputs.x1, [1, 4]);
  const x2 = host(inputs.x2, [1, 4]);

  const t0 = performance.now();
  const model = addon.loadModel(modelPath, { computeUnits: 'cpuOnly', cacheDir });
  const loadMs = performance.now() - t0;
  assert.equal(model.computeUnits, 'cpuOnly');
  assert.deepEqual(model.describe(), expected.describe);

  // Step 1: typed arrays in (state: Float32Array converted to the model's float16 input).
  const out1 = model.predict({ x: x1, state: host(inputs.state0, [1, 3]) });
  assert.deepEqual(Object.keys(out1).sort(), ['new_state', 'y']);
  assert.ok(out1.y instanceof addon.TensorHandle);
  assert.deepEqual(out1.y.shape, [1, 3]);
  assert.equal(out1.y.dataType, 'float32');
  assert.equal(out1.new_state.dataType, 'float16');
  const y1 = addon.read(out1.y);
  const s1 = addon.read(out1.new_state);
  assert.ok(y1 instanceof Float32Array && s1 instanceof Float32Array);
  close(y1, coreml.y1, 1e-5, `${label} y1 vs coreml`);
  close(y1, numpy.y1, 1e-4, `${label} y1 vs numpy`);
  close(s1, coreml.state1, 2e-3, `${label} state1 vs coreml`);
  close(s1, numpy.state1, 1e-2, `${label} state1 vs numpy`);

  // Step 2: the float16 state handle fed straight back (never leaves native memory).
  const out2 = model.predict({ x: x2, state: out1.new_state });
  close(addon.read(out2.y), coreml.y2, 1e-5, `${label} y2 vs coreml`);
  close(addon.read(out2.new_state), coreml.state2, 2e-3, `${label} state2 vs coreml`);
  close(addon.read(out2.new_state), numpy.state2, 1e-2, `${label} state2 vs numpy`);

  // Inputs are not mutated: the same handle gives the same result again.
  const again = model.predict({ x: x2, state: out1.new_state });
  assert.deepEqual(addon.read(again.new_state), addon.read(out2.new_state));
  // Earlier outputs are not recycled by later predictions (handles must stay valid as state).
  assert.deepEqual(addon.read(out1.new_state), s1);
  assert.deepEqual(addon.read(out1.y), y1);

  // tensor(): a native float16 state equals the converted typed-array feed.
  const st = addon.tensor(Float32Array.from(inputs.state0), [1, 3], 'float16');
  assert.equal(st.dataType, 'float16');
  assert.deepEqual(addon.read(model.predict({ x: x1, state: st }).new_state), s1);

  // 200 chained steps, disposing as we go.
  let state = addon.tensor(Float32Array.from(inputs.state0), [1, 3], 'float16');
  for (let i = 0; i < 200; i++) {
    const out = model.predict({ x: x2, state });
    state.dispose();
    out.y.dispose();
    state = out.new_state;
  }
  close(addon.read(state), numpy.loop200, 1e-2, `${label} loop200`);

  // Zero-length tensors are tolerated: either created (and read as empty) or rejected with a JS Error.
  try {
    const z = addon.tensor(new Float32Array(0), [1, 128, 0]);
    assert.deepEqual(z.shape, [1, 128, 0]);
    assert.equal(addon.read(z).length, 0);
  } catch (e) {
    assert.ok(e instanceof Error, 'zero-length failure must be a JS Error');
    console.log(`${label}: zero-length tensor rejected: ${e.message}`);
  }

  // Errors are JS errors, never crashes.
  const throws = (fn, re) => assert.throws(fn, (e) => e instanceof Error && re.test(e.message) && e.message.length > 0);
  throws(() => model.predict({ x: host([1, 2, 3], [1, 4]), state: st }), /elements/);
  throws(() => model.predict({ bogus: x1, state: st }), /unknown input 'bogus'/);
  throws(() => model.predict({ x: x1 }), /./); // CoreML's NSError: missing input
  throws(() => model.predict({ x: host(new Array(8).fill(0), [2, 4]), state: st }), /./); // wrong shape
  throws(() => model.predict({ x: { data: new Float64Array(4), shape: [1, 4] }, state: st }), /Float32Array/);
  throws(() => addon.loadModel('/nonexistent/model.mlpackage'), /not found/);
  throws(() => addon.loadModel(modelPath, { computeUnits: 'gpu' }), /computeUnits/);
  throws(() => new addon.TensorHandle(), /cannot be constructed/);
  throws(() => new addon.Model(), /cannot be constructed/);
  out1.y.dispose();
  assert.equal(out1.y.disposed, true);
  throws(() => addon.read(out1.y), /disposed/);
  throws(() => model.predict({ x: x1, state: out1.y }), /disposed/);

  return { compiledPath: model.compiledPath, loadMs };
}

if (!isMainThread) {
  parentPort.postMessage(checks(workerData));
} else if (process.argv[2] === '--in-engine-process') {
  const { fork } = await import('node:child_process');
  const child = fork(fileURLToPath(import.meta.url), process.argv.slice(3), {
    execArgv: [],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'advanced',
  });
  child.once('exit', (code, signal) => {
    if (code !== 0) console.error(`SMOKE FAILED in the engine process (${signal ?? `exit ${code}`})`);
    process.exitCode = code ?? 1;
  });
} else {
  const [modelArg, expectedArg] = process.argv.slice(2);
  if (!modelArg) {
    console.error('usage: node native/test/smoke.mjs <model.mlpackage> [expected.json]');
    process.exit(2);
  }
  const modelPath = path.resolve(modelArg);
  const expected = JSON.parse(readFileSync(expectedArg ?? path.join(path.dirname(modelPath), 'expected.json'), 'utf8'));
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'pocket-coreml-smoke-'));
  try {
    const first = checks({ modelPath, expected, cacheDir, label: 'compile' });
    assert.ok(first.compiledPath.startsWith(cacheDir) && first.compiledPath.endsWith('.mlmodelc'), first.compiledPath);
    const second = checks({ modelPath, expected, cacheDir, label: 'cached' });
    assert.equal(second.compiledPath, first.compiledPath, 'the cache entry path must be stable');
    assert.deepEqual(readdirSync(cacheDir).filter((n) => n.endsWith('.mlmodelc')), [path.basename(first.compiledPath)]);
    const direct = checks({ modelPath: first.compiledPath, expected, cacheDir, label: 'mlmodelc' });
    assert.equal(direct.compiledPath, first.compiledPath);

    const inWorker = (label) =>
      new Promise((resolve, reject) => {
        const w = new Worker(new URL(import.meta.url), { workerData: { modelPath, expected, cacheDir, label } });
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => code !== 0 && reject(new Error(`${label} exited with ${code}`)));
      });
    const workers = await Promise.all([inWorker('worker-1'), inWorker('worker-2')]);
    for (const r of workers) assert.equal(r.compiledPath, first.compiledPath);

    console.log(`load ms: compile ${first.loadMs.toFixed(0)}, cached ${second.loadMs.toFixed(0)}, direct ${direct.loadMs.toFixed(0)}`);
    console.log('SMOKE OK');
  } catch (e) {
    console.error('SMOKE FAILED:', e);
    process.exitCode = 1;
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
