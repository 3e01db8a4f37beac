// Output-name discovery on synthetic descriptions shaped like the real 6-layer pack (names taken from
// the contract), shuffled so that only shape buckets + numeric suffixes can pair them correctly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelDescription } from '../../src/engine/backends/coremlRuntime';
import { discoverLayerKeys, discoverMimiKeys } from '../../src/engine/backends/coremlKeys';

const f = (name: string, shape: number[], dataType: 'float32' | 'float16' = 'float32') => ({ name, shape, dataType });
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
const cache = [2, 1, 512, 16, 64];

test('flowlm_step: caches by new_cache_{2i+1} (last unnumbered), positions by numeric var suffix', () => {
  const positions = ['var_88', 'var_185', 'var_290', 'var_395', 'var_1001', 'var_1105']; // lexical order differs
  const caches = [1, 3, 5, 7, 9].map((n) => `new_cache_${n}_internal_tensor_assign_2`).concat('new_cache_internal_tensor_assign_2');
  const desc: ModelDescription = {
    inputs: [f('sequence', [1, 1, 32]), f('bos_emb', [32]), ...[0, 1, 2, 3, 4, 5].flatMap((i) => [f(`cache${i}`, cache), f(`position${i}`, [1])])].sort(byName),
    outputs: [f('var_472', [1, 1, 1024]), f('var_481', [1, 1, 1]), ...caches.map((n) => f(n, cache)), ...positions.map((n) => f(n, [1]))].sort(byName),
  };
  const k = discoverLayerKeys(desc, 'flowlm_step');
  assert.deepEqual(k.cacheInputs, ['cache0', 'cache1', 'cache2', 'cache3', 'cache4', 'cache5']);
  assert.deepEqual(k.cacheOutputs, caches);
  assert.deepEqual(k.positionOutputs, positions);
  assert.equal(k.transformerOut, 'var_472');
  assert.equal(k.eosLogit, 'var_481');
  assert.throws(() => discoverLayerKeys({ ...desc, outputs: desc.outputs.filter((o) => o.name !== 'var_290') }, 'flowlm_step'), /6 layers but 5 position outputs/);
});

test('mimi: pass-through, legacy end_offset names, shared shapes paired in canonical order', () => {
  const desc: ModelDescription = {
    inputs: [
      f('latent', [1, 32]),
      f('attn0_cache', [2, 1, 8, 256, 64]), f('attn1_cache', [2, 1, 8, 256, 64]),
      f('attn0_offset', [1]), f('attn1_offset', [1]), f('attn0_end_offset', [1]), f('attn1_end_offset', [1]),
      f('res2_conv0_prev', [1, 64, 2]), f('conv_final_prev', [1, 64, 2]), f('res0_conv1_prev', [1, 128, 0]),
    ].sort(byName),
    outputs: [
      f('var_2001', [1, 1, 1920], 'float16'),
      f('var_990', [2, 1, 8, 256, 64]), f('var_1010', [2, 1, 8, 256, 64]),
      f('var_995', [1]), f('var_1015', [1]), f('new_end_offset_1', [1]), f('new_end_offset', [1]),
      f('var_1500', [1, 64, 2]), f('var_980', [1, 64, 2]), f('res0_conv1_prev', [1, 128, 0]),
    ].sort(byName),
  };
  const k = discoverMimiKeys(desc);
  assert.equal(k.audioOutput, 'var_2001');
  assert.deepEqual(Object.fromEntries(k.state.map((s) => [s.input, s.output])), {
    attn0_cache: 'var_990', attn0_offset: 'var_995', attn0_end_offset: 'new_end_offset_1',
    attn1_cache: 'var_1010', attn1_offset: 'var_1015', attn1_end_offset: 'new_end_offset',
    res0_conv1_prev: 'res0_conv1_prev', res2_conv0_prev: 'var_980', conv_final_prev: 'var_1500',
  });
  assert.deepEqual(k.state.map((s) => s.input).slice(0, 3), ['attn0_cache', 'attn0_offset', 'attn0_end_offset']);
  assert.throws(() => discoverMimiKeys({ ...desc, inputs: [...desc.inputs, f('mystery', [1, 3])] }), /unknown state inputs mystery/);
});
