/**
 * The backbone step graph rebuilt from the export's own weights. The export threads a full KV cache through every
 * call and spends most of a step in ~700 small cache/rotary/norm kernels; this graph reads the caller's KV buffers in
 * place (one [heads, capacity, headDim] buffer per layer for K and for V, unfilled positions masked out) and returns
 * only the new positions' K/V rows, with ONNX Runtime's fused kernels for what they cover: LayerNormalization,
 * RotaryEmbedding (interleaved), FusedMatMul (scaled q·Kᵀ), Gelu and, on INT8 sets, DynamicQuantizeMatMul.
 * The math is the official layer's: pre-norm, RoPE on q and k, full causal softmax attention, erf-GELU FFN.
 */
import type { AttentionTap } from '../backend';
import { DataType, type GraphNode, type Initializer, type OnnxGraph } from './onnxModelRead';
import { GraphBuilder } from './onnxModelWrite';

/** A linear layer's weight as [in, out]: fp32, or int8 with its per-tensor scale and zero point. */
export type Linear = { w: Initializer; scale?: Initializer; zeroPoint?: Initializer };

interface LayerWeights {
  norm1: [Initializer, Initializer];
  norm2: [Initializer, Initializer];
  inProj: Linear;
  outProj: Linear;
  linear1: Linear;
  linear2: Linear;
}

export interface BackboneWeights {
  bosEmb: Initializer;
  inputLinear: Linear;
  layers: LayerWeights[];
  outNorm: [Initializer, Initializer];
  eos: { w: Linear; bias: Initializer; transposed: boolean };
}

export interface BackboneShape {
  layers: number;
  heads: number;
  headDim: number;
  latentDim: number;
}

/** Graph I/O of the lean step graph. */
export const LEAN_IO = {
  sequence: 'sequence',
  text: 'text_embeddings',
  /** int64 [1]: the position of the run's first row (RoPE). */
  position: 'position',
  /** float [T, capacity + T]: 0 where a query may attend, -inf elsewhere (unfilled buffer slots, later rows). */
  bias: 'attn_bias',
  /** int64 [2]: [capacity, T], where the softmax row splits between the buffers and this run's rows. */
  split: 'kv_split',
  pastKey: (l: number) => `past_key_${l}`,
  pastValue: (l: number) => `past_value_${l}`,
  conditioning: 'conditioning',
  eos: 'eos_logit',
  /** float [2 · layers · heads, T, headDim]: this run's K then V rows, layer by layer, head-major. */
  kvRows: 'kv_rows',
  attention: (i: number) => `attention_${i}`,
} as const;

const LN_EPS = 1e-5;
const ROPE_MAX_PERIOD = 10000;

const bySuffix = (g: OnnxGraph, suffix: string): Initializer | undefined => {
  for (const [name, init] of g.initializers) if (name === suffix || name.endsWith(`.${suffix}`)) return init;
  return undefined;
};

/** Linear layers in graph order: MatMul on an fp32 weight, or MatMulInteger on an int8 weight named like ORT's quantizer. */
function linears(g: OnnxGraph): Linear[] {
  const out: Linear[] = [];
  const isInit = (n: GraphNode, i: number) => g.initializers.get(n.inputs[i] ?? '');
  for (const n of g.nodes) {
    const w = isInit(n, 1);
    if (!w || w.dims.length !== 2) continue;
    if (n.opType === 'MatMul' && w.dataType === DataType.FLOAT) out.push({ w });
    else if (n.opType === 'MatMulInteger' && w.dataType === DataType.INT8 && w.name.endsWith('_quantized')) {
      const base = w.name.slice(0, -'_quantized'.length);
      const scale = g.initializers.get(`${base}_scale`);
      const zeroPoint = isInit(n, 3);
      if (!scale || !zeroPoint) continue;
      out.push({ w, scale, zeroPoint });
    }
  }
  return out;
}

const shapeIs = (l: Linear, rows: number, cols: number) => l.w.dims[0] === rows && l.w.dims[1] === cols;

/**
 * The weights of a Pocket TTS backbone export (the community export, its INT8 version, our own), or why the graph is
 * not one: this builder only takes graphs whose parts it can place exactly.
 */
export function recognizeBackbone(g: OnnxGraph, s: BackboneShape): BackboneWeights | string {
  const d = s.heads * s.headDim;
  const count = (op: string) => g.nodes.filter((n) => n.opType === op).length;
  if (count('Softmax') !== s.layers) return `expected ${s.layers} attention softmaxes, found ${count('Softmax')}`;
  if (count('Erf') !== s.layers) return `expected ${s.layers} erf-GELUs, found ${count('Erf')}`;
  const norm = (name: string): [Initializer, Initializer] | undefined => {
    const w = bySuffix(g, `${name}.weight`);
    const b = bySuffix(g, `${name}.bias`);
    return w && b && w.dims.length === 1 && w.dims[0] === d && b.dims[0] === d ? [w, b] : undefined;
  };
  const bosEmb = bySuffix(g, 'bos_emb');
  const outNorm = norm('out_norm');
  const eosBias = bySuffix(g, 'out_eos.bias');
  if (!bosEmb || bosEmb.dims[0] !== s.latentDim || !outNorm || !eosBias) return 'bos_emb, out_norm or out_eos.bias not found';
  const all = linears(g);
  const inputLinear = all.find((l) => shapeIs(l, s.latentDim, d));
  const eosFp32 = bySuffix(g, 'out_eos.weight');
  const eosLinear = all.find((l) => shapeIs(l, d, 1));
  const eos = eosFp32 && eosFp32.dims[0] === 1 && eosFp32.dims[1] === d ? { w: { w: eosFp32 }, bias: eosBias, transposed: true } : eosLinear && { w: eosLinear, bias: eosBias, transposed: false };
  if (!inputLinear || !eos) return 'input_linear or out_eos weight not found';
  const body = all.filter((l) => l !== inputLinear && l !== eosLinear);
  if (body.length !== 4 * s.layers) return `expected ${4 * s.layers} linear layers in the transformer, found ${body.length}`;
  const ffn = body[2].w.dims[1];
  const layers: LayerWeights[] = [];
  for (let i = 0; i < s.layers; i++) {
    const [inProj, outProj, linear1, linear2] = body.slice(4 * i, 4 * i + 4);
    const norm1 = norm(`layers.${i}.norm1`);
    const norm2 = norm(`layers.${i}.norm2`);
    if (!shapeIs(inProj, d, 3 * d) || !shapeIs(outProj, d, d) || !shapeIs(linear1, d, ffn) || !shapeIs(linear2, ffn, d)) {
      return `layer ${i}: linear layers of unexpected shapes`;
    }
    if (!norm1 || !norm2) return `layer ${i}: norms not found`;
    layers.push({ norm1, norm2, inProj, outProj, linear1, linear2 });
  }
  return { bosEmb, inputLinear, layers, outNorm, eos };
}

/** cos/sin of every position's RoPE angles, [positions, headDim / 2], with the reference's fp32 angle products. */
function ropeTables(positions: number, headDim: number): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const k = Math.fround((-Math.log(ROPE_MAX_PERIOD) * 2) / headDim);
  const freqs = Array.from({ length: half }, (_, i) => Math.fround(Math.exp(Math.fround(i * k))));
  const cos = new Float32Array(positions * half);
  const sin = new Float32Array(positions * half);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const a = Math.fround(freqs[i] * p);
      cos[p * half + i] = Math.cos(a);
      sin[p * half + i] = Math.sin(a);
    }
  }
  return { cos, sin };
}

export interface LeanBuildOptions {
  /** Positions RoPE tables cover (the model's context capacity). */
  positions: number;
  taps: readonly AttentionTap[];
}

/** The lean step graph for `w` (see LEAN_IO for its inputs and outputs). */
export function buildLeanBackbone(w: BackboneWeights, s: BackboneShape, opts: LeanBuildOptions): Uint8Array {
  const { heads, headDim, latentDim } = s;
  const d = heads * headDim;
  const b = new GraphBuilder();
  const F = DataType.FLOAT;
  const ms = 'com.microsoft';
  const init = (i: Initializer) => b.initializer(i.name, i.dataType, i.dims, i.bytes);
  const linear = (x: string, l: Linear): string => {
    const weight = init(l.w);
    if (!l.scale || !l.zeroPoint) return b.op('MatMul', [x, weight]);
    return b.op('DynamicQuantizeMatMul', [x, weight, init(l.scale), init(l.zeroPoint)], {}, ms);
  };
  const layerNorm = (x: string, [scale, bias]: [Initializer, Initializer]) =>
    b.op('LayerNormalization', [x, init(scale), init(bias)], { axis: { i: -1 }, epsilon: { f: LN_EPS } });

  const seq = b.input(LEAN_IO.sequence, F, [1, 'S', latentDim]);
  const text = b.input(LEAN_IO.text, F, [1, 'L', d]);
  const position = b.input(LEAN_IO.position, DataType.INT64, [1]);
  const bias = b.input(LEAN_IO.bias, F, ['T', 'KT']);
  const split = b.input(LEAN_IO.split, DataType.INT64, [2]);
  const { cos, sin } = ropeTables(opts.positions, headDim);
  const cosT = b.floats('rope_cos', cos, [opts.positions, headDim / 2]);
  const sinT = b.floats('rope_sin', sin, [opts.positions, headDim / 2]);
  const qkvSplit = b.int64s('qkv_split', [d, d, d]);
  const headsFirst = b.int64s('heads_shape', [-1, heads, headDim]);
  const rowShape = b.int64s('row_shape', [1, -1, d]);
  const last = b.int64s('last', [-1], []);
  const scale = 1 / Math.sqrt(headDim);

  // NaN rows are the BOS marker: the learned BOS latent replaces them (as the export does).
  const latents = b.op('Where', [b.op('IsNaN', [seq]), init(w.bosEmb), seq]);
  let x = b.op('Concat', [text, linear(latents, w.inputLinear)], { axis: { i: 1 } });
  const rows: string[] = [];
  const tapped = new Map<number, string>();
  w.layers.forEach((layer, l) => {
    const [q, k, v] = b.node('Split', [linear(layerNorm(x, layer.norm1), layer.inProj), qkvSplit], 3, { axis: { i: 2 } });
    const rope = (t: string) => b.op('RotaryEmbedding', [t, position, cosT, sinT], { interleaved: { i: 1 }, num_heads: { i: heads } }, ms);
    const toHeads = (t: string) => b.op('Transpose', [b.op('Reshape', [t, headsFirst])], { perm: { ints: [1, 0, 2] } });
    const qh = toHeads(rope(q));
    const kh = toHeads(rope(k));
    const vh = toHeads(v);
    rows.push(kh, vh);
    const pastK = b.input(LEAN_IO.pastKey(l), F, [heads, 'C', headDim]);
    const pastV = b.input(LEAN_IO.pastValue(l), F, [heads, 'C', headDim]);
    const qk = (keys: string) => b.op('FusedMatMul', [qh, keys], { transB: { i: 1 }, alpha: { f: scale } }, ms);
    const scores = b.op('Add', [b.op('Concat', [qk(pastK), qk(kh)], { axis: { i: 2 } }), bias]);
    const probs = b.op('Softmax', [scores], { axis: { i: -1 } });
    const [pPast, pNew] = b.node('Split', [probs, split], 2, { axis: { i: 2 } });
    const attended = b.op('Add', [b.op('MatMul', [pPast, pastV]), b.op('MatMul', [pNew, vh])]);
    const merged = b.op('Reshape', [b.op('Transpose', [attended], { perm: { ints: [1, 0, 2] } }), rowShape]);
    x = b.op('Add', [x, linear(merged, layer.outProj)]);
    const ffn = linear(b.op('Gelu', [linear(layerNorm(x, layer.norm2), layer.linear1)], {}, ms), layer.linear2);
    x = b.op('Add', [x, ffn]);
    opts.taps.forEach((tap, i) => {
      if (tap.layer !== l) return;
      const head = b.int64s(`tap_head_${i}`, [tap.head], []);
      tapped.set(i, b.op('Gather', [b.op('Gather', [probs, head], { axis: { i: 0 } }), last], { axis: { i: 0 } }));
    });
  });
  const h = layerNorm(b.op('Gather', [x, last], { axis: { i: 1 } }), w.outNorm);
  b.node('Identity', [h], [LEAN_IO.conditioning]);
  if (w.eos.transposed) b.node('Gemm', [h, init(w.eos.w.w), init(w.eos.bias)], [LEAN_IO.eos], { transB: { i: 1 } });
  else b.node('Add', [linear(h, w.eos.w), init(w.eos.bias)], [LEAN_IO.eos]);
  b.node('Concat', rows, [LEAN_IO.kvRows], { axis: { i: 0 } });
  b.output(LEAN_IO.conditioning, F, [1, d]);
  b.output(LEAN_IO.eos, F, [1, 1]);
  b.output(LEAN_IO.kvRows, F, [2 * s.layers * heads, 'T', headDim]);
  opts.taps.forEach((tap, i) => {
    const row = tapped.get(i);
    if (!row || tap.head >= heads) throw new Error(`no attention tap at layer ${tap.layer}, head ${tap.head}: the backbone has ${s.layers} layers of ${heads} heads`);
    b.node('Identity', [row], [LEAN_IO.attention(i)]);
    b.output(LEAN_IO.attention(i), F, ['KT']);
  });
  return b.model('pocket_reader_lean_backbone', { '': 17, [ms]: 1 });
}
