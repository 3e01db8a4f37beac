/**
 * Output-name discovery for the CoreML step models. coremltools names non-passthrough outputs itself
 * (`new_cache_{2i+1}_internal_tensor_assign_2`, last layer unnumbered, `var_NNN`), and the numbers differ
 * between packs (6L/24L), so nothing is hard-coded: outputs are bucketed by shape and ordered by their
 * numeric suffix, as FluidAudio's PocketTtsLayerKeys/PocketTtsMimiKeys do. Pure functions over describe().
 */
import type { ModelDescription } from './coremlRuntime';
import { EngineError } from '../../shared/errors';

export interface LayerKeys {
  /** Per layer, in layer order. */
  cacheInputs: string[];
  positionInputs: string[];
  cacheOutputs: string[];
  positionOutputs: string[];
  /** [2, 1, capacity, heads, headDim]. */
  cacheShape: number[];
  /** flowlm_step only. */
  transformerOut?: string;
  eosLogit?: string;
}

export interface MimiKeys {
  audioOutput: string;
  /** Streaming state, input -> the output that carries it to the next call, in canonical order. */
  state: { input: string; output: string; shape: number[] }[];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** `var_445` -> 445; names without trailing digits sort last. */
export function trailingNumber(name: string): number {
  const m = /(\d+)$/.exec(name);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/** `new_cache_{2i+1}_internal_tensor_assign_2` -> i; the unnumbered last layer sorts last. */
export function cacheLayerIndex(name: string): number {
  const m = /^new_cache_(\d+)_/.exec(name);
  return m ? (Number(m[1]) - 1) / 2 : Number.POSITIVE_INFINITY;
}

function byKey(key: (n: string) => number) {
  return (a: string, b: string) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function fail(model: string, why: string): never {
  throw new EngineError('MODEL_CORRUPT', `CoreML ${model}: ${why}`);
}

function indexed(desc: ModelDescription, prefix: string, model: string): string[] {
  const re = new RegExp(`^${prefix}(\\d+)$`);
  const names = desc.inputs.filter((d) => re.test(d.name)).map((d) => d.name);
  names.sort(byKey((n) => Number(re.exec(n)![1])));
  names.forEach((n, i) => n === `${prefix}${i}` || fail(model, `inputs ${prefix}0..${prefix}${names.length - 1} are not contiguous`));
  return names;
}

export function discoverLayerKeys(desc: ModelDescription, model: 'cond_step' | 'flowlm_step'): LayerKeys {
  const cacheInputs = indexed(desc, 'cache', model);
  const positionInputs = indexed(desc, 'position', model);
  if (cacheInputs.length === 0) fail(model, 'no cache{i} inputs');
  if (positionInputs.length !== cacheInputs.length) fail(model, `${cacheInputs.length} cache inputs but ${positionInputs.length} position inputs`);
  const cacheShape = desc.inputs.find((d) => d.name === 'cache0')!.shape;
  if (cacheShape.length !== 5 || cacheShape[0] !== 2) fail(model, `cache0 has shape [${cacheShape}], expected [2, 1, capacity, heads, headDim]`);

  const caches: string[] = [];
  const positions: string[] = [];
  let transformerOut: string | undefined;
  let eosLogit: string | undefined;
  for (const o of desc.outputs) {
    if (sameShape(o.shape, cacheShape)) caches.push(o.name);
    else if (sameShape(o.shape, [1])) positions.push(o.name);
    else if (sameShape(o.shape, [1, 1, 1])) eosLogit = o.name;
    else if (o.shape.length === 3 && o.shape[0] === 1 && o.shape[1] === 1) transformerOut = o.name;
  }
  caches.sort(byKey(cacheLayerIndex));
  positions.sort(byKey(trailingNumber));
  if (caches.length !== cacheInputs.length) fail(model, `${cacheInputs.length} cache inputs but ${caches.length} outputs of shape [${cacheShape}]`);
  if (positions.length !== cacheInputs.length) fail(model, `${cacheInputs.length} layers but ${positions.length} position outputs of shape [1]`);
  if (model === 'flowlm_step' && (!transformerOut || !eosLogit)) {
    fail(model, `missing outputs (transformer_out [1,1,D]: ${transformerOut ?? 'none'}, eos logit [1,1,1]: ${eosLogit ?? 'none'})`);
  }
  return { cacheInputs, positionInputs, cacheOutputs: caches, positionOutputs: positions, cacheShape, transformerOut, eosLogit };
}

/** FluidAudio's canonical state order: disambiguates inputs that share a shape (e.g. attn0/attn1 caches). */
export const MIMI_STATE_ORDER = [
  'upsample_partial',
  'attn0_cache', 'attn0_offset', 'attn0_end_offset',
  'attn1_cache', 'attn1_offset', 'attn1_end_offset',
  'conv0_prev', 'conv0_first',
  'convtr0_partial',
  'res0_conv0_prev', 'res0_conv0_first', 'res0_conv1_prev', 'res0_conv1_first',
  'convtr1_partial',
  'res1_conv0_prev', 'res1_conv0_first', 'res1_conv1_prev', 'res1_conv1_first',
  'convtr2_partial',
  'res2_conv0_prev', 'res2_conv0_first', 'res2_conv1_prev', 'res2_conv1_first',
  'conv_final_prev', 'conv_final_first',
];

export function discoverMimiKeys(desc: ModelDescription): MimiKeys {
  const model = 'mimi_decoder';
  const stateInputs = desc.inputs.filter((d) => d.name !== 'latent');
  if (!desc.inputs.some((d) => d.name === 'latent')) fail(model, 'no `latent` input');
  const isState = (shape: number[]) => stateInputs.some((s) => sameShape(s.shape, shape));
  const audio = desc.outputs.filter((o) => o.shape.length === 3 && o.shape[0] === 1 && o.shape[1] === 1 && o.shape[2] > 1 && !isState(o.shape));
  if (audio.length !== 1) fail(model, `expected one [1, 1, samples] audio output, found ${audio.length}`);
  const available = new Map(desc.outputs.filter((o) => o.name !== audio[0].name).map((o) => [o.name, o]));

  const mapping = new Map<string, string>();
  // Pass-throughs (e.g. zero-length res*_conv1_prev) keep the input's name.
  for (const s of stateInputs) {
    if (available.has(s.name)) {
      mapping.set(s.name, s.name);
      available.delete(s.name);
    }
  }
  const unknown = stateInputs.filter((s) => !mapping.has(s.name) && !MIMI_STATE_ORDER.includes(s.name));
  if (unknown.length) fail(model, `unknown state inputs ${unknown.map((s) => s.name).join(', ')}: cannot pair them with outputs`);
  const order = MIMI_STATE_ORDER.filter((n) => stateInputs.some((s) => s.name === n) && !mapping.has(n));
  // Legacy packs name end offsets `new_end_offset*`: reserve those for the *end_offset inputs.
  const endOuts = [...available.keys()].filter((n) => n.includes('end_offset')).sort(byKey(trailingNumber));
  for (const n of order.filter((n) => n.includes('end_offset'))) {
    const o = endOuts.shift() ?? fail(model, `no output for state input ${n}`);
    mapping.set(n, o);
    available.delete(o);
  }
  const buckets = new Map<string, string[]>();
  for (const o of available.values()) {
    const k = o.shape.join('x');
    buckets.set(k, [...(buckets.get(k) ?? []), o.name]);
  }
  for (const b of buckets.values()) b.sort(byKey(trailingNumber));
  for (const n of order.filter((n) => !mapping.has(n))) {
    const shape = stateInputs.find((s) => s.name === n)!.shape;
    const o = buckets.get(shape.join('x'))?.shift() ?? fail(model, `no output of shape [${shape}] for state input ${n}`);
    mapping.set(n, o);
  }
  const ordered = [...MIMI_STATE_ORDER.filter((n) => mapping.has(n)), ...[...mapping.keys()].filter((n) => !MIMI_STATE_ORDER.includes(n)).sort()];
  return {
    audioOutput: audio[0].name,
    state: ordered.map((input) => ({ input, output: mapping.get(input)!, shape: stateInputs.find((s) => s.name === input)!.shape })),
  };
}
