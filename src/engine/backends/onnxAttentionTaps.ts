/**
 * Attention taps on the community export: every backbone layer computes its attention weights with an explicit
 * Softmax (`/transformer/layers.{L}/self_attn/Softmax`, [1, heads, T, S]) in the fp32 and the INT8 graphs alike.
 * Exposing the tapped layers' Softmax outputs as extra graph outputs returns each step's weights from the same run,
 * without touching the graph's math.
 */
import type * as ort from 'onnxruntime-node';
import type { AttentionTap } from '../backend';
import { addGraphOutputs } from './onnxGraphEdit';
import { readGraph } from './onnxModelRead';

export interface AttentionOutputs {
  taps: readonly AttentionTap[];
  /** Graph output holding each tap's layer weights, per tap. */
  names: string[];
}

/** The model with the tapped layers' attention weights as outputs; throws if a layer has no such Softmax. */
export function exposeAttention(model: Uint8Array, taps: readonly AttentionTap[]): { bytes: Uint8Array; outputs: AttentionOutputs } {
  const softmaxes = readGraph(model).nodes.filter((n) => n.opType === 'Softmax');
  const byLayer = new Map<number, string>();
  for (const layer of new Set(taps.map((t) => t.layer))) {
    // Our own exports scope layers as /flow_lm/layers.{L}, the community export as /transformer/layers.{L}.
    const pattern = new RegExp(`(^|/)layers\\.${layer}/self_attn/Softmax$`);
    const node = softmaxes.find((n) => pattern.test(n.name));
    if (!node?.outputs[0]) throw new Error(`the backbone graph has no attention Softmax for layer ${layer}`);
    byLayer.set(layer, node.outputs[0]);
  }
  return {
    bytes: addGraphOutputs(model, [...byLayer.values()]),
    outputs: { taps, names: taps.map((t) => byLayer.get(t.layer)!) },
  };
}

/**
 * Each tap's last query row over all `positions` keys, tap-major (StepResult.attention). The step's query is the
 * last row of the run, which also holds the fused text prefill on a chunk's first step.
 */
export function attentionRows(out: ort.InferenceSession.OnnxValueMapType, outputs: AttentionOutputs, positions: number): Float32Array {
  const rows = new Float32Array(outputs.taps.length * positions);
  outputs.taps.forEach((tap, i) => {
    const t = out[outputs.names[i]!] as ort.Tensor;
    const [, heads = 0, queries = 0, keys = 0] = t.dims;
    if (keys !== positions || tap.head >= heads) {
      throw new Error(`attention of layer ${tap.layer} is [${t.dims.join(', ')}], expected head ${tap.head} over ${positions} positions`);
    }
    const at = (tap.head * queries + queries - 1) * keys;
    rows.set((t.data as Float32Array).subarray(at, at + keys), i * positions);
  });
  return rows;
}
