/** Builds ONNX state tensors from a bundle manifest: the generic fills, and voice KV states from safetensors. */
import * as ort from 'onnxruntime-node';
import { EngineError } from '../errors';
import type { StateEntry } from '../modelFiles';
import type { RawTensor } from '../safetensors';
import { toBigInt64, toFloat32 } from '../safetensors';

export function filledTensor(e: StateEntry): ort.Tensor {
  const size = e.shape.reduce((a, b) => a * b, 1);
  switch (e.dtype) {
    case 'float32': {
      const data = new Float32Array(size);
      if (e.fill === 'nan') data.fill(NaN);
      else if (e.fill === 'ones') data.fill(1);
      return new ort.Tensor('float32', data, e.shape);
    }
    case 'int64': {
      const data = new BigInt64Array(size);
      if (e.fill === 'ones') data.fill(1n);
      return new ort.Tensor('int64', data, e.shape);
    }
    case 'bool': {
      const data = new Uint8Array(size);
      if (e.fill === 'ones') data.fill(1);
      return new ort.Tensor('bool', data, e.shape);
    }
    default:
      throw new EngineError('MODEL_CORRUPT', `state ${e.path}: unsupported dtype ${String(e.dtype)}`);
  }
}

/**
 * A saved voice state ("module/key" tensors, caches holding exactly T_v positions) laid into the
 * graph's fixed-capacity state: caches padded along the sequence axis with the manifest fill, the
 * step counter taken from `step` or (Kyutai's files) `offset`.
 */
export function voiceStateTensors(
  entries: readonly StateEntry[],
  stored: Map<string, RawTensor>,
  voiceName: string,
  capacity: number,
): { tensors: ort.Tensor[]; positions: number } {
  let positions = -1;
  const tensors = entries.map((e) => {
    if (e.key === 'step') {
      const t = stored.get(`${e.module}/step`) ?? stored.get(`${e.module}/offset`);
      if (!t) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} has no ${e.module}/offset: not a state for this model`);
      const value = toBigInt64(t)[0];
      const p = Number(value);
      if (positions >= 0 && p !== positions) throw new EngineError('MODEL_CORRUPT', `voice ${voiceName}: layers disagree on offset`);
      positions = p;
      return new ort.Tensor('int64', BigInt64Array.from(e.shape.length ? Array(e.shape.reduce((a, b) => a * b, 1)).fill(value) : [value]), e.shape);
    }
    if (e.key === 'cache') {
      const t = stored.get(e.path);
      if (!t) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} has no ${e.path}: not a state for this model`);
      return padCache(e, t, voiceName, capacity);
    }
    return filledTensor(e);
  });
  if (positions < 0) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} has no position counter`);
  return { tensors, positions };
}

function padCache(e: StateEntry, t: RawTensor, voiceName: string, capacity: number): ort.Tensor {
  const target = [...e.shape];
  target[2] = capacity;
  const src = t.shape;
  const sameTail = src.length === target.length && src.every((d, i) => i === 2 || d === target[i]);
  if (!sameTail) {
    throw new EngineError(
      'UNKNOWN_VOICE',
      `voice ${voiceName}: ${e.path} has shape [${src}] but this model needs [${e.shape}] (the voice belongs to another model)`,
    );
  }
  if (src[2] >= target[2]) throw new EngineError('UNKNOWN_VOICE', `voice ${voiceName} is too long for this model (${src[2]} positions)`);
  const data = toFloat32(t);
  const out = new Float32Array(target.reduce((a, b) => a * b, 1));
  out.fill(e.fill === 'nan' ? NaN : 0);
  const outer = target[0] * target[1];
  const row = target[3] * target[4];
  for (let o = 0; o < outer; o++) {
    out.set(data.subarray(o * src[2] * row, (o + 1) * src[2] * row), o * target[2] * row);
  }
  return new ort.Tensor('float32', out, target);
}
